import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { MessageStructureObject } from 'imapflow';
import { compareTrees } from '../../src/core/mime/compareTrees';
import { decodePartContent } from '../../src/core/mime/decodePart';
import { partTreeFromBodyStructure } from '../../src/core/mime/fromBodyStructure';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { parseMessageHeaders } from '../../src/core/mime/headers';
import { imapSectionsFor, partBytes, partBytesBySection } from '../../src/core/mime/partBytes';
import { MimePart, PartTree, findPart, walkParts } from '../../src/core/mime/partTree';
import { CORPUS, ExpectedPart, readFixture } from '../fixtures/expectations';
import { deepNestingMessage, hugeHeaderMessage, manyPartsMessage } from '../fixtures/generate';

/** Checks a parsed part against its expectation, recursively (iteratively), and the decoded text of text parts. */
function assertMatches(raw: Buffer, part: MimePart, expected: ExpectedPart): void {
  const stack: Array<[MimePart, ExpectedPart]> = [[part, expected]];
  while (stack.length > 0) {
    const [p, e] = stack.pop() as [MimePart, ExpectedPart];
    const where = `part ${e.section}`;
    assert.equal(p.section, e.section, where);
    assert.equal(p.contentType, e.contentType, where);
    assert.equal(p.charset, e.charset, `${where} charset`);
    assert.equal(p.encoding, e.encoding, `${where} encoding`);
    assert.equal(p.fileName, e.fileName, `${where} file name`);
    assert.equal(p.disposition, e.disposition, `${where} disposition`);
    assert.equal(p.contentId, e.contentId, `${where} content id`);
    assert.equal(p.size, partBytes(raw, p).length, `${where} size is its body length`);
    if (e.text !== undefined) {
      const decoded = decodePartContent(p, partBytes(raw, p));
      assert.equal(decoded.text, e.text, `${where} text`);
      if (e.warning) assert.match(decoded.warnings.join(' '), e.warning, `${where} warning`);
      else assert.deepEqual(decoded.warnings, [], `${where} decodes without a warning`);
    }
    const children = e.children ?? [];
    assert.equal(p.children.length, children.length, `${where} children`);
    children.forEach((c, i) => stack.push([p.children[i], c]));
    if (e.message) {
      assert.ok(p.message, `${where} nests a message`);
      assert.equal(p.message.subject, e.message.subject, `${where} subject`);
      assert.equal(p.message.from[0]?.address, e.message.from, `${where} from`);
      stack.push([p.message.root, e.message.root]);
    } else {
      assert.equal(p.message, undefined, `${where} nests no message`);
    }
  }
}

describe('part tree from raw messages (corpus)', () => {
  for (const entry of CORPUS) {
    test(`${entry.file}: ${entry.covers}`, async () => {
      const raw = readFixture(entry.file);
      assert.ok(!/[^\r]\n/.test(raw.toString('latin1')), 'fixture is CRLF');
      const tree = await partTreeFromRaw(raw);
      assertMatches(raw, tree.root, entry.tree);
      assert.equal(tree.partCount, [...walkParts(tree.root)].length);
      assert.equal(tree.totalParts, tree.partCount);
      assert.equal(tree.truncated, undefined);
      assert.deepEqual(tree.notices, []);
      assert.equal(parseMessageHeaders(raw).fields.find((f) => f.key === 'subject')?.decoded, entry.subject);
    });
  }
});

describe('part bytes', () => {
  test('headers and body of a part, by tree and by section, and the IMAP sections that return them', async () => {
    const raw = readFixture('related.eml');
    const tree = await partTreeFromRaw(raw);
    const image = findPart(tree, '2') as MimePart;
    const withHeaders = partBytes(raw, image, 'headersAndBody').toString('latin1');
    assert.match(withHeaders, /^Content-Type: image\/png; name=logo.png\r\n/);
    assert.ok(withHeaders.endsWith(partBytes(raw, image).toString('latin1')));
    assert.ok(!withHeaders.endsWith('\r\n'), 'the line break before the boundary is not part of the body');
    assert.deepEqual(await partBytesBySection(raw, '1.2', 'body'), partBytes(raw, findPart(tree, '1.2') as MimePart));
    assert.deepEqual(imapSectionsFor(tree, image, 'headersAndBody'), ['2.MIME', '2']);
    assert.deepEqual(imapSectionsFor(tree, tree.root, 'headersAndBody'), ['HEADER', 'TEXT']);
    await assert.rejects(partBytesBySection(raw, '9'), { name: 'MailError', reason: 'notFound' });
  });

  test('an empty part: no body, and its header stops before the blank line that belongs to the boundary (as IMAP cuts it)', async () => {
    const raw = readFixture('mixed.eml');
    const empty = findPart(await partTreeFromRaw(raw), '4') as MimePart;
    assert.equal(empty.size, 0);
    assert.equal(partBytes(raw, empty).length, 0);
    assert.equal(partBytes(raw, empty, 'headersAndBody').toString(), 'Content-Type: text/plain; charset=us-ascii\r\n');
  });

  test('an encapsulated message: its part is the whole inner message, its body root uses <S>.HEADER', async () => {
    const raw = readFixture('nested.eml');
    const tree = await partTreeFromRaw(raw);
    const inner = findPart(tree, '2') as MimePart;
    assert.match(partBytes(raw, inner).toString(), /^From: =\?ISO-2022-JP\?B\?[^\r]+\r\nSubject:/);
    const body = inner.message?.root as MimePart;
    assert.deepEqual(imapSectionsFor(tree, body, 'headersAndBody'), ['2.HEADER', '2.TEXT']);
    assert.deepEqual(imapSectionsFor(tree, findPart(tree, '3.1') as MimePart, 'headersAndBody'), ['3.HEADER', '3.1']);
  });
});

