// Headless Chromium from Debian (playwright-core brings no browser of its own here; never `playwright install`).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.MAIL_INSPECTOR_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** A browser with one page on `origin`, allowed to use the clipboard (page objects copy editor text with it). */
export async function openBrowser(origin: string): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(origin).origin });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return { browser, context, page, close: () => browser.close() };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
