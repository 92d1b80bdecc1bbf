import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { foldersFirst } from '../../src/core/mailbox/foldersFirst';
import { FolderInfo } from '../../src/core/mailStore';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { FaultyProxy, startFaultyProxy } from '../servers/faultyProxy';
import { standardMailbox, StandardManifest } from '../servers/sampleMail';
import { ImapHandle, imapStore } from './support/imapFixture';

// The cold path where a server gives counts one folder at a time (issue 15 point 3): without LIST-STATUS the
// folders come from LIST alone, then STATUS per folder, the folders used last first, each told as it arrives;
// with LIST-STATUS one LIST brings them all. Over a slow link (a delaying proxy: loopback is never slow) the first
// answer holds the folders without counts and the counts follow, folder by folder. Listing changes no flag.

let plain: DovecotServer; // Dovecot that does not offer LIST-STATUS
let listStatus: DovecotServer; // Dovecot as it comes
let manifest: StandardManifest;
let slow: FaultyProxy;

const USED = ['Bulk', 'Gone/Away', 'Lists', 'Clients/acme.com', 'Sent'];

before(async () => {
  [plain, listStatus] = await Promise.all([startDovecot({ imapCapability: capabilitiesWithout('LIST-STATUS') }), startDovecot()]);
  [manifest] = await Promise.all([standardMailbox(plain), standardMailbox(listStatus)]);
  slow = await startFaultyProxy({ host: '127.0.0.1', port: plain.ports.imap }, { kind: 'delayReplies', ms: 120 });
});

after(async () => {
  await slow?.close();
  await Promise.all([plain?.stop(), listStatus?.stop()]);
});

function sentSince(h: ImapHandle, from: number): string[] {
  return h.lines.slice(from).filter((l) => l.direction === 'client').map((l) => l.text);
}

/** The selectable folders in the order the counts should be asked: USED's listed ones, then the tree's order. */
function expectedOrder(listed: readonly FolderInfo[]): string[] {
  const selectable = listed.filter((f) => f.selectable).map((f) => f.path);
  const first = USED.filter((p) => selectable.includes(p));
  return [...first, ...selectable.filter((p) => !first.includes(p))];
}

function assertCounts(folders: readonly FolderInfo[]): void {
  for (const seeded of manifest.folders) {
    const f = folders.find((x) => x.path === seeded.path);
    assert.ok(f, `${seeded.path} is listed`);
    assert.equal(f.total, seeded.total, `${seeded.path} total`);
    assert.equal(f.unseen, seeded.unseen, `${seeded.path} unseen`);
  }
}

describe('folder counts one folder at a time', () => {
  test('without LIST-STATUS: LIST, then STATUS per folder, the folders used last first, each told as it comes', async () => {
    const h = imapStore(plain);
    try {
      const names = await h.store.listFolderNames(); // connects and logs in
      const from = h.lines.length;
      const heard: string[] = [];
      const folders = await h.store.listFolders(undefined, { usedFirst: USED, onCounts: (f) => heard.push(f.path) });
      const sent = sentSince(h, from);
      assert.ok(!sent.some((l) => /RETURN \(.*STATUS/i.test(l)), 'no LIST-STATUS asked of a server that does not offer it');
      const statuses = sent.filter((l) => /^\S+ STATUS /.test(l));
      assert.equal(statuses.length, expectedOrder(names).length, 'one STATUS per selectable folder, none for \\Noselect');
      assert.deepEqual(heard, expectedOrder(names), 'counts asked and told in the order: used last first, then the tree order');
      assert.match(statuses[0]!, /STATUS "?Bulk"? \(MESSAGES UNSEEN\)/);
      assert.match(statuses[1]!, /STATUS "?Clients\/acme\.com"? \(MESSAGES UNSEEN\)/);
      assert.deepEqual(folders.map((f) => f.path), names.map((f) => f.path), 'the tree order, not the order asked');
      assertCounts(folders);
      assert.equal(folders.find((f) => f.path === 'Lists')?.total, undefined, '\\Noselect has no counts');
    } finally {
      await h.store.close();
    }
  });

  test('with LIST-STATUS: one LIST brings every count, no STATUS, nothing told one by one', async () => {
    const h = imapStore(listStatus);
    try {
      await h.store.listFolderNames();
      const from = h.lines.length;
      const heard: string[] = [];
      const folders = await h.store.listFolders(undefined, { usedFirst: USED, onCounts: (f) => heard.push(f.path) });
      const sent = sentSince(h, from);
      assert.equal(sent.filter((l) => /^\S+ STATUS /.test(l)).length, 0, sent.join(' | '));
      assert.equal(sent.filter((l) => /^\S+ LIST .*RETURN \(.*STATUS \(MESSAGES UNSEEN\)/.test(l)).length, 1, sent.join(' | '));
      assert.deepEqual(heard, []);
      assertCounts(folders);
    } finally {
      await h.store.close();
    }
  });

  test('over a slow link the folders come first, then their counts one by one, used last first; flags stay as they were', async () => {
    const user = plain.users[0]!.user;
    const flagsBefore = await plain.flagsOf(user, 'INBOX');
    const h = imapStore(plain, { port: slow.port, security: 'starttls' });
    try {
      // With each folder told, how many STATUS commands had gone out by then: one by one means exactly one more each time.
      const statusesSent = (): number => h.lines.filter((l) => l.direction === 'client' && /^\S+ STATUS /.test(l.text)).length;
      const late: { path: string; sent: number; folder: FolderInfo }[] = [];
      const first = await foldersFirst(h.store, { usedFirst: USED, onLateCounts: (f) => late.push({ path: f.path, sent: statusesSent(), folder: f }) });
      assert.ok(first.folders.some((f) => f.path === 'INBOX'), 'the folders are listed');
      assert.ok(first.folders.every((f) => f.total === undefined && f.unseen === undefined), 'no counts in the first answer: a STATUS reply takes longer than the grace');
      assert.ok(first.counts, 'the counts are still on their way');
      assert.equal(late.length, 0, 'nothing told before the first answer');
      const all = await first.counts;
      assert.deepEqual(late.map((l) => l.path), expectedOrder(first.folders), 'each folder told as its STATUS answered, used last first');
      assert.deepEqual(late.map((l) => l.sent), late.map((_, i) => i + 1), 'each told as its STATUS answered, before the next STATUS went out, not all at the end');
      assertCounts(all);
      assertCounts(late.map((l) => l.folder).concat(first.folders.filter((f) => !f.selectable)));
    } finally {
      await h.store.close();
    }
    assert.deepEqual(await plain.flagsOf(user, 'INBOX'), flagsBefore, 'listing the folders changed no flag');
  });
});
