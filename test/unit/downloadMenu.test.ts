import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Features } from '../../src/core/session/features';
import { accountContext, folderContext, messageContext } from '../../src/core/treeContext';

// "Download Maildrop…" is offered on the folder row of an account whose session deletes on the server or has UIDL
// (what a POP3 maildrop offers), asked by feature, never by protocol name; and it stays in the command palette.

interface Entry {
  command: string;
  when?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string; title: string }[]; menus: Record<string, Entry[]> };
};
const COMMAND = 'mailInspector.downloadMaildrop';

/** Whether the entry's `view == … && viewItem =~ /…/` clause holds for a row. */
function shownOn(entry: Entry, viewItem: string): boolean {
  const m = /^view == mailInspector\.accounts && viewItem =~ \/(.*)\/$/.exec(entry.when ?? '');
  assert.ok(m, `unexpected when clause: ${entry.when}`);
  return new RegExp(m[1]!).test(viewItem);
}

test('Download Maildrop… is on folder rows of sessions with UIDL or server deletion, by feature only', () => {
  assert.equal(manifest.contributes.commands.find((c) => c.command === COMMAND)?.title, 'Download Maildrop…');
  const entries = manifest.contributes.menus['view/item/context']!.filter((e) => e.command === COMMAND);
  assert.equal(entries.length, 1);
  const entry = entries[0]!;
  assert.doesNotMatch(entry.when ?? '', /\b(imap|pop3)\b/i);
  const pop3 = Features.pop3(['TOP', 'UIDL', 'USER']);
  assert.ok(shownOn(entry, folderContext(true, false, pop3)));
  assert.ok(shownOn(entry, folderContext(true, true, pop3, { writable: true })));
  assert.ok(shownOn(entry, folderContext(true, false, Features.pop3([]))), 'deleteOnServer alone (a server without CAPA)');
  assert.ok(!shownOn(entry, folderContext(true, false, Features.imap(['IDLE', 'UIDPLUS']))), 'an IMAP folder');
  assert.ok(!shownOn(entry, folderContext(true, false, undefined)), 'before the features are known');
  assert.ok(!shownOn(entry, messageContext(pop3)));
  assert.ok(!shownOn(entry, accountContext(pop3)));
  const palette = manifest.contributes.menus['commandPalette']!.find((e) => e.command === COMMAND);
  assert.ok(palette === undefined || palette.when !== 'false', 'hidden from the palette');
});
