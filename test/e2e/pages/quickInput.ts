// The quick input widget (command palette, quick picks, input boxes), driven by keyboard like a person would.
import type { Locator, Page } from 'playwright-core';
import { exactly } from './text';

export class QuickInput {
  readonly widget: Locator;
  readonly input: Locator;

  constructor(readonly page: Page) {
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('.quick-input-box input');
  }

  async waitOpen(): Promise<void> {
    await this.widget.waitFor({ state: 'visible' });
  }

  async waitClosed(): Promise<void> {
    await this.widget.waitFor({ state: 'hidden' });
  }

  /**
   * Waits for the step named `step`: an input whose placeholder is `step`, or whose prompt or title starts with
   * it (a password box has a prompt and no placeholder).
   */
  async waitForStep(step: string): Promise<void> {
    const starts = new RegExp(`^\\s*${escapeRegExp(step)}`);
    await this.widget
      .locator(`.quick-input-box input[placeholder="${step.replace(/"/g, '\\"')}"]`)
      .or(this.widget.locator('.quick-input-message', { hasText: starts }))
      .or(this.widget.locator('.quick-input-title', { hasText: starts }))
      .first()
      .waitFor({ state: 'visible' });
  }

  /** The items of the quick pick on screen, by label. */
  item(label: string): Locator {
    return this.widget.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /** Chooses the item labelled `label` in the current quick pick (after waiting for `step`, if given). */
  async pick(label: string, step?: string): Promise<void> {
    if (step) await this.waitForStep(step);
    // The pointer may rest on another row whose hover (a truncated description) covers this one: move it to the
    // input box first, which closes that hover.
    await this.input.hover();
    await this.item(label).first().click();
  }

  /** Types into the current input box, replacing what it holds, then presses Enter. */
  async enter(step: string, text: string): Promise<void> {
    await this.waitForStep(step);
    await this.input.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    if (text === '') await this.page.keyboard.press('Delete');
    else await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Accepts the current input box as prefilled. */
  async accept(step: string): Promise<string> {
    await this.waitForStep(step);
    const value = await this.input.inputValue();
    await this.page.keyboard.press('Enter');
    return value;
  }

  /** Whether the input on screen is a password box (its characters are hidden). */
  async isPassword(): Promise<boolean> {
    return (await this.input.getAttribute('type')) === 'password';
  }

  /** The validation or prompt message under the input. */
  async message(): Promise<string> {
    return (await this.widget.locator('.quick-input-message').textContent()) ?? '';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
