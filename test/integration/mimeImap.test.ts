import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { decodePartContent } from '../../src/core/mime/decodePart';
import { partTreeFromBodyStructure } from '../../src/core/mime/fromBodyStructure';
import { MimePart, findPart } from '../../src/core/mime/partTree';
import { BIG_MESSAGE_TEXT, bigAttachmentMessage } from '../fixtures/generate';
import { DovecotServer, startDovecot } from '../servers/dovecot';

// One text part of a 25 MB message must be readable without the 25 MB. (That Dovecot's BODYSTRUCTURE and a
// parse of the bytes it serves give the same tree, for every fixture, is mimeCrossCheck.test.ts.)
const FOLDER = 'MimeCorpus';
let server: DovecotServer;
let client: ImapFlow;
let big: Buffer;
const BIG_UID = 1;

before(async () => {
  server = await startDovecot();
  big = bigAttachmentMessage();
  const user = server.users[0].user;
  await server.addMessages(user, FOLDER, [{ raw: big }]);
  client = new ImapFlow({
    host: '127.0.0.1',
    port: server.ports.imaps,
    secure: true,
    tls: { ca: server.ca },
    auth: { user, pass: server.users[0].password },
    logger: false,
  });
  await client.connect();
  await client.mailboxOpen(FOLDER, { readOnly: true });
});

after(async () => {
  await client?.logout().catch(() => undefined);
  await server?.stop();
});

describe('one part of a 25 MB message', () => {
  test('the tree comes from BODYSTRUCTURE and the text part is fetched alone: under 64 KiB on the wire', async () => {
    const meta = await client.fetchOne(String(BIG_UID), { uid: true, bodyStructure: true, size: true }, { uid: true });
    assert.ok(meta && meta.bodyStructure && meta.size !== undefined);
    assert.equal(meta.size, big.length);
    assert.ok(big.length > 25_000_000);
    const tree = partTreeFromBodyStructure(meta.bodyStructure, meta.size);
    const text = findPart(tree, '1') as MimePart;
    const attachment = findPart(tree, '2') as MimePart;
    assert.equal(text.contentType, 'text/plain');
    assert.ok((attachment.size ?? 0) > 25_000_000, 'the attachment is the big part');

    client.stats(true);
    const fetched = await client.fetchOne(String(BIG_UID), { uid: true, bodyParts: [text.section] }, { uid: true });
    const moved = client.stats();
    const bytes = fetched ? fetched.bodyParts?.get(text.section) : undefined;
    assert.ok(bytes, 'the part arrived');
    assert.ok(moved.received + moved.sent < 64 * 1024, `moved ${moved.received} + ${moved.sent} bytes`);
    assert.equal(decodePartContent(text, bytes).text, BIG_MESSAGE_TEXT);

    client.stats(true);
    const download = await client.download(String(BIG_UID), text.section, { uid: true });
    const chunks: Buffer[] = [];
    assert.ok(download.content, 'the part exists');
    for await (const chunk of download.content) chunks.push(chunk as Buffer);
    const downloaded = client.stats();
    assert.equal(Buffer.concat(chunks).toString(), BIG_MESSAGE_TEXT, 'download() decodes it too');
    assert.ok(downloaded.received + downloaded.sent < 64 * 1024, `download moved ${downloaded.received} + ${downloaded.sent} bytes`);
  });
});
