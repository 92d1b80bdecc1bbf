// A modal dialog of the workbench (showWarningMessage with { modal: true } in a browser).
import type { Locator, Page } from 'playwright-core';
import { exactly } from './text';

export class Dialog {
  readonly box: Locator;

  constructor(readonly page: Page) {
    this.box = page.locator('.monaco-dialog-box');
  }

  /** Waits for a dialog whose text contains `text`, then returns its message. */
  async waitFor(text?: string | RegExp): Promise<string> {
    const box = text === undefined ? this.box : this.box.filter({ hasText: text });
    await box.waitFor({ state: 'visible' });
    return (await box.locator('.dialog-message-text').textContent()) ?? '';
  }

  async press(button: string): Promise<void> {
    await this.box.locator('.dialog-buttons .monaco-button', { hasText: exactly(button) }).click();
    await this.box.waitFor({ state: 'hidden' });
  }
}
