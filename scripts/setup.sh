#!/usr/bin/env bash
# Installs whatever is missing for `npm start` (mode: run) or `npm test` (mode: test) on a fresh
# Debian/Ubuntu machine with Node.js >= 20: Debian packages first, then the npm workspaces.
set -euo pipefail
mode="${1:-run}"
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v caddy >/dev/null || need+=(caddy)
# The browser tests and the web benchmark drive Debian's Chromium (never a downloaded browser).
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # Reactions are emoji: without a colour emoji font they render as empty boxes in screenshots.
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
fi
if [ "$mode" = test ]; then
  command -v docker-compose >/dev/null || need+=(docker-compose)
  command -v mosquitto_sub >/dev/null || need+=(mosquitto-clients)
fi
if [ "$mode" = bench ]; then
  command -v mosquitto >/dev/null || need+=(mosquitto)
  python3 -c 'import PIL' 2>/dev/null || need+=(python3-pil)
fi

if ((${#need[@]})); then
  echo "setup: installing Debian packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # apt's sandbox user cannot write to a 0755 /tmp: without TMPDIR, `apt-get update` keeps stale lists.
  $sudo env TMPDIR=/var/tmp apt-get update -qq
  $sudo env TMPDIR=/var/tmp DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts services on install; ours run as child processes on project ports instead.
  for svc in redis-server caddy mosquitto; do
    $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || $sudo service "$svc" stop >/dev/null 2>&1 || true
  done
fi

# Install the npm workspaces when node_modules is missing or older than the lockfile. `npm install`
# rather than `npm ci`: the lockfile holds only the platform packages (turbo, esbuild, sharp…) that
# the registry this project is built against serves, and `npm ci` refuses a lock without the others.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
fi
