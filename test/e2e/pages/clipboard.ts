// Reads a Monaco editor's whole text the way a person would take it: click into it, select all, copy. Monaco
// renders only the lines on screen, so reading the DOM would miss the rest. Needs clipboard permissions.
import type { Locator, Page } from 'playwright-core';

/** The part of the browser's globals used here (the tests compile without the DOM library). */
interface BrowserClipboard {
  navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };
}

export async function copyAllText(page: Page, editor: Locator): Promise<string> {
  // Click inside the visible part (the element of the lines is as tall as the whole text), in the middle of it: at its
  // top edge a scrolled editor has its shadow, and a click there left the focus on the page (VS Code 1.139 in
  // Chromium 150, whose editors take input through an EditContext element rather than a textarea).
  const box = await editor.boundingBox();
  await editor.click({ position: { x: Math.min(200, (box?.width ?? 400) / 2), y: Math.max(10, Math.min(60, (box?.height ?? 20) / 2)) } });
  if (!(await editor.evaluate((e: { contains(n: unknown): boolean; ownerDocument: { activeElement: unknown } }) => e.contains(e.ownerDocument.activeElement)))) {
    await editor.locator('.native-edit-context, textarea.inputarea').first().focus();
  }
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
