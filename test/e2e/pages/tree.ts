// A tree view contributed by an extension (here Mail Inspector's "Accounts"), read and clicked like a person
// would: rows found by their visible label, scrolled into view with the mouse wheel, expanded by the twistie.
import type { Locator, Page } from 'playwright-core';
import { exactly } from './text';

export interface Row {
  label: string;
  description: string;
  /** 1 for top-level nodes. */
  level: number;
  expanded: boolean | undefined;
}

export class TreeView {
  readonly list: Locator;

  /** `containerId` is the contributed view container id (e.g. "mailInspector"), `viewName` the view's name. */
  constructor(readonly page: Page, private readonly containerId: string, private readonly viewName: string) {
    // The side bar holds one composite per container, with one pane per view (its header hidden when alone).
    this.list = page
      .locator(`[id="workbench.view.extension.${containerId}"] .pane:has(> .pane-header[aria-label="${viewName} Section"]) .monaco-list[role="tree"]`)
      .first();
  }

  /** The row whose label is exactly `label` (only rows the list has rendered: see `scrollTo`). */
  row(label: string): Locator {
    return this.list.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
  }

  /** Scrolls the list to its top, where no sticky account or folder row lies over the first rows. */
  async scrollToTop(): Promise<void> {
    await this.list.hover();
    await this.page.mouse.wheel(0, -10_000);
    await this.page.waitForTimeout(200);
  }

  /** Waits until a row labelled `label` exists, scrolling the list to find it. */
  async scrollTo(label: string, timeoutMs = 30_000): Promise<Locator> {
    const row = this.row(label);
    const deadline = Date.now() + timeoutMs;
    let direction = 1;
    for (;;) {
      // The tree re-renders rows as nodes load, so a row found may be replaced before it is scrolled to.
      if ((await row.count()) > 0 && (await row.scrollIntoViewIfNeeded({ timeout: 2000 }).then(() => true, () => false))) return row;
      if (Date.now() > deadline) throw new Error(`no tree row "${label}"; rows on screen: ${(await this.rows()).map((r) => r.label).join(' | ')}`);
      // Rows appear as they load, and a long list renders only what is on screen: wheel through it, down then up.
      const before = await this.renderedIndexes();
      await this.list.hover();
      await this.page.mouse.wheel(0, direction * 400);
      await this.page.waitForTimeout(150);
      if ((await this.renderedIndexes()) === before) direction = -direction;
    }
  }

  private async renderedIndexes(): Promise<string> {
    return (await this.list.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-index')))).join(',');
  }

  /** The rows currently rendered, in order. */
  async rows(): Promise<Row[]> {
    return this.list.locator('.monaco-list-row').evaluateAll((rows) =>
      rows
        .map((r) => ({
          index: Number(r.getAttribute('data-index')),
          label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
          level: Number(r.getAttribute('aria-level')),
          expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : undefined,
        }))
        .sort((a, b) => a.index - b.index)
        .map(({ label, description, level, expanded }) => ({ label, description, level, expanded })),
    );
  }

  /** The rendered direct children of the row `label`. */
  async children(label: string): Promise<Row[]> {
    const rows = await this.rows();
    const at = rows.findIndex((r) => r.label === label);
    if (at < 0) throw new Error(`no tree row "${label}"`);
    const out: Row[] = [];
    for (const r of rows.slice(at + 1)) {
      if (r.level <= rows[at].level) break;
      if (r.level === rows[at].level + 1) out.push(r);
    }
    return out;
  }

  async description(label: string): Promise<string> {
    return ((await (await this.scrollTo(label)).locator('.label-description').textContent()) ?? '').trim();
  }

  /** Expands the row `label` (a click on its twistie) unless it is expanded already. */
  async expand(label: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.scrollTo(label);
      if ((await row.getAttribute('aria-expanded')) === 'true') return;
      // Not while its children are loading (a second click would collapse it again).
      const loading = await row.locator('.monaco-tl-twistie').evaluate((t: { className: string }) => /loading/.test(t.className)).catch(() => false);
      if (!loading) {
        await this.dismissHover();
        await row.locator('.monaco-tl-twistie').click();
      }
      // The row is looked up again: one re-rendered meanwhile (its counts came in) is a new element, and a click on
      // the old one is lost; then it is clicked again.
      for (let until = Date.now() + 3000; Date.now() < until && Date.now() < deadline; ) {
        const now = this.row(label);
        if ((await now.getAttribute('aria-expanded').catch(() => null)) === 'true') return;
        // Children still loading: wait for them, however long (up to the deadline), rather than click again.
        if (await now.locator('.monaco-tl-twistie').evaluate((t: { className: string }) => /loading/.test(t.className)).catch(() => false)) until = Date.now() + 3000;
        await this.page.waitForTimeout(150);
      }
      if (Date.now() > deadline) throw new Error(`the tree row "${label}" did not expand`);
    }
  }

