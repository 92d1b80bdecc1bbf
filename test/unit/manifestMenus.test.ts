import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Features } from '../../src/core/session/features';
import { accountContext, folderContext, messageContext } from '../../src/core/treeContext';
import { FLAG_COMMANDS } from '../../src/core/write/flagCommands';
import { searchContext } from '../../src/core/search/resultText';

// The menus of package.json: the inline buttons on message and part rows, the Preview button on an HTML part's
// tab, and every command they name declared and registered. When clauses are evaluated by a small reader of the
// forms the manifest uses (`a == b`, `a =~ /re/`, `||`, `&&`, parentheses), which refuses anything else.

const root = join(__dirname, '..', '..', '..');
interface MenuEntry {
  /** Undefined for an entry that opens a submenu. */
  command: string;
  submenu?: string;
  when?: string;
  group?: string;
}
interface Manifest {
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    menus: Record<string, MenuEntry[]>;
    submenus?: { id: string; label: string }[];
    keybindings?: { command: string; key: string; mac?: string; when?: string }[];
    configuration: { properties: Record<string, { type?: string; default?: unknown; markdownDescription?: string; enum?: string[] }> };
  };
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const menus = manifest.contributes.menus;

type Context = Record<string, string>;

/** Evaluates a when clause of the forms the manifest uses. */
function when(clause: string | undefined, context: Context): boolean {
  if (clause === undefined) return true;
  const tokens = clause.match(/\(|\)|&&|\|\||\/(?:\\.|[^/])*\/[a-z]*|[^\s()&|]+/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => {
    const t = tokens[at++];
    if (t === undefined) throw new Error(`unexpected end of "${clause}"`);
    return t;
  };
  const primary = (): boolean => {
    if (peek() === '(') {
      next();
      const value = or();
      assert.equal(next(), ')', clause);
      return value;
    }
    if (peek()?.startsWith('!')) return !context[next().slice(1)];
    const key = next();
    // A bare context key (`mailInspector.showUnsubscribed`) is true when set.
    if (peek() === undefined || peek() === '&&' || peek() === '||' || peek() === ')') return Boolean(context[key]);
    const op = next();
    const operand = next();
    if (op === '==') return (context[key] ?? '') === operand;
    if (op === '=~') {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(operand);
      if (!m) throw new Error(`not a regex: ${operand}`);
      return new RegExp(m[1], m[2]).test(context[key] ?? '');
    }
    throw new Error(`unsupported operator ${op} in "${clause}"`);
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === '&&') {
      next();
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek() === '||') {
      next();
      value = and() || value;
    }
    return value;
  };
  const value = or();
  assert.equal(at, tokens.length, `trailing tokens in "${clause}"`);
  return value;
}

/** The context menu of a tree row (every entry but the inline buttons), submenus opened, in its groups' order. */
function contextMenu(view: string, viewItem: string): string[] {
  return menus['view/item/context']
    .filter((m) => !m.group?.startsWith('inline') && when(m.when, { view, viewItem }))
    .flatMap((m) => (m.submenu ? (menus[m.submenu] ?? []).filter((s) => when(s.when, { view, viewItem })).map((s) => s.command) : [m.command]));
}

/** The inline buttons of a tree row: commands of `inline` entries whose clause holds, in their order. */
function inline(view: string, viewItem: string): string[] {
  return menus['view/item/context']
    .filter((m) => m.group?.startsWith('inline') && when(m.when, { view, viewItem }))
    .sort((a, b) => Number(a.group?.split('@')[1] ?? 0) - Number(b.group?.split('@')[1] ?? 0))
    .map((m) => m.command);
}

function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

