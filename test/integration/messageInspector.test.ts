import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MessageInspector, MessageSource } from '../../src/core/inspect/messageInspector';
import { headersReport } from '../../src/core/inspect/headersReport';
import { walkParts } from '../../src/core/mime/partTree';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore, ImapHandle } from './support/imapFixture';

// The same inspector over IMAP (BODYSTRUCTURE + one part at a time) and over the raw bytes (POP3, files).
let server: DovecotServer;
let handle: ImapHandle;
let uid: string;

const IMAGE = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const BIG = Buffer.alloc(2_000_000, 0x41);
const RAW = [
  'Received: from relay.example.net (relay.example.net [192.0.2.7]) by mx.example.org with ESMTPS id abc; Tue, 2 Jun 2026 10:00:05 +0000',
  'Received: from client.example.com by relay.example.net with ESMTPSA id def; Tue, 2 Jun 2026 10:00:00 +0000',
  'From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>',
  'To: alice@example.com, "Bob, B." <bob@example.com>',
  'Subject: =?UTF-8?B?UHLDvGZ1bmc=?= report',
  'Date: Tue, 2 Jun 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/related; boundary="rel"',
  '',
  '--rel',
  'Content-Type: text/html; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p>Gr=FC=DFe <img src=3D"cid:logo@x"></p>',
  '--rel',
  'Content-Type: image/png',
  'Content-ID: <logo@x>',
  'Content-Transfer-Encoding: base64',
  '',
  IMAGE.toString('base64'),
  '--rel--',
  '--outer',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename="../../big.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  ...(BIG.toString('base64').match(/.{1,76}/g) ?? []),
  '--outer--',
  '',
].join('\r\n');

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: RAW, flags: '' }]);
  handle = imapStore(server);
  uid = (await handle.store.listMessages('INBOX', 0, 1)).messages[0]!.id;
});

after(async () => {
  await handle?.store.close();
  await server?.stop();
});

function imapSource(): MessageSource {
  return {
    raw: (signal) => handle.store.fetchRaw('INBOX', uid, signal),
    structure: (signal) => handle.store.fetchStructure('INBOX', uid, signal),
    part: (section, signal) => handle.store.fetchPart('INBOX', uid, section, signal),
  };
}

const rawSource = (): MessageSource => ({ raw: async () => Buffer.from(RAW, 'latin1') });

test('IMAP and raw inspectors build the same part tree', async () => {
  const imap = await new MessageInspector(imapSource()).tree();
  const raw = await new MessageInspector(rawSource()).tree();
  assert.equal(imap.source, 'bodystructure');
  assert.equal(raw.source, 'raw');
  const shape = (t: typeof imap) => [...walkParts(t.root)].map((p) => [p.section, p.contentType, p.fileName ?? '', p.contentId ?? ''].join(' '));
  assert.deepEqual(shape(imap), shape(raw));
  assert.deepEqual(shape(imap), ['TEXT multipart/mixed  ', '1 multipart/related  ', '1.1 text/html  ', '1.2 image/png  logo@x', '2 application/octet-stream ../../big.bin ']);
});

test('a text part opened over IMAP costs its own bytes, not the 2 MB attachment; decoded from ISO-8859-1', async () => {
  const before = handle.tap.totals.received;
  const imap = await new MessageInspector(imapSource()).content('1.1', 'decoded');
  const moved = handle.tap.totals.received - before;
  assert.equal(imap.decoded?.text, '<p>Grüße <img src="cid:logo@x"></p>');
  assert.ok(imap.wireBytes !== undefined && imap.wireBytes < 8 * 1024, `wire ${imap.wireBytes}`);
  assert.ok(moved < 16 * 1024, `moved ${moved} bytes (structure + part)`);
  assert.ok(imap.messageSize > 2_000_000);
  const raw = await new MessageInspector(rawSource()).content('1.1', 'decoded');
  assert.equal(raw.decoded?.text, imap.decoded?.text);
  assert.equal(raw.wireBytes, undefined);
});

