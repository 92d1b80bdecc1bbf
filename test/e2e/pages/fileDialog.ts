// VS Code's own "simple" file dialog: code-server shows it instead of the operating system's dialog, as a quick
// input whose text box holds a path. A person types (here: pastes) the whole path and presses Enter.
import type { QuickInput } from './quickInput';

interface TextBox {
  value: string;
}

export class SimpleFileDialog {
  constructor(private readonly quickInput: QuickInput) {}

  /**
   * Waits for the save dialog titled `title` to offer a file named `suggested` (it first shows a folder, then
   * fills in the name: a path entered before that is overwritten), enters `path` (absolute) and accepts it.
   * Returns the path the dialog had suggested.
   */
  async save(title: string, suggested: string, path: string): Promise<string> {
    const page = this.quickInput.page;
    await this.quickInput.waitForStep(title);
    const input = await this.quickInput.input.elementHandle();
    await page.waitForFunction(([el, name]) => (el as unknown as TextBox | null)?.value.endsWith(`/${name}`) === true, [input, suggested] as const);
    const offered = await this.quickInput.input.inputValue();
    await this.enterAndAccept(path, 'save');
    return offered;
  }

  /** Waits for the open dialog titled `title` (folder selection), enters the folder `path` (absolute) and accepts it. */
  async chooseFolder(title: string, path: string): Promise<void> {
    await this.quickInput.waitForStep(title);
    // The dialog fills in its start folder once it has read it; a path entered before that is overwritten.
    const input = await this.quickInput.input.elementHandle();
    await this.quickInput.page.waitForFunction((el) => ((el as unknown as TextBox | null)?.value ?? '').endsWith('/'), input);
    await this.enterAndAccept(path, 'folder');
  }

  private async enterAndAccept(path: string, kind: string): Promise<void> {
    const page = this.quickInput.page;
    const input = await this.quickInput.input.elementHandle();
    await this.quickInput.input.focus();
    // One change event with the whole path: typed key by key, the dialog completes folder names as it goes.
    await this.quickInput.input.fill(path);
    // A folder path may come back with a trailing slash: the dialog completes a folder it recognises.
    const accepted = [path, `${path}/`];
    await page.waitForFunction(([el, want]) => want.includes((el as unknown as TextBox | null)?.value ?? ''), [input, accepted] as const);
    // The dialog ignores Enter while it is busy reading the folder just entered (and shows no sign of it for
    // the first 800 ms), so Enter is pressed again, as a person would, until it closes.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Enter');
      if (await this.quickInput.widget.waitFor({ state: 'hidden', timeout: 1000 }).then(() => true, () => false)) return;
      const value = await this.quickInput.input.inputValue();
      if (!accepted.includes(value) || attempt === 10) throw new Error(`the ${kind} dialog did not accept ${path}; it shows "${value}" (${await this.quickInput.message()})`);
    }
  }
}
