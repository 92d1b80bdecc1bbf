import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { bigAttachmentMessage } from '../fixtures/generate';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { pop3Fixture } from './pop3Fixture';

// A 25 MB message over POP3 (STLS, the fixture's default) comes back byte for byte. The transport collects it into
// room for the size `LIST n` announced and pauses the socket for a turn of the event loop after each 10 ms of
// reading (pop3Transport.ts, bodyCollector.ts), many times over such a message: nothing may be lost, doubled or
// reordered across those pauses. (A size hint too small or missing is bodyCollector.test.ts.)
let server: DovecotServer;
let big: Buffer;

before(async () => {
  server = await startDovecot();
  big = bigAttachmentMessage();
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: big }]);
});

after(async () => {
  await server?.stop();
});

test('a 25 MB message is retrieved byte for byte, across the socket pauses', async () => {
  const { store } = pop3Fixture(server);
  try {
    const page = await store.listMessages('INBOX', 0, 1);
    const raw = await store.fetchRaw('INBOX', page.messages[0]!.id);
    assert.equal(raw.length, big.length);
    assert.ok(raw.equals(big), 'the same bytes');
  } finally {
    await store.close();
  }
});
