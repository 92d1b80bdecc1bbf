// The VS Code workbench as a person sees it in the browser: load it, run a command, switch views.
import type { Locator, Page } from 'playwright-core';
import { QuickInput } from './quickInput';

export class Workbench {
  readonly quickInput: QuickInput;

  constructor(readonly page: Page) {
    this.quickInput = new QuickInput(page);
  }

  /** Opens code-server at `url` on `folder` and waits until the workbench is interactive. */
  async load(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 90_000 });
    await this.page.locator('.monaco-workbench .statusbar').waitFor();
  }

  /** Runs a command from the command palette by its full title, e.g. "Mail Inspector: Add Account". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitOpen();
    await this.page.keyboard.type(title);
    await this.quickInput.pick(title);
  }

  /** The activity-bar entry of a view container, found by its title (its aria-label starts with it). */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar .action-item:has(> a[aria-label^="${title}"])`).first();
  }

  /** Shows a view container in the side bar (a second click on an active entry would hide it). */
  async openViewContainer(title: string): Promise<void> {
    const item = this.activityBarItem(title);
    await item.waitFor();
    if (!((await item.getAttribute('class')) ?? '').split(' ').includes('checked')) await item.click();
    await this.page.locator('.part.sidebar .composite.title').filter({ hasText: new RegExp(title, 'i') }).waitFor();
  }

  /** A notification toast whose message matches `text`. */
  notification(text: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  }

  /** Closes every notification (as the bell's "Clear All Notifications" does), e.g. before a screenshot. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
  }

  /** Drags the sash right of the side bar so that the side bar is `width` pixels wide. */
  async resizeSideBar(width: number): Promise<void> {
    const sidebar = await this.page.locator('.part.sidebar').boundingBox();
    if (!sidebar) throw new Error('the side bar is not shown');
    const y = sidebar.y + sidebar.height / 2;
    await this.page.mouse.move(sidebar.x + sidebar.width + 2, y);
    await this.page.mouse.down();
    await this.page.mouse.move(sidebar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }
}
