import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * axe on every page a journey visits: `watch` records each main-frame navigation (server loads and
 * client-side route changes alike) and `audit` runs axe on the page as it is now. The test file
 * checks at the end that every visited path was audited, so a journey cannot skip one.
 */
export class A11yAudit {
  readonly visited = new Set<string>();
  readonly audited = new Set<string>();
  readonly failures: string[] = [];

  watch(page: Page): Page {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.visited.add(pathOf(frame.url()));
    });
    return page;
  }

  /** Runs axe (every rule axe enables by default: WCAG 2.x A/AA and best practices) and records violations. */
  async audit(page: Page, note = ''): Promise<string[]> {
    await page.waitForLoadState('load');
    const result = await new AxeBuilder({ page }).analyze();
    const where = `${pathOf(page.url())}${note ? ` (${note})` : ''}`;
    this.audited.add(pathOf(page.url()));
    const found = result.violations.map(
      (v) => `${where}: ${v.id} [${v.impact}] ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`,
    );
    this.failures.push(...found);
    return found;
  }

  unaudited(): string[] {
    return [...this.visited].filter((p) => p !== 'about:blank' && !this.audited.has(p));
  }
}

function pathOf(url: string): string {
  if (!url.startsWith('http')) return url;
  const u = new URL(url);
  return u.pathname;
}
