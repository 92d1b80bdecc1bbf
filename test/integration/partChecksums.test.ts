import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { MessageInspector, type MessageSource } from '../../src/core/inspect/messageInspector';
import { findPart } from '../../src/core/mime/partTree';
import { partChecksums } from '../../src/core/mime/partTooltip';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore, ImapHandle } from './support/imapFixture';

// A part's tooltip checksums over IMAP (issue 14, point 4): the hovered part is fetched alone (never the 2 MB
// attachment beside it), and the checksums are those of the bytes the raw message decodes to.

let server: DovecotServer;
let handle: ImapHandle;
let uid: string;

const IMAGE = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const BIG = Buffer.alloc(2_000_000, 0x41);
const RAW = [
  'From: a@example.com',
  'Subject: checksums over IMAP',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: image/png',
  'Content-Disposition: attachment; filename="pixel.png"',
  'Content-Transfer-Encoding: base64',
  '',
  IMAGE.toString('base64'),
  '--outer',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename="big.bin"',
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

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('over IMAP only the hovered part is fetched, and its checksums match the raw message', async () => {
  const fetched: string[] = [];
  let wholeMessages = 0;
  const source: MessageSource = {
    raw: (signal) => (wholeMessages++, handle.store.fetchRaw('INBOX', uid, signal)),
    structure: (signal) => handle.store.fetchStructure('INBOX', uid, signal),
    part: async (section, signal) => {
      const got = await handle.store.fetchPart('INBOX', uid, section, signal);
      fetched.push(`${section} ${got.wireBytes}`);
      return got;
    },
  };
  const inspector = new MessageInspector(source);
  assert.ok(inspector.partial);
  const image = findPart(await inspector.tree(), '1');
  assert.ok(image);
  const checksums = await partChecksums(inspector, image);
  assert.deepEqual(checksums, { kind: 'computed', size: IMAGE.length, sha256: sha256(IMAGE), md5: createHash('md5').update(IMAGE).digest('hex') });
  assert.equal(wholeMessages, 0, 'the whole message was downloaded');
  assert.equal(fetched.length, 1, fetched.join(', '));
  assert.match(fetched[0] ?? '', /^1 \d+$/);
  assert.ok(Number(fetched[0]?.split(' ')[1]) < 1000, `the fetch of part 1 cost ${fetched[0]} bytes`);

  const fromRaw = new MessageInspector({ raw: async () => Buffer.from(RAW, 'latin1') });
  const big = findPart(await fromRaw.tree(), '2');
  assert.ok(big);
  const bigSums = await partChecksums(inspector, big);
  assert.equal(bigSums.kind === 'computed' ? bigSums.sha256 : bigSums.kind, sha256(BIG));
  assert.deepEqual(await partChecksums(fromRaw, big), bigSums, 'IMAP and the raw message agree');
});
