import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); nothing is downloaded, ever. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, offline, container-friendly Chromium: no sandbox (tests run as root), no GPU,
 * /tmp instead of a small /dev/shm, and no background traffic to Google's services.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
