import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Features } from '../../src/core/session/features';
import { accountContext, folderContext } from '../../src/core/treeContext';

// The menus of the live session's commands follow features and row states, never protocol names: Show Folder State
// on every folder that holds messages, Check for New Mail where the account compares UIDL lists (feature-uidl),
// Clear Cache on every account. The clauses are of one form, `view == X && viewItem =~ /re/`, read here.

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuEntry[]>; configuration: { properties: Record<string, { default?: unknown; minimum?: number; markdownDescription?: string }> } };
};
const VIEW = 'mailInspector.accounts';

function offered(command: string, viewItem: string): boolean {
  return manifest.contributes.menus['view/item/context']
    .filter((m) => m.command === command)
    .some((m) => {
      const match = /^view == (\S+) && viewItem =~ \/(.*)\/$/.exec(m.when ?? '');
      assert.ok(match, `${command}: unexpected clause ${m.when}`);
      return match[1] === VIEW && new RegExp(match[2]!).test(viewItem);
    });
}

const IMAP = Features.imapSession([], ['IMAP4rev1', 'IDLE', 'CONDSTORE', 'QRESYNC']);
const POP3 = Features.pop3(['TOP', 'UIDL', 'USER']);
const POP3_NO_UIDL = Features.pop3(['USER']);

test('Show Folder State is on every folder that holds messages, whatever the protocol, not on \\Noselect ones', () => {
  for (const features of [IMAP, POP3, undefined]) {
    assert.ok(offered('mailInspector.showFolderState', folderContext(true, false, features)));
    assert.ok(offered('mailInspector.showFolderState', folderContext(true, true, features)));
    assert.ok(!offered('mailInspector.showFolderState', folderContext(false, false, features)));
    assert.ok(!offered('mailInspector.showFolderState', accountContext(features)));
  }
});

test('Check for New Mail follows the uidl feature on accounts and folders', () => {
  assert.ok(offered('mailInspector.checkNewMail', accountContext(POP3)));
  assert.ok(offered('mailInspector.checkNewMail', folderContext(true, true, POP3)));
  for (const features of [IMAP, POP3_NO_UIDL, undefined]) {
    assert.ok(!offered('mailInspector.checkNewMail', accountContext(features)));
    assert.ok(!offered('mailInspector.checkNewMail', folderContext(true, false, features)));
  }
});

test('Clear Cache is on every account row, and the cache setting is documented with its default and its off value', () => {
  for (const features of [IMAP, POP3, undefined]) assert.ok(offered('mailInspector.clearCache', accountContext(features)));
  assert.ok(!offered('mailInspector.clearCache', folderContext(true, false, IMAP)));
  const setting = manifest.contributes.configuration.properties['mailInspector.cache.maxMegabytes'];
  assert.equal(setting?.default, 200);
  assert.equal(setting?.minimum, 0);
  assert.match(setting?.markdownDescription ?? '', /`0` turns the cache off/);
  assert.match(setting?.markdownDescription ?? '', /never holds a password/);
});

test('Allow Changes for This Session is on read-only account rows, Make Read-Only for This Session on read-write ones; neither elsewhere', () => {
  for (const features of [IMAP, POP3, undefined]) {
    assert.ok(offered('mailInspector.allowChanges', accountContext(features)), 'a new account is read-only');
    assert.ok(offered('mailInspector.allowChanges', accountContext(features, { writable: false })));
    assert.ok(!offered('mailInspector.allowChanges', accountContext(features, { writable: true })));
    assert.ok(offered('mailInspector.makeReadOnly', accountContext(features, { writable: true })));
    assert.ok(!offered('mailInspector.makeReadOnly', accountContext(features, { writable: false })));
    for (const writable of [true, false]) {
      assert.ok(!offered('mailInspector.allowChanges', folderContext(true, false, features, { writable })));
      assert.ok(!offered('mailInspector.makeReadOnly', folderContext(true, false, features, { writable })));
    }
  }
});