// The contextValues the nodes set (src/core/treeContext.ts for the Accounts tree, partNodes.ts, filesTree.ts),
// from the features of live connections as Dovecot announces them (IMAP after login, POP3 CAPA).
const IMAP = Features.imapSession(['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN'], ['IMAP4rev1', 'IDLE', 'CONDSTORE', 'QRESYNC', 'MOVE', 'UIDPLUS', 'ESEARCH', 'LIST-STATUS', 'SPECIAL-USE']);
const POP3 = Features.pop3(['TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'USER', 'SASL PLAIN']);
const SERVER_MESSAGES = [messageContext(IMAP), messageContext(POP3), messageContext(undefined)];
const FILE_MESSAGE = 'message message-file';
const TEXT_PART = 'part part-leaf';
const HTML_PART = 'part part-leaf part-html';
const MULTIPART = 'part';

describe('package.json menus', () => {
  test('message rows have inline Open Message Source and Show Headers, in both views', () => {
    for (const item of SERVER_MESSAGES) assert.deepEqual(inline('mailInspector.accounts', item), ['mailInspector.openMessage', 'mailInspector.showHeaders'], item);
    assert.deepEqual(inline('mailInspector.files', FILE_MESSAGE), ['mailInspector.openMessage', 'mailInspector.showHeaders']);
  });

  test('part rows have inline Open Raw Part and Save, HTML parts Preview first; multiparts none', () => {
    for (const view of ['mailInspector.accounts', 'mailInspector.files']) {
      assert.deepEqual(inline(view, TEXT_PART), ['mailInspector.openRawPart', 'mailInspector.savePart'], view);
      assert.deepEqual(inline(view, HTML_PART), ['mailInspector.previewHtml', 'mailInspector.openRawPart', 'mailInspector.savePart'], view);
      assert.deepEqual(inline(view, MULTIPART), [], view);
    }
    assert.deepEqual(inline('explorer', HTML_PART), [], 'no buttons in other views');
  });

  test("an open HTML part's tab has a Preview button in its title bar, other tabs do not", () => {
    const title = (resourceScheme: string, resourceExtname: string): string[] =>
      menus['editor/title'].filter((m) => when(m.when, { resourceScheme, resourceExtname })).map((m) => m.command);
    assert.ok(title('mail-inspector', '.html').includes('mailInspector.previewHtml'));
    assert.ok(title('mail-inspector', '.htm').includes('mailInspector.previewHtml'));
    for (const [scheme, ext] of [['mail-inspector', '.eml'], ['mail-inspector', '.md'], ['mail-inspector', '.txt'], ['file', '.html']]) {
      assert.ok(!title(scheme, ext).includes('mailInspector.previewHtml'), `${scheme} ${ext}`);
    }
    const entry = menus['editor/title'].find((m) => m.command === 'mailInspector.previewHtml');
    assert.match(entry?.group ?? '', /^navigation/, 'the button shows in the title bar, not in the "…" menu');
  });

  test('Delete from Server is offered by feature: on messages of a session that deletes on the server, never by protocol name', () => {
    const view = 'mailInspector.accounts';
    assert.ok(contextMenu(view, messageContext(POP3)).includes('mailInspector.deleteFromServer'));
    for (const item of [messageContext(IMAP), messageContext(undefined), 'message message-pop3', accountContext(POP3), folderContext(true, true, POP3)]) {
      assert.ok(!contextMenu(view, item).includes('mailInspector.deleteFromServer'), item);
    }
    const clauses = menus['view/item/context'].map((m) => m.when ?? '').join('\n');
    assert.doesNotMatch(clauses, /\b(imap|pop3)\b/i, 'a menu asks for a protocol instead of a feature');
  });

  test('account and folder rows keep their buttons and menus whatever features they carry (and before any is known)', () => {
    const view = 'mailInspector.accounts';
    for (const features of [IMAP, POP3, undefined]) {
      // Other entries may join (the live session's own commands): these must stay, in this order.
      const has = (shown: string[], expected: string[], what: string): void => assert.deepEqual(shown.filter((c) => expected.includes(c)), expected, what);
      has(inline(view, accountContext(features)), ['mailInspector.refresh', 'mailInspector.showTraffic'], 'account buttons');
      has(
        contextMenu(view, accountContext(features)),
        ['mailInspector.refresh', 'mailInspector.showTraffic', 'mailInspector.editAccount', 'mailInspector.setPassword', 'mailInspector.removeAccount'],
        'account menu',
      );
      for (const folder of [folderContext(true, true, features), folderContext(true, false, features), folderContext(false, false, features)]) {
        has(inline(view, folder), ['mailInspector.refresh'], folder);
        has(contextMenu(view, folder), ['mailInspector.refresh', 'mailInspector.showTraffic'], folder);
        assert.ok(!contextMenu(view, folder).some((c) => ['mailInspector.editAccount', 'mailInspector.removeAccount', 'mailInspector.openMessage'].includes(c)), folder);
      }
    }
    assert.match(accountContext(IMAP), /^account\b.*\bfeature-idle\b/);
    assert.match(folderContext(true, true, IMAP), /^folder selectable canWatch watched\b.*\bfeature-folders\b/);
    assert.doesNotMatch(folderContext(false, false, IMAP), /canWatch/, 'a \\Noselect folder has no messages to watch');
  });

  test('every command a menu names is declared (inline ones with an icon) and registered by the extension', () => {
    const declared = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    const registered = sources(join(root, 'src'));
    const submenus = new Set((manifest.contributes.submenus ?? []).map((s) => s.id));
    for (const [menu, entries] of Object.entries(menus)) {
      for (const entry of entries) {
        if (entry.submenu) {
          assert.ok(submenus.has(entry.submenu), `${menu}: the submenu ${entry.submenu} is not declared`);
          continue;
        }
        const command = declared.get(entry.command);
        assert.ok(command, `${menu}: ${entry.command} is not declared`);
        if (entry.group?.startsWith('inline') || (menu === 'editor/title' && entry.group?.startsWith('navigation'))) {
          assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, `${entry.command} shows as a button but has no icon`);
        }
      }
    }
    // The flag commands are registered from the core's table (flagCommandId), the others by their literal id.
    const fromTable = new Set(FLAG_COMMANDS.map((c) => `mailInspector.${c.id}`));
    assert.ok(registered.includes('FLAG_COMMANDS.map((command) => vscode.commands.registerCommand(flagCommandId(command.id)'), 'the flag commands are registered from the table');
    for (const command of declared.keys()) assert.ok(fromTable.has(command) || registered.includes(`registerCommand('${command}'`), `${command} is declared but never registered`);
  });
});

// Read-write access (issue 10): every write is offered only on rows of a read-write session (`writable`) and only
// where the account's features allow it; the core refuses them anyway on a read-only account.
const FLAG_IDS = FLAG_COMMANDS.map((c) => `mailInspector.${c.id}`);
const WRITE_COMMANDS = [
  ...FLAG_IDS,
  'mailInspector.addKeyword',
  'mailInspector.removeKeyword',
  'mailInspector.createFolder',
  'mailInspector.renameFolder',
  'mailInspector.deleteFolder',
  'mailInspector.subscribeFolder',
  'mailInspector.unsubscribeFolder',
  'mailInspector.copyTo',
  'mailInspector.moveTo',
  'mailInspector.deleteMessages',
  'mailInspector.expungeFolder',
  'mailInspector.uploadMessage',
];
const FLAG_SETS = [[], ['\\Seen'], ['\\Seen', '\\Flagged'], ['\\Deleted', '$Junk'], ['\\Flagged', '\\Answered', '\\Deleted', '\\Seen']];

/** Every row of the Accounts tree an account with these features can show, read-only or read-write. */
function rows(features: Features | undefined, writable: boolean): string[] {
  const folders = [true, false].flatMap((selectable) =>
    [true, false].flatMap((watched) =>
      [true, false, undefined].flatMap((subscribed) => [undefined, 'trash' as const].map((specialUse) => folderContext(selectable, watched, features, { writable, subscribed, specialUse }))),
    ),
  );
  const messages = FLAG_SETS.map((flags) => messageContext(features, { writable, ...(features?.supports('flags') ? { flags } : {}) }));
  return [accountContext(features, { writable }), ...folders, ...messages];
}

describe('package.json menus: read-write access', () => {
  const view = 'mailInspector.accounts';

  test('no write command is offered on any row of a read-only session, whatever the features', () => {
    for (const features of [IMAP, POP3, undefined]) {
      for (const row of rows(features, false)) {
        const writes = contextMenu(view, row).filter((c) => WRITE_COMMANDS.includes(c));
        assert.deepEqual(writes, [], row);
        assert.deepEqual(inline(view, row).filter((c) => WRITE_COMMANDS.includes(c)), [], row);
      }
    }
  });

  test('every write command is offered on some row of a read-write IMAP session, and its every Accounts-view entry asks for `writable`', () => {
    const offered = new Set(rows(IMAP, true).flatMap((row) => contextMenu(view, row)));
    for (const command of WRITE_COMMANDS) assert.ok(offered.has(command), `${command} is never offered`);
    const entries = [...menus['view/item/context'], ...(manifest.contributes.submenus ?? []).flatMap((s) => menus[s.id] ?? [])];
    for (const entry of entries.filter((e) => e.command !== undefined && WRITE_COMMANDS.includes(e.command) && /view == mailInspector\.accounts/.test(e.when ?? ''))) {
      assert.match(entry.when ?? '', /\\bwritable\\b/, `${entry.command}: ${entry.when}`);
    }
    const submenu = menus['view/item/context'].find((e) => e.submenu === 'mailInspector.flagsMenu');
    assert.match(submenu?.when ?? '', /\\bwritable\\b/, 'the Flags and Keywords submenu');
  });

  test('writes follow features, never the protocol: folder writes need feature-folders, flag writes feature-flags', () => {
    const noFolders = Features.pop3(['UIDL', 'TOP']);
    for (const row of rows(noFolders, true)) {
      const shown = contextMenu(view, row);
      for (const command of WRITE_COMMANDS) assert.ok(!shown.includes(command), `${command} on ${row}`);
    }
    const entries = [...menus['view/item/context'], ...Object.values(menus).flat()].map((m) => m.when ?? '').join('\n');
    assert.doesNotMatch(entries, /\b(imap|pop3)\b/i, 'a menu asks for a protocol instead of a feature');
  });

  test('a message row offers Mark Read or Mark Unread, Flag or Unflag, Mark Deleted or Undelete, by its flags', () => {
    const menu = (flags: string[]): string[] => contextMenu(view, messageContext(IMAP, { writable: true, flags }));
    const pick = (flags: string[]): string[] => menu(flags).filter((c) => ['mailInspector.markRead', 'mailInspector.markUnread', 'mailInspector.flag', 'mailInspector.unflag', 'mailInspector.markDeleted', 'mailInspector.undelete'].includes(c));
    assert.deepEqual(pick([]), ['mailInspector.markRead', 'mailInspector.flag', 'mailInspector.markDeleted']);
    assert.deepEqual(pick(['\\Seen', '\\Flagged', '\\Deleted']), ['mailInspector.markUnread', 'mailInspector.unflag', 'mailInspector.undelete']);
    // The rest of the table and the keywords are in the Flags and Keywords submenu, on every writable message.
    for (const command of ['mailInspector.markAnswered', 'mailInspector.markForwarded', 'mailInspector.markJunk', 'mailInspector.markNotJunk', 'mailInspector.addKeyword', 'mailInspector.removeKeyword']) {
      assert.ok(menu(['\\Seen']).includes(command), command);
    }
  });

  test('folder rows offer Subscribe or Unsubscribe by their subscription; Create Folder… also on the account row', () => {
    const folder = (subscribed: boolean | undefined): string[] => contextMenu(view, folderContext(true, false, IMAP, { writable: true, subscribed }));
    assert.ok(folder(false).includes('mailInspector.subscribeFolder') && !folder(false).includes('mailInspector.unsubscribeFolder'));
    assert.ok(folder(true).includes('mailInspector.unsubscribeFolder') && !folder(true).includes('mailInspector.subscribeFolder'));
    assert.ok(contextMenu(view, accountContext(IMAP, { writable: true })).includes('mailInspector.createFolder'));
    // A \Noselect folder holds no messages: no upload or expunge there, but it can be renamed, deleted, have children.
    const noselect = contextMenu(view, folderContext(false, false, IMAP, { writable: true }));
    assert.ok(!noselect.includes('mailInspector.uploadMessage') && !noselect.includes('mailInspector.expungeFolder'));
    assert.ok(noselect.includes('mailInspector.createFolder') && noselect.includes('mailInspector.renameFolder'));
  });

  test('Save Message As… is not a write: on every server message row, read-only or not', () => {
    for (const writable of [true, false]) assert.ok(contextMenu(view, messageContext(IMAP, { writable, flags: [] })).includes('mailInspector.saveMessageAs'));
    assert.ok(contextMenu(view, messageContext(POP3)).includes('mailInspector.saveMessageAs'));
  });

  test('the flag commands are declared with the titles of the core table and hidden from the palette, as every node command is', () => {
    const declared = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    for (const c of FLAG_COMMANDS) assert.equal(declared.get(`mailInspector.${c.id}`)?.title, c.title, c.id);
    const hidden = new Set(menus['commandPalette'].filter((m) => m.when === 'false').map((m) => m.command));
    for (const command of WRITE_COMMANDS) assert.ok(hidden.has(command), `${command} shows in the palette but needs a row`);
    for (const command of ['mailInspector.allowChanges', 'mailInspector.makeReadOnly']) assert.ok(!hidden.has(command), `${command} asks for the account: it belongs in the palette`);
  });

  test('the view title switches unsubscribed folders on and off by the context key; the setting is documented', () => {
    const title = (shown: boolean): string[] =>
      menus['view/title'].filter((m) => when(m.when, { view, 'mailInspector.showUnsubscribed': shown ? 'true' : '' })).map((m) => m.command);
    assert.ok(title(true).includes('mailInspector.hideUnsubscribedFolders') && !title(true).includes('mailInspector.showUnsubscribedFolders'));
    assert.ok(title(false).includes('mailInspector.showUnsubscribedFolders') && !title(false).includes('mailInspector.hideUnsubscribedFolders'));
    const setting = manifest.contributes.configuration.properties['mailInspector.showUnsubscribedFolders'];
    assert.equal(setting?.default, true);
    assert.match(setting?.markdownDescription ?? '', /unsubscribed/);
    const access = (manifest.contributes.configuration.properties['mailInspector.accounts'] as unknown as { items: { properties: Record<string, { enum?: string[]; default?: unknown }> } }).items.properties['access'];
    assert.deepEqual(access?.enum, ['read-only', 'read-write']);
    assert.equal(access?.default, 'read-only');
  });

  test('Delete and F2 work in the Accounts view only (not while typing)', () => {
    const keys = manifest.contributes.keybindings ?? [];
    const del = keys.find((k) => k.command === 'mailInspector.deleteMessages');
    assert.equal(del?.key, 'delete');
    assert.equal(keys.find((k) => k.command === 'mailInspector.renameFolder')?.key, 'f2');
    for (const k of keys.filter((k) => WRITE_COMMANDS.includes(k.command))) assert.match(k.when ?? '', /^focusedView == mailInspector\.accounts && !inputFocus$/, k.command);
  });
});

// Search (issue 11): offered by feature (server search, or POP3's TOP for a search on the client), on accounts and
// folders that hold messages, read-only or not (a search changes nothing); its result rows have Refresh and Remove.
describe('package.json menus: search', () => {
  const view = 'mailInspector.accounts';
  const SEARCH_ROWS = [true, false].flatMap((all) => [{ kind: 'running' as const }, { kind: 'failed' as const, message: 'x' }].map((state) => searchContext(state, all)));

  test('Search… is on account rows and selectable folder rows of IMAP and POP3 accounts, writable or not; never by protocol name', () => {
    for (const features of [IMAP, POP3]) {
      for (const writable of [true, false]) {
        assert.ok(contextMenu(view, accountContext(features, { writable })).includes('mailInspector.search'), `account ${features.list().join(' ')}`);
        assert.ok(contextMenu(view, folderContext(true, false, features, { writable })).includes('mailInspector.search'), 'folder');
        assert.ok(contextMenu(view, folderContext(true, true, features, { writable })).includes('mailInspector.search'), 'watched folder');
      }
      assert.ok(!contextMenu(view, folderContext(false, false, features)).includes('mailInspector.search'), 'a \\Noselect folder holds no messages to search');
      assert.ok(!contextMenu(view, messageContext(features)).includes('mailInspector.search'), 'message');
    }
    // Before the first connection the features are not known (the rows carry none): the title bar's Search… asks.
    assert.ok(!contextMenu(view, accountContext(undefined)).includes('mailInspector.search'));
    // A POP3 server without TOP cannot be searched without downloading every message whole.
    assert.ok(!contextMenu(view, folderContext(true, false, Features.pop3(['UIDL']))).includes('mailInspector.search'));
    const clause = menus['view/item/context'].find((m) => m.command === 'mailInspector.search')?.when ?? '';
    assert.match(clause, /feature-\(serverSearch\|top\)/);
    assert.doesNotMatch(clause, /\b(imap|pop3|writable)\b/i);
  });

  test("Search… is in the view's title bar and in the palette (it asks for the account); the result rows' commands are not", () => {
    const title = menus['view/title'].filter((m) => when(m.when, { view })).map((m) => m.command);
    assert.ok(title.includes('mailInspector.search'));
    assert.match(menus['view/title'].find((m) => m.command === 'mailInspector.search')?.group ?? '', /^navigation/);
    const hidden = new Set(menus['commandPalette'].filter((m) => m.when === 'false').map((m) => m.command));
    assert.ok(!hidden.has('mailInspector.search'));
    for (const command of ['mailInspector.refreshSearch', 'mailInspector.removeSearch', 'mailInspector.searchLoadMore']) assert.ok(hidden.has(command), command);
    const declared = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    assert.equal(declared.get('mailInspector.search')?.title, 'Search…');
    assert.equal(declared.get('mailInspector.refreshSearch')?.title, 'Refresh Search');
    assert.equal(declared.get('mailInspector.removeSearch')?.title, 'Remove Search');
  });

  test('result rows have Refresh Search and Remove Search (buttons and menu) and none of the folder or account commands', () => {
    for (const row of SEARCH_ROWS) {
      assert.deepEqual(inline(view, row), ['mailInspector.refreshSearch', 'mailInspector.removeSearch'], row);
      const menu = contextMenu(view, row);
      assert.deepEqual(menu, ['mailInspector.refreshSearch', 'mailInspector.removeSearch'], row);
    }
    for (const row of [accountContext(IMAP), folderContext(true, true, IMAP), messageContext(IMAP), messageContext(POP3)]) {
      const shown = [...contextMenu(view, row), ...inline(view, row)];
      assert.ok(!shown.includes('mailInspector.refreshSearch') && !shown.includes('mailInspector.removeSearch'), row);
    }
  });
});
