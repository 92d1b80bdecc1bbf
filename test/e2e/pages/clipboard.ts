// Reads a Monaco editor's whole text the way a person would take it: click into it, select all, copy. Monaco
// renders only the lines on screen, so reading the DOM would miss the rest. Needs clipboard permissions.
import type { Locator, Page } from 'playwright-core';

/** The part of the browser's globals used here (the tests compile without the DOM library). */
interface BrowserClipboard {
  navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };
}

export async function copyAllText(page: Page, editor: Locator): Promise<string> {
  // Click inside the visible part (the element of the lines is as tall as the whole text).
  await editor.click({ position: { x: 200, y: 10 } });
  await page.evaluate(() => (globalThis as unknown as BrowserClipboard).navigator.clipboard.writeText(''));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+C');
  let text = '';
  for (let tries = 0; tries < 20 && text === ''; tries++) {
    text = await page.evaluate(() => (globalThis as unknown as BrowserClipboard).navigator.clipboard.readText());
    if (text === '') await page.waitForTimeout(100);
  }
  // Collapse the selection at the end (an empty last line), so that screenshots show neither a selection nor
  // highlighted occurrences of the word under the cursor.
  await page.keyboard.press('ControlOrMeta+End');
  return text;
}