describe('limits: nothing dropped silently', () => {
  test('10,000 parts: every one shown (issue 8: the limit was 1,000), and past the limit all counted, with a notice', async () => {
    const raw = manyPartsMessage(10_000);
    const tree = await partTreeFromRaw(raw);
    assert.equal(tree.partCount, 10_001, 'the root and 10,000 parts');
    assert.equal(tree.truncated, undefined);
    assert.deepEqual(tree.notices, []);
    assert.equal(tree.root.children.length, 10_000);
    assert.equal(decodePartContent(tree.root.children[9_999], partBytes(raw, tree.root.children[9_999])).text, 'part 10000');
    const more = await partTreeFromRaw(manyPartsMessage(10_005));
    assert.deepEqual(more.truncated, { shown: 10_000, total: 10_005, reason: 'partLimit' });
    assert.equal(more.notices[0].message, 'Showing 10,000 of 10,005 MIME parts: the limit is 10,000 parts.');
    // A part past the limit can still be read by its section.
    assert.equal((await partBytesBySection(manyPartsMessage(10_005), '10005')).toString(), 'part 10005');
  });

  test('a 2 MB header block is reported, the tree is still complete', async () => {
    const raw = hugeHeaderMessage(2 * 1024 * 1024);
    const tree = await partTreeFromRaw(raw);
    assert.equal(tree.partCount, 1);
    assert.equal(tree.truncated, undefined);
    const notice = tree.notices.find((n) => n.kind === 'headerLimit');
    assert.ok(notice, 'header notice');
    assert.match(notice.message, /header block of the message is 2\.0 MiB, over the 1\.0 MiB/);
    assert.equal(decodePartContent(tree.root, partBytes(raw, tree.root)).text, 'Small body.\r\n');
    const headers = parseMessageHeaders(raw);
    assert.ok(headers.truncated, 'the header view is cut and says so');
    assert.equal(headers.truncated.total, headers.totalFields);
    assert.ok(headers.truncated.shown < headers.totalFields);
    assert.match(headers.truncated.message, /^Showing 1,000 of [\d,]+ header fields/);
  });

  test('a header block over the hard limit stops the parse and the tree says so', async () => {
    const raw = hugeHeaderMessage(300 * 1024);
    const tree = await partTreeFromRaw(raw, { limits: { maxHeaderBytes: 64 * 1024, hardMaxHeaderBytes: 128 * 1024 } });
    assert.equal(tree.totalParts, undefined);
    assert.equal(tree.truncated?.reason, 'headerLimit');
    assert.match(tree.notices[0].message, /the rest could not be read: a header block is larger than 131,072 bytes/);
  });

  test('5,000 nested multiparts: completes without stack overflow and reports the depth limit', async () => {
    const raw = deepNestingMessage(5000);
    const tree = await partTreeFromRaw(raw);
    assert.equal(tree.totalParts, 5001);
    assert.equal(tree.truncated?.reason, 'depthLimit');
    assert.equal(tree.partCount, 101, 'depths 0..100 kept');
    assert.match(tree.notices[0].message, /^Showing 100 of 5,000 MIME parts: parts nested deeper than 100 levels are left out\.$/);
    assert.equal([...walkParts(tree.root)].length, 101);
    // The bottom part is still reachable by section.
    const section = Array.from({ length: 5000 }, () => '1').join('.');
    assert.equal((await partBytesBySection(raw, section)).toString(), 'the bottom');
  });

  test('a raw length different from the announced size is reported', async () => {
    const raw = readFixture('alternative.eml');
    const tree = await partTreeFromRaw(raw, { expectedSize: raw.length + 10 });
    assert.equal(tree.notices[0].kind, 'sizeMismatch');
  });
});

