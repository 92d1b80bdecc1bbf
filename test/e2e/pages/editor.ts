// The editor area: tabs and the text of the active editor.
import type { Locator, Page } from 'playwright-core';
import { copyAllText } from './clipboard';
import { exactly } from './text';

export class EditorArea {
  constructor(readonly page: Page) {}

  /** The active tab of the active editor group. */
  activeTab(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active');
  }

  /** Waits until the active tab's file name (e.g. "Subject.eml") matches `name`, and returns it. */
  async waitForActiveTab(name: RegExp): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = (await this.activeTab().getAttribute('data-resource-name').catch(() => null)) ?? '';
      if (name.test(current)) return current;
      if (Date.now() > deadline) throw new Error(`the active editor tab is "${current}", not ${name}`);
      await this.page.waitForTimeout(200);
    }
  }

  /** The tab titled `title` (e.g. a webview panel's "Preview: …"), in any editor group. */
  tab(title: string): Locator {
    return this.page.locator('.part.editor .tabs-container .tab').filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) }).first();
  }

  /** A button in the title bar of the active editor group (e.g. "Preview" on an HTML part's tab), by its title. */
  titleAction(title: string): Locator {
    return this.page.locator(`.part.editor .editor-group-container.active .editor-actions .action-label[aria-label="${title}"]`).first();
  }

  private editor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** The whole text of the active editor (select all, copy), not only the lines on screen. */
  async text(): Promise<string> {
    return copyAllText(this.page, this.editor());
  }

  /** Types a character into the active editor; true if the text stayed the same (a read-only editor). */
  async refusesTyping(): Promise<boolean> {
    const before = await this.text(); // leaves the cursor in the editor, at the end
    await this.page.keyboard.type('x');
    const after = await this.text();
    if (after !== before) await this.page.keyboard.press('ControlOrMeta+Z');
    return after === before;
  }
}
