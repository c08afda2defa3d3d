import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { A11yAudit } from './a11y.ts';
import type { WebSite } from './site.ts';

/** What the journeys share: the running site, the axe audit and a scratch directory. */
export class WebEnv {
  readonly audit = new A11yAudit();
  private readonly contexts: BrowserContext[] = [];

  constructor(readonly site: WebSite, readonly scratchDir: string) {}

  /** A fresh browser profile (its own cookies) whose pages are watched for the axe audit. */
  async context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.site.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    this.contexts.push(context);
    return context;
  }

  async page(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await this.context(options)).newPage();
    return options.javaScriptEnabled === false ? page : this.audit.watch(page);
  }

  /** Navigates and audits the page it lands on. */
  async visit(page: Page, route: string): Promise<number> {
    const res = await page.goto(this.site.url(route));
    await this.audit.audit(page);
    return res?.status() ?? 0;
  }

  async closeAll(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => undefined);
  }
}
