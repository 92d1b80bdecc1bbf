// The status bar at the bottom of the workbench (extensions add items to it, e.g. the cost of an opened part).
import type { Locator, Page } from 'playwright-core';

export class StatusBar {
  constructor(readonly page: Page) {}

  /** The item whose visible text matches `text`. */
  item(text: RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: text }).first();
  }

  /** Waits for an item matching `text` and returns its visible text. */
  async waitForItem(text: RegExp): Promise<string> {
    const item = this.item(text);
    await item.waitFor({ state: 'visible' });
    return ((await item.textContent()) ?? '').trim();
  }
}