// BODYSTRUCTURE as imapflow hands it over (the shape of `MessageStructureObject`), for nested.eml.
const NESTED_STRUCTURE: MessageStructureObject = {
  type: 'multipart/mixed',
  parameters: { boundary: 'outer' },
  childNodes: [
    { part: '1', type: 'text/plain', parameters: { charset: 'us-ascii' }, encoding: '7bit', size: 26, lineCount: 1 },
    {
      part: '2',
      type: 'message/rfc822',
      encoding: '7bit',
      size: 530,
      disposition: 'attachment',
      dispositionParameters: { filename: 'inner.eml' },
      envelope: { subject: 'こんにちは', from: [{ name: '山田', address: 'yamada@example.jp' }], date: new Date('2026-03-05T09:00:00Z'), messageId: '<inner-1@example.jp>' },
      childNodes: [
        {
          part: '2',
          type: 'multipart/alternative',
          parameters: { boundary: 'inner' },
          childNodes: [
            { part: '2.1', type: 'text/plain', parameters: { charset: 'ISO-2022-JP' }, encoding: '7bit', size: 24 },
            { part: '2.2', type: 'text/html', parameters: { charset: 'utf-8' }, encoding: 'base64', size: 52 },
          ],
        },
      ],
    },
    {
      part: '3',
      type: 'message/rfc822',
      encoding: '7bit',
      size: 109,
      disposition: 'inline',
      envelope: { subject: 'plain inner', from: [{ address: 'carol@example.com' }] },
      // imapflow numbers a single-part body of an encapsulated message like the message itself.
      childNodes: [{ part: '3', type: 'text/plain', parameters: { charset: 'us-ascii' }, encoding: '7bit', size: 21 }],
    },
  ],
};

describe('part tree from BODYSTRUCTURE', () => {
  test('sections follow IMAP numbering, as for raw messages (imapflow\'s numbering of a nested single part is corrected)', async () => {
    const tree = partTreeFromBodyStructure(NESTED_STRUCTURE, readFixture('nested.eml').length);
    assert.deepEqual([...walkParts(tree.root)].map((p) => p.section), ['TEXT', '1', '2', '2.TEXT', '2.1', '2.2', '3', '3.1']);
    const inner = findPart(tree, '2') as MimePart;
    assert.equal(inner.message?.subject, 'こんにちは');
    assert.equal(inner.fileName, 'inner.eml');
    assert.equal(tree.root.size, undefined, 'BODYSTRUCTURE gives no multipart size');
    const raw = await partTreeFromRaw(readFixture('nested.eml'));
    assert.deepEqual(compareTrees(tree, raw), []);
  });

  test('a disagreement with the raw message is reported part by part', async () => {
    const changed: MessageStructureObject = { ...NESTED_STRUCTURE, childNodes: [{ ...(NESTED_STRUCTURE.childNodes as MessageStructureObject[])[0], size: 99, type: 'text/html' }] };
    const tree = partTreeFromBodyStructure(changed, 1000);
    const raw: PartTree = await partTreeFromRaw(readFixture('nested.eml'));
    const notices = compareTrees(tree, raw);
    assert.ok(notices.some((n) => n.kind === 'structureMismatch' && n.section === '1' && /type text\/html vs text\/plain/.test(n.message)));
    assert.ok(notices.some((n) => n.kind === 'sizeMismatch' && n.section === '1'));
    assert.ok(notices.some((n) => n.section === '2' && /not in the server's BODYSTRUCTURE/.test(n.message)));
  });

  test('limits apply to BODYSTRUCTURE too, and a structure larger than the message is reported', () => {
    const childNodes: MessageStructureObject[] = Array.from({ length: 10_500 }, (_, i) => ({ part: String(i + 1), type: 'text/plain', encoding: '7bit', size: 10 }));
    const tree = partTreeFromBodyStructure({ type: 'multipart/mixed', childNodes }, 50_000);
    assert.deepEqual(tree.truncated, { shown: 10_000, total: 10_500, reason: 'partLimit' });
    assert.ok(tree.notices.some((n) => n.kind === 'sizeMismatch'));
    let deep: MessageStructureObject = { type: 'text/plain', size: 1 };
    for (let i = 0; i < 5000; i++) deep = { type: 'multipart/mixed', childNodes: [deep] };
    const deepTree = partTreeFromBodyStructure(deep, 100_000);
    assert.equal(deepTree.truncated?.reason, 'depthLimit');
    assert.equal(deepTree.totalParts, 5001);
  });
});
