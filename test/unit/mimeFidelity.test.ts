import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseBodystructure } from 'imapflow/lib/tools';

type ImapAttributeList = Parameters<typeof parseBodystructure>[0];
import { MessageInspector } from '../../src/core/inspect/messageInspector';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { partBytes, partBytesBySection } from '../../src/core/mime/partBytes';
import { pageOfParts, PART_PAGE_SIZE } from '../../src/core/mime/partPaging';
import { MimePart, findPart, walkParts } from '../../src/core/mime/partTree';
import { readFixture } from '../fixtures/expectations';
import { deepNestingMessage, manyPartsMessage } from '../fixtures/generate';

// Issue 8, "MIME fidelity": the raw tree must match what an IMAP server makes of the same bytes.
// (Dovecot's own view of every fixture is checked in test/integration/mimeCrossCheck.test.ts.)

const sections = (parts: Iterable<MimePart>): string[] => [...parts].map((p) => p.section);
const cut = (raw: Buffer, part: MimePart | undefined, mode: 'body' | 'headersAndBody' = 'body'): string => partBytes(raw, part as MimePart, mode).toString('latin1');

describe('raw path: delimiter lines', () => {
  test('transport padding after delimiter and close-delimiter lines is recognised (no empty tree, no false "boundary never appears")', async () => {
    const raw = readFixture('padding.eml');
    const tree = await partTreeFromRaw(raw);
    assert.deepEqual(tree.notices, []);
    assert.deepEqual(sections(walkParts(tree.root)), ['TEXT', '1', '2', '2.1', '2.2', '3']);
    assert.equal(cut(raw, findPart(tree, '3')), 'Last part.');
    assert.ok(cut(raw, findPart(tree, '2')).endsWith('--inner--   \r\n'), 'the inner close line, padding and line break (no epilogue follows) ends part 2');
  });

  test('a delimiter line is "--" + boundary at the start of a line, whatever follows (RFC 2046 5.1.1, as Dovecot matches it)', async () => {
    const raw = readFixture('boundary-prefix.eml');
    const tree = await partTreeFromRaw(raw);
    assert.deepEqual(tree.notices, []);
    assert.deepEqual(sections(walkParts(tree.root)), ['TEXT', '1', '2', '2.1']);
    assert.equal(cut(raw, findPart(tree, '1')), 'After a delimiter line that goes on past the boundary.', '"--sepXYZ" opened part 1');
    // "--sep.inner" starts with "--sep" too: the longest open boundary wins, so it opens 2.1, not part 3.
    assert.equal(cut(raw, findPart(tree, '2.1')), 'Inner boundary extends the outer one.');
    assert.ok(cut(raw, tree.root).endsWith('--sep-- trailing words\r\n'), '"--sep-- trailing words" closes the message body');
  });
});

