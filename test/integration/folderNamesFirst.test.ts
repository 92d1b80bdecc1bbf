import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listsFolderNames, withOfflineCache } from '../../src/core/mailbox/cachingStore';
import { OfflineCache } from '../../src/core/mailbox/offlineCache';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { standardMailbox, StandardManifest } from '../servers/sampleMail';
import { imapStore } from './support/imapFixture';
import { pop3Fixture } from './pop3Fixture';

// The cold path (issue 15 point 3): the tree shows the folders as soon as LIST answers (listFolderNames: no counts,
// no STATUS) and asks their counts after (listFolders: LIST-STATUS); a POP3 account keeps its one listing with the
// count. The newest page is one FETCH by sequence (no UID SEARCH first): the same messages and cursor as the UID
// path. Listings stay read-only (no flag changes on the server).

let server: DovecotServer;
let manifest: StandardManifest;
let cacheDir: string;

before(async () => {
  server = await startDovecot();
  manifest = await standardMailbox(server);
  cacheDir = mkdtempSync(join(tmpdir(), 'mi-names-first-'));
});

after(async () => {
  await server?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('folders first, counts after', () => {
  test('listFolderNames sends LIST alone and lists the same folders as listFolders, which brings the counts', async () => {
    const h = imapStore(server);
    try {
      await h.store.listFolderNames(); // connects and logs in
      const sentBefore = h.lines.length;
      const names = await h.store.listFolderNames();
      const commands = h.lines.slice(sentBefore).filter((l) => l.direction === 'client').map((l) => l.text);
      assert.equal(commands.length, 1, commands.join(' | '));
      assert.match(commands[0]!, /^\w+ LIST /);
      assert.doesNotMatch(commands[0]!, /STATUS/);
      assert.ok(names.every((f) => f.total === undefined && f.unseen === undefined), 'no counts yet');
      const counted = await h.store.listFolders();
      assert.deepEqual(names.map((f) => f.path), counted.map((f) => f.path), 'the same folders in the same order');
      const inbox = counted.find((f) => f.path === 'INBOX')!;
      assert.equal(inbox.total, manifest.folders.find((f) => f.path === 'INBOX')!.total);
    } finally {
      await h.store.close();
    }
  });

  test('the caching store offers it where the store inside does (IMAP), not for POP3', async () => {
    const imap = withOfflineCache(imapStore(server).store, new OfflineCache({ directory: cacheDir }));
    const pop3 = withOfflineCache(pop3Fixture(server).store, new OfflineCache({ directory: cacheDir }));
    try {
      assert.equal(listsFolderNames(imap), true);
      assert.equal(listsFolderNames(pop3), false);
      assert.ok((await imap.listFolderNames()).some((f) => f.path === 'INBOX'));
    } finally {
      await imap.close();
      await pop3.close();
    }
  });

  test('the newest page by sequence is the page the UID path gives; listing changed no flag', async () => {
    const flagsBefore = await server.flagsOf(server.users[0]!.user, 'INBOX');
    const h = imapStore(server);
    try {
      const newest = await h.store.listMessagesByUid('INBOX', undefined, 7);
      const sent = h.lines.filter((l) => l.direction === 'client').map((l) => l.text);
      assert.ok(!sent.some((l) => /UID SEARCH/.test(l)), 'no UID SEARCH for the newest page');
      const uidNext = Math.max(...newest.messages.map((m) => Number(m.id))) + 1;
      const byUid = await h.store.listMessagesByUid('INBOX', uidNext, 7);
      assert.deepEqual(newest.messages, byUid.messages);
      assert.equal(newest.nextBeforeUid, byUid.nextBeforeUid);
      assert.equal(newest.total, manifest.inbox.length);
      const everything = await h.store.listMessagesByUid('INBOX', undefined, manifest.inbox.length + 5);
      assert.equal(everything.messages.length, manifest.inbox.length);
      assert.equal(everything.nextBeforeUid, undefined, 'no cursor when the page holds the whole folder');
    } finally {
      await h.store.close();
    }
    assert.deepEqual(await server.flagsOf(server.users[0]!.user, 'INBOX'), flagsBefore);
  });
});