test('binary parts decode to their bytes, raw view keeps the MIME header and the encoding', async () => {
  for (const inspector of [new MessageInspector(imapSource()), new MessageInspector(rawSource())]) {
    const image = await inspector.content('1.2', 'decoded');
    assert.deepEqual(image.decoded?.binary, IMAGE);
    const raw = await inspector.content('1.1', 'raw');
    assert.match(raw.raw?.toString('latin1') ?? '', /^Content-Type: text\/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Gr=FC=DFe/);
    const attachments = await inspector.attachments();
    assert.deepEqual(attachments.map((p) => p.section), ['2']);
  }
});

test('headers: decoded, addresses parsed, Received chain with the delay between hops', async () => {
  const fromImap = await new MessageInspector(imapSource()).headers();
  const fromRaw = await new MessageInspector(rawSource()).headers();
  assert.deepEqual(fromImap.fields.map((f) => f.decoded), fromRaw.fields.map((f) => f.decoded));
  const report = headersReport('Prüfung report', fromImap);
  assert.match(report, /\| 5 \| Subject \| Prüfung report \| `=\?UTF-8\?B\?UHLDvGZ1bmc=\?= report` \|/);
  assert.match(report, /\| To \| <alice@example\.com>, Bob, B\. <bob@example\.com> \|/);
  assert.match(report, /Received chain \(2 hops, oldest first\)/);
  assert.match(report, /\| 1 \| client\.example\.com \| relay\.example\.net \| ESMTPSA \| 2026-06-02T10:00:00\.000Z \|/);
  assert.match(report, /\| 2 \| relay\.example\.net .*\| mx\.example\.org \| ESMTPS \| 2026-06-02T10:00:05\.000Z \| 5 s \|/);
});

test('an unknown section is a notFound error', async () => {
  await assert.rejects(new MessageInspector(rawSource()).content('9.9', 'decoded'), (e: unknown) => (e as { reason?: string }).reason === 'notFound');
});

test('where BODYSTRUCTURE and the downloaded bytes disagree, the tree says so (a base64-encoded message/rfc822)', async () => {
  const inner = ['Subject: inner', 'Content-Type: multipart/alternative; boundary="in"', '', '--in', 'Content-Type: text/plain', '', 'hi', '--in', 'Content-Type: text/html', '', '<p>hi</p>', '--in--', ''].join('\r\n');
  // RFC 2046 forbids encoding a message/rfc822 part; Dovecot still describes what it finds inside, the parser does not.
  const odd = ['Subject: outer', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="out"', '', '--out', 'Content-Type: text/plain', '', 'see attached', '--out', 'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', Buffer.from(inner).toString('base64'), '--out--', ''].join('\r\n');
  await server.addMessages(server.users[0]!.user, 'Odd', [{ raw: odd }]);
  const oddUid = (await handle.store.listMessages('Odd', 0, 1)).messages[0]!.id;
  const bytes = await handle.store.fetchRaw('Odd', oddUid);
  const source: MessageSource = {
    raw: async () => bytes,
    structure: (signal) => handle.store.fetchStructure('Odd', oddUid, signal),
    part: (section, signal) => handle.store.fetchPart('Odd', oddUid, section, signal),
  };
  assert.deepEqual((await new MessageInspector(source).tree()).notices, [], 'without the bytes at hand there is nothing to compare');
  const notices = (await new MessageInspector({ ...source, cachedRaw: () => bytes }).tree()).notices;
  assert.ok(notices.some((n) => n.kind === 'structureMismatch' && n.section === '2.1'), JSON.stringify(notices));
});

test('a downloaded message of another size than the listing announced is reported (POP3 LIST, files)', async () => {
  const raw = Buffer.from(RAW, 'latin1');
  assert.deepEqual((await new MessageInspector({ raw: async () => raw, expectedSize: raw.length }).tree()).notices, []);
  const notices = (await new MessageInspector({ raw: async () => raw, expectedSize: raw.length + 10 }).tree()).notices;
  assert.ok(notices.some((n) => n.kind === 'sizeMismatch'), JSON.stringify(notices));
});
