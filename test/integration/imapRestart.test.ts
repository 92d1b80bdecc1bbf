// A connection kept from earlier dies with the server (a restart): the next command on it must not fail with
// "Connection not available" — every ImapStore operation is read-only, so it is sent again on a fresh connection.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';

let server: DovecotServer;
before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: 'Subject: one\r\n\r\nbody\r\n' }, { raw: 'Subject: two\r\n\r\nbody\r\n' }]);
});
after(() => server?.stop());

test('after a server restart the next command reconnects and answers instead of failing', async () => {
  const handle = imapStore(server);
  try {
    const first = await handle.store.listMessages('INBOX', 0, 10);
    assert.equal(first.total, 2);
    await server.haltMain();
    await server.startMainAgain();
    // The kept connection is gone, whether or not the store noticed yet; both calls answer.
    const folders = await handle.store.listFolders();
    assert.ok(folders.some((f) => f.path === 'INBOX'));
    const again = await handle.store.listMessages('INBOX', 0, 10);
    assert.deepEqual(again.messages.map((m) => m.subject), ['two', 'one']);
    assert.ok((handle.text().match(/-- connecting to/g) ?? []).length >= 2, 'no second connection was made');
  } finally {
    await handle.store.close();
  }
});
