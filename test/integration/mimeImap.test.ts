import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { compareTrees } from '../../src/core/mime/compareTrees';
import { decodePartContent } from '../../src/core/mime/decodePart';
import { partTreeFromBodyStructure } from '../../src/core/mime/fromBodyStructure';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { imapSectionsFor, partBytes } from '../../src/core/mime/partBytes';
import { MimePart, findPart, walkParts } from '../../src/core/mime/partTree';
import { CORPUS, readFixture } from '../fixtures/expectations';
import { BIG_MESSAGE_TEXT, bigAttachmentMessage } from '../fixtures/generate';
import { DovecotServer, startDovecot } from '../servers/dovecot';

// The same message seen two ways must give the same tree: Dovecot's BODYSTRUCTURE (through imapflow) and a
// parse of the bytes it serves. And one text part of a 25 MB message must be readable without the 25 MB.
const FOLDER = 'MimeCorpus';
let server: DovecotServer;
let client: ImapFlow;
let big: Buffer;
const BIG_UID = CORPUS.length + 1;

before(async () => {
  server = await startDovecot();
  big = bigAttachmentMessage();
  const user = server.users[0].user;
  await server.addMessages(user, FOLDER, [...CORPUS.map((entry) => ({ raw: readFixture(entry.file) })), { raw: big }]);
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

describe('BODYSTRUCTURE and raw bytes agree', () => {
  CORPUS.forEach((entry, i) => {
    test(entry.file, async () => {
      const uid = i + 1;
      const fetched = await client.fetchOne(String(uid), { uid: true, bodyStructure: true, size: true, source: true }, { uid: true });
      assert.ok(fetched && fetched.bodyStructure && fetched.source && fetched.size !== undefined);
      assert.deepEqual(fetched.source, readFixture(entry.file), 'Dovecot serves the bytes we stored');
      const fromServer = partTreeFromBodyStructure(fetched.bodyStructure, fetched.size);
      const fromRaw = await partTreeFromRaw(fetched.source, { expectedSize: fetched.size });
      assert.deepEqual(fromServer.notices, []);
      assert.deepEqual(fromRaw.notices, []);
      assert.deepEqual(compareTrees(fromServer, fromRaw), [], 'types, sections, sizes, encodings, charsets and file names');
      assert.deepEqual([...walkParts(fromServer.root)].map((p) => p.section), [...walkParts(fromRaw.root)].map((p) => p.section));
    });
  });

  test('the bytes of every part fetched by section equal the part cut from the raw message', async () => {
    for (const [i, entry] of CORPUS.entries()) {
      await assertSameBytes(i + 1, readFixture(entry.file));
    }
  });
});

/** For every part, BODY.PEEK[section] (and its MIME/HEADER companion) returns exactly what partBytes cuts. */
async function assertSameBytes(uid: number, raw: Buffer): Promise<void> {
    const tree = await partTreeFromRaw(raw);
    for (const part of walkParts(tree.root)) {
      for (const mode of ['body', 'headersAndBody'] as const) {
        const sections = imapSectionsFor(tree, part, mode);
        const fetched = await client.fetchOne(String(uid), { uid: true, bodyParts: sections }, { uid: true });
        assert.ok(fetched && fetched.bodyParts);
        // imapflow hands BODY[HEADER] over as `headers`, every other section in `bodyParts` (lower-cased).
        const get = (s: string): Buffer | undefined => (s === 'HEADER' ? fetched.headers : fetched.bodyParts?.get(s.toLowerCase()));
        const bytes = Buffer.concat(sections.map((s) => get(s) ?? Buffer.alloc(0)));
        assert.deepEqual(bytes.toString('latin1'), partBytes(raw, part, mode).toString('latin1'), `uid ${uid} part ${part.section} ${mode} (${sections.join(' + ')})`);
      }
    }
}

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
