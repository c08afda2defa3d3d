import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dataRoot } from '@makapix/devstack';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { A11yAudit } from './a11y.ts';
import type { WebSite } from './site.ts';

/** What the journeys share: the running site, the axe audit and a scratch directory. */
export class WebEnv {
  readonly audit = new A11yAudit();
  private readonly contexts: BrowserContext[] = [];
  private readonly started = Date.now();
  private readonly steps: string[] = [];

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
    this.step(`goto ${route}`);
    const res = await page.goto(this.site.url(route));
    this.step(`loaded ${route} (${res?.status()})`);
    await this.audit.audit(page);
    this.step(`audited ${route}`);
    return res?.status() ?? 0;
  }

  /** A timestamped line for .data/web-e2e-steps.log (where a slow or failed journey spent its time). */
  step(line: string): void {
    this.steps.push(`${((Date.now() - this.started) / 1000).toFixed(1).padStart(7)} s  ${line}`);
  }

  /** After a failed test: every open page's screenshot and URL, in .data/web-e2e-failures/. */
  async keepEvidence(testName: string): Promise<void> {
    const dir = path.join(dataRoot, 'web-e2e-failures');
    await mkdir(dir, { recursive: true });
    const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    let i = 0;
    for (const context of this.contexts) {
      for (const page of context.pages()) {
        const file = path.join(dir, `${slug}-${i++}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        this.step(`evidence ${file}: ${page.url()}`);
      }
    }
  }

  async writeSteps(): Promise<void> {
    await mkdir(dataRoot, { recursive: true });
    await writeFile(path.join(dataRoot, 'web-e2e-steps.log'), `${this.steps.join('\n')}\n`);
  }

  async closeAll(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => undefined);
  }
}
