// A webview panel's content. VS Code puts it two iframes deep (an outer host frame and the content frame), on
// another origin, so it is found among all the page's frames by the text it shows.
import type { Frame, Locator, Page } from 'playwright-core';

export class Webviews {
  constructor(readonly page: Page) {}

  /**
   * Waits for the frame whose document's visible text contains `text`, and returns it. Gives up at once when
   * `failure` shows (e.g. the extension's error notification), with its text.
   */
  async frameWithText(text: string, failure?: Locator, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (failure && (await failure.isVisible())) throw new Error(`no webview shows "${text}": ${(await failure.innerText()).trim()}`);
      for (const frame of this.page.frames()) {
        const body = await frame.evaluate(() => (globalThis as unknown as { document: { body?: { innerText: string } } }).document.body?.innerText ?? '').catch(() => '');
        if (body.includes(text)) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview frame shows "${text}" (${this.page.frames().length} frames)`);
      await this.page.waitForTimeout(200);
    }
  }
}