describe('raw path: where a part ends', () => {
  test('a last part that is a multipart stops before the enclosing close delimiter', async () => {
    const raw = readFixture('last-multipart.eml');
    const tree = await partTreeFromRaw(raw);
    const inner = findPart(tree, '2') as MimePart;
    const body = cut(raw, inner);
    assert.ok(body.endsWith('--alt--\r\nEpilogue of the inner multipart.'), JSON.stringify(body.slice(-60)));
    assert.ok(!body.includes('--outer'), 'the outer close delimiter is not part of part 2');
    assert.equal(inner.size, body.length);
    assert.ok(!cut(raw, inner, 'headersAndBody').includes('--outer'));
  });

  test('a forwarded message/rfc822 whose body is multipart, as last part, stops before the enclosing close delimiter', async () => {
    const raw = readFixture('forwarded-last.eml');
    const tree = await partTreeFromRaw(raw);
    const message = findPart(tree, '2') as MimePart;
    const body = cut(raw, message);
    // No epilogue after "--orig--": its line break ends the close-delimiter line and stays inside (as Dovecot counts).
    assert.ok(body.endsWith('--orig--\r\n'), JSON.stringify(body.slice(-40)));
    assert.ok(!body.includes('--fwd'));
    assert.equal(cut(raw, message.message?.root), body.slice(body.indexOf('--orig\r\n')));
    assert.equal(message.size, 279, "Dovecot's BODYSTRUCTURE size of part 2");
    assert.equal((await partBytesBySection(raw, '2')).toString('latin1'), body, 'cut by section the same way');
  });

  test('a cached IMAP message whose last part is a multipart gets no false "size differs" notice', async () => {
    const raw = readFixture('forwarded-last.eml');
    // imapflow's parse of Dovecot's BODYSTRUCTURE for forwarded-last.eml (sizes as Dovecot reports them).
    const structure = parseBodystructure(
      parseList(
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 29 0 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 279 (NIL "the original" (("dave" NIL "dave" "example.net")) NIL NIL NIL NIL NIL NIL NIL) (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 21 0 NIL NIL NIL NIL) "alternative" ("boundary" "orig") NIL NIL NIL) 9 NIL ("inline" NIL) NIL NIL) "mixed" ("boundary" "fwd") NIL NIL NIL)',
      ),
    );
    const tree = await new MessageInspector({ raw: async () => raw, cachedRaw: () => raw, structure: async () => ({ structure, size: raw.length }), part: async () => ({ bytes: Buffer.alloc(0), wireBytes: 0 }) }).tree();
    assert.equal(tree.source, 'bodystructure');
    assert.deepEqual(tree.notices, []);
  });

  test('nested multiparts closing one after another: every level ends after its own close line', async () => {
    const raw = deepNestingMessage(30);
    const tree = await partTreeFromRaw(raw);
    const level = (n: number): MimePart => findPart(tree, Array.from({ length: n }, () => '1').join('.')) as MimePart;
    assert.ok(cut(raw, level(29)).endsWith('--b29--\r\n'));
    assert.ok(cut(raw, level(1)).endsWith('--b1--\r\n'));
    assert.ok(!cut(raw, level(1)).includes('--b0'));
  });
});

describe('past 1,000 parts', () => {
  test('a node with thousands of children pages them 500 at a time', async () => {
    const tree = await partTreeFromRaw(manyPartsMessage(1201));
    assert.equal(tree.root.children.length, 1201, 'all 1,201 parts are in the tree');
    assert.equal(PART_PAGE_SIZE, 500);
    const first = pageOfParts(tree.root.children, 0);
    assert.deepEqual([first.items.length, first.from, first.next, first.total], [500, 0, 500, 1201]);
    const last = pageOfParts(tree.root.children, 1000);
    assert.deepEqual([last.items.length, last.next], [201, undefined]);
    assert.equal(last.items[200].section, '1201');
    assert.equal(pageOfParts(tree.root.children.slice(0, 500), 0).next, undefined, 'exactly one page: no "More parts…"');
  });
});

describe('library quirks still worked around (imapflow 2.10.2)', () => {
  test("imapflow still numbers the single-part body of an encapsulated message like the message itself (fromBodyStructure renumbers)", () => {
    const parsed = parseBodystructure(
      parseList('(("text" "plain" NIL NIL NIL "7bit" 1 1)("message" "rfc822" NIL NIL NIL "7bit" 50 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" NIL NIL NIL "7bit" 5 1) 3) "mixed")'),
    );
    const message = parsed.childNodes?.[1];
    assert.equal(message?.part, '2');
    assert.equal(message?.childNodes?.[0].part, '2', 'still "2", IMAP says "2.1": the workaround in fromBodyStructure.ts stays');
  });
});

/** A parenthesised IMAP list as imapflow's tokenizer hands it to parseBodystructure (atoms, strings, NIL as null). */
function parseList(text: string): ImapAttributeList {
  const tokens = text.match(/\(|\)|"[^"]*"|[^\s()"]+/g) ?? [];
  const stack: unknown[][] = [[]];
  for (const token of tokens) {
    if (token === '(') {
      const list: unknown[] = [];
      stack[stack.length - 1].push(list);
      stack.push(list);
    } else if (token === ')') stack.pop();
    else if (token === 'NIL') stack[stack.length - 1].push(null);
    else if (token.startsWith('"')) stack[stack.length - 1].push({ type: 'STRING', value: token.slice(1, -1) });
    else stack[stack.length - 1].push({ type: 'ATOM', value: token });
  }
  return stack[0][0] as ImapAttributeList;
}