  async collapse(label: string): Promise<void> {
    const row = await this.scrollTo(label);
    if ((await row.getAttribute('aria-expanded')) === 'true') {
      await this.dismissHover();
      await row.locator('.monaco-tl-twistie').click();
    }
  }

  /** Clicks the row `label` (opens a message, runs "Load more…"). */
  async click(label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.scrollTo(label);
      // The tooltip of the row the pointer rested on (a message's envelope) can cover the next row: move the
      // pointer away and let it close first, as a person would.
      await this.dismissHover();
      try {
        await row.click({ timeout: 5000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /** Moves the pointer onto the empty editor area and waits for any open hover (tooltip) to close. */
  async dismissHover(): Promise<void> {
    const editor = await this.page.locator('.part.editor').first().boundingBox();
    if (editor) await this.page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height - 20);
    // A row's tooltip is a workbench hover shown in a context view (display: none once it closes).
    const hover = this.page.locator('.context-view:has(.workbench-hover), .context-view:has(.monaco-hover:not(.hidden))');
    await hover.first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  }

  /** Runs an entry of the row's context menu (right click). */
  async contextMenu(label: string, action: string): Promise<void> {
    const menu = this.page.locator('.monaco-menu');
    const closed = (): Promise<boolean> => menu.first().waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false);
    for (let attempt = 1; ; attempt++) {
      await (await this.scrollTo(label)).click({ button: 'right' });
      const item = menu.locator('.action-item:not(.disabled) .action-label', { hasText: exactly(action) }).first();
      await item.click();
      if (await closed()) return;
      // The menu sometimes ignores a click (seen after the tree refreshed under it); the item has focus from the
      // pointer resting on it, so Enter chooses it as a keyboard user would.
      await item.hover();
      await this.page.keyboard.press('Enter');
      if (await closed()) return;
      if (attempt === 3) throw new Error(`the context menu entry "${action}" of "${label}" did not respond`);
      await this.page.keyboard.press('Escape');
    }
  }

  /** The entries of the row's context menu (right click), in order, submenus by their own label; the menu is closed again. */
  async contextMenuItems(label: string): Promise<string[]> {
    const menu = this.page.locator('.monaco-menu').first();
    await (await this.scrollTo(label)).click({ button: 'right' });
    await menu.waitFor();
    const items = await menu.locator('.action-item:not(.disabled) .action-label').allTextContents();
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    return items.map((t) => t.trim()).filter(Boolean);
  }

  /** Drags the row `source` onto the row `target` (both scrolled into view), as a person would with the mouse (HTML5 drag and drop). */
  async dragTo(source: string, target: string): Promise<void> {
    const to = await this.scrollTo(target);
    const from = await this.scrollTo(source);
    await this.dismissHover();
    const [a, b] = [await from.boundingBox(), await to.boundingBox()];
    if (!a || !b) throw new Error(`the rows "${source}" and "${target}" are not both on screen`);
    // Press on the source, move a little (the drag starts), then over the target in steps (dragenter, dragover), release.
    await this.page.mouse.move(a.x + a.width / 3, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(a.x + a.width / 3 + 8, a.y + a.height / 2 + 4, { steps: 4 });
    await this.page.mouse.move(b.x + b.width / 3, b.y + b.height / 2, { steps: 12 });
    await this.page.mouse.move(b.x + b.width / 3 + 4, b.y + b.height / 2, { steps: 2 });
    await this.page.mouse.up();
  }

  /** Clicks an inline action button of the row (shown on hover), found by its title. */
  async inlineAction(label: string, title: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.scrollTo(label);
      try {
        await row.hover({ timeout: 5000 });
        await row.locator(`.actions .action-label[aria-label^="${title}"]`).click({ timeout: 5000 });
        return;
      } catch (error) {
        // A live tree renders rows again as changes arrive (the row may scroll away between finding and hovering it).
        if (attempt === 3) throw error;
      }
    }
  }

  /** The view's section header in the side bar (shown when the container holds more than one view). */
  sectionHeader(): Locator {
    return this.page.locator(`[id="workbench.view.extension.${this.containerId}"] .pane-header[aria-label="${this.viewName} Section"]`).first();
  }

  /** Expands or collapses the view's section (a click on its header), e.g. to give another view the room. */
  async setSectionExpanded(expanded: boolean): Promise<void> {
    const header = this.sectionHeader();
    await header.waitFor();
    if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
    await this.page.waitForFunction(([el, want]) => el?.getAttribute('aria-expanded') === String(want), [await header.elementHandle(), expanded] as const);
  }

  /** The button of the view's welcome content (shown while the tree is empty). */
  welcomeButton(text: string): Locator {
    return this.page.locator('.welcome-view-content .monaco-button', { hasText: exactly(text) });
  }
}
