// The Output panel and its channels (Mail Inspector writes each account's traffic to its own channel).
import type { Locator, Page } from 'playwright-core';
import { copyAllText } from './clipboard';

export class OutputPanel {
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.panel = page.locator('.part.panel');
  }

  private editor(): Locator {
    return this.panel.locator('.output .monaco-editor, .output-view .monaco-editor').first();
  }

  /** Waits until the Output panel is shown with the channel `name` selected. */
  async waitForChannel(name: string): Promise<void> {
    await this.editor().waitFor({ state: 'visible' });
    const select = this.panel.locator('select[aria-label="Switch Output"]').first();
    const deadline = Date.now() + 30_000;
    while ((await select.evaluate((s: { selectedIndex: number; options: { text: string }[] }) => s.options[s.selectedIndex]?.text)) !== name) {
      if (Date.now() > deadline) throw new Error(`the Output panel does not show the channel "${name}"`);
      await this.page.waitForTimeout(200);
    }
  }

  /** The names of the channels the panel offers. */
  async channels(): Promise<string[]> {
    return this.panel.locator('select[aria-label="Switch Output"]').first().locator('option').evaluateAll((options) => options.map((o) => o.textContent ?? ''));
  }

  /** The channel's whole text (select all, copy). */
  async text(): Promise<string> {
    return copyAllText(this.page, this.editor());
  }

  /** Waits until the channel's text satisfies `ready` (its lines arrive as the extension works), returns it. */
  async waitForText(ready: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.text();
      if (ready(text)) return text;
      if (Date.now() > deadline) throw new Error(`the output channel never showed what was expected; it shows:\n${text}`);
      await this.page.waitForTimeout(500);
    }
  }
}
