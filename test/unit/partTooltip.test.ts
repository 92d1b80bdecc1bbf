import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { attachmentChecksums } from '../../src/core/auth/partChecksums';
import { MailError } from '../../src/core/errors';
import { MessageInspector } from '../../src/core/inspect/messageInspector';
import { findPart, type MimePart } from '../../src/core/mime/partTree';
import { partChecksums, partTooltipMarkdown, TOOLTIP_CHECKSUM_LIMIT, type PartBodySource } from '../../src/core/mime/partTooltip';

// The tooltip of a part row (issue 14, point 4): SHA-256 and MD5 of the decoded bytes, once asked for; none
// fetched for a part too large to download for a tooltip; a failure said in words.

const PDF = Buffer.from('%PDF-1.4\n% checksum me\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const LATIN1 = Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]); // "Grüße" in ISO-8859-1
const RAW = Buffer.from(
  [
    'From: a@example.com',
    'Subject: checksums',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=FC=DFe',
    '--b',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    PDF.toString('base64'),
    '--b--',
    '',
  ].join('\r\n'),
  'latin1',
);

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

async function partOf(inspector: MessageInspector, section: string): Promise<MimePart> {
  const part = findPart(await inspector.tree(), section);
  assert.ok(part, `part ${section}`);
  return part;
}

describe('part tooltips', () => {
  test("a leaf's tooltip shows the SHA-256 and MD5 of its decoded bytes, the same as Check Authentication's", async () => {
    const inspector = new MessageInspector({ raw: async () => RAW });
    const pdf = await partOf(inspector, '2');
    const checksums = await partChecksums(inspector, pdf);
    assert.deepEqual(checksums, { kind: 'computed', size: PDF.length, sha256: sha256(PDF), md5: md5(PDF) });
    const text = partTooltipMarkdown(pdf, { partial: false, checksums });
    assert.match(text, new RegExp(`^SHA-256: \`${sha256(PDF)}\`$`, 'm'));
    assert.match(text, new RegExp(`^MD5: \`${md5(PDF)}\`$`, 'm'));
    assert.match(text, new RegExp(`^_Of the ${PDF.length} bytes decoded \\(what Save Part As… writes\\)\\._$`, 'm'));
    assert.match(text, /^File name: report\\\.pdf$/m);
    const report = attachmentChecksums(RAW, await inspector.tree()).find((a) => a.section === '2');
    assert.deepEqual([report?.sha256, report?.md5], [sha256(PDF), md5(PDF)]);
  });

  test('a text part is summed over its bytes with the transfer encoding undone, still in its charset', async () => {
    const inspector = new MessageInspector({ raw: async () => RAW });
    const checksums = await partChecksums(inspector, await partOf(inspector, '1'));
    assert.deepEqual(checksums, { kind: 'computed', size: LATIN1.length, sha256: sha256(LATIN1), md5: md5(LATIN1) });
  });

  test('before the tooltip is asked for, it lists the part without checksums; containers never carry any', async () => {
    const inspector = new MessageInspector({ raw: async () => RAW });
    const pdf = await partOf(inspector, '2');
    const text = partTooltipMarkdown(pdf, { partial: true });
    assert.doesNotMatch(text, /SHA-256|MD5|Checksums/);
    assert.match(text, /^\*\*Part 2\*\* `application\/pdf`$/m);
    assert.match(text, /_Opening it fetches this part only \(BODY\.PEEK\)\._$/);
    const root = (await inspector.tree()).root;
    assert.doesNotMatch(partTooltipMarkdown(root, { partial: false, checksums: { kind: 'computed', size: 1, sha256: 'x', md5: 'y' } }), /SHA-256|Opening it/);
  });

  test('a part over the limit is not fetched for its tooltip, and the tooltip says why', async () => {
    let fetched = 0;
    // Counts what would be fetched: the point is that nothing is.
    const source: PartBodySource = { bodyBytes: async () => (fetched++, PDF) };
    const inspector = new MessageInspector({ raw: async () => RAW });
    const big: MimePart = { ...(await partOf(inspector, '2')), size: TOOLTIP_CHECKSUM_LIMIT + 1 };
    const checksums = await partChecksums(source, big);
    assert.deepEqual(checksums, { kind: 'tooLarge', limit: TOOLTIP_CHECKSUM_LIMIT });
    assert.equal(fetched, 0);
    assert.match(partTooltipMarkdown(big, { partial: true, checksums }), /^Checksums: not fetched for a part over 10\.0 MiB just to show a tooltip; Check Authentication lists them for every attachment\.$/m);
  });

  test('a fetch that fails is said in the tooltip; a cancelled one rejects', async () => {
    const inspector = new MessageInspector({ raw: async () => RAW });
    const pdf = await partOf(inspector, '2');
    // A server that drops the connection cannot be asked to on cue here: the failing source stands in for it.
    const failing: PartBodySource = { bodyBytes: async () => Promise.reject(new MailError('network', 'The connection was closed.')) };
    const checksums = await partChecksums(failing, pdf);
    assert.deepEqual(checksums, { kind: 'failed', why: 'The connection was closed.' });
    assert.match(partTooltipMarkdown(pdf, { partial: true, checksums }), /^Checksums: could not be computed \(The connection was closed\\\.\)\.$/m);
    const controller = new AbortController();
    controller.abort();
    const cancelled: PartBodySource = { bodyBytes: async () => Promise.reject(new MailError('cancelled', 'Cancelled.')) };
    await assert.rejects(partChecksums(cancelled, pdf, controller.signal), /Cancelled/);
  });
});
