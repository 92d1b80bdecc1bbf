import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Features } from '../../src/core/session/features';
import { accountContext, folderContext, messageContext } from '../../src/core/treeContext';

// The menus of package.json: the inline buttons on message and part rows, the Preview button on an HTML part's
// tab, and every command they name declared and registered. When clauses are evaluated by a small reader of the
// forms the manifest uses (`a == b`, `a =~ /re/`, `||`, `&&`, parentheses), which refuses anything else.

const root = join(__dirname, '..', '..', '..');
interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  contributes: { commands: { command: string; title: string; icon?: string }[]; menus: Record<string, MenuEntry[]> };
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
    const key = next();
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

/** The context menu of a tree row (every entry but the inline buttons), in its groups' order. */
function contextMenu(view: string, viewItem: string): string[] {
  return menus['view/item/context'].filter((m) => !m.group?.startsWith('inline') && when(m.when, { view, viewItem })).map((m) => m.command);
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
    for (const [menu, entries] of Object.entries(menus)) {
      for (const entry of entries) {
        const command = declared.get(entry.command);
        assert.ok(command, `${menu}: ${entry.command} is not declared`);
        if (entry.group?.startsWith('inline') || (menu === 'editor/title' && entry.group?.startsWith('navigation'))) {
          assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, `${entry.command} shows as a button but has no icon`);
        }
      }
    }
    for (const command of declared.keys()) assert.ok(registered.includes(`registerCommand('${command}'`), `${command} is declared but never registered`);
  });
});
