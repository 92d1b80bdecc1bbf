import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { FolderTimeline } from '../../src/core/documents/folderState';
import { fetchStructureOf } from '../../src/core/documents/generationFetch';
import { folderStateReport } from '../../src/core/documents/folderStateReport';
import { BodyAddress, DroppedGeneration, MessageBodies } from '../../src/core/documents/messageBodies';
import { readFolderState } from '../../src/core/documents/readFolderState';
import { MailError } from '../../src/core/errors';
import { OfflineCache } from '../../src/core/mailbox/offlineCache';
import { MailStore } from '../../src/core/mailStore';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { LiveHandle, liveSession, OtherDevice, seedMessages } from './support/liveFixture';

// The documents' side of message identity against a real Dovecot, through the session the extension builds
// (createAccountSession with the offline cache): a message document of a folder generation that is gone (the
// folder deleted and created again by another client) is refused with a plain notice and never answered with the
// new message holding the same UID; the folder state tells both generations apart and flags the change as an
// anomaly; with the server stopped, what was opened before still opens from the offline cache, marked offline.

let server: DovecotServer;
let live: LiveHandle;
let cacheDir: string;
const USER = (): string => server.users[0]!.user;

function bodiesOf(handle: LiveHandle): MessageBodies {
  const account = handle.session.store.account as AccountDefinition;
  return new MessageBodies({ get: (id) => (id === account.id ? account : undefined), store: async (): Promise<MailStore> => handle.session.store });
}

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'Gen', [{ raw: ['From: a@example.com', 'To: b@example.com', 'Subject: first generation', '', 'OLD GENERATION BODY', ''].join('\r\n'), flags: 'S' }]);
  await server.addMessages(USER(), 'INBOX', seedMessages('inbox', 3));
  cacheDir = mkdtempSync(join(tmpdir(), 'mi-docgen-'));
  live = liveSession(server, { offline: new OfflineCache({ directory: cacheDir }) });
});

after(async () => {
  await live?.session.close().catch(() => undefined);
  await server?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

test('a document of a re-created folder\'s earlier generation is refused in plain words, never shown as the new message with its UID', async () => {
  const first = await live.session.listPage('Gen', undefined, 10);
  const g1 = first.uidValidity;
  assert.ok(g1 !== undefined);
  const old: BodyAddress = { accountId: 'live', folderPath: 'Gen', messageId: first.messages[0]!.id, uidValidity: g1 };
  assert.equal(old.messageId, '1');
  const bodies = bodiesOf(live);
  const dropped: DroppedGeneration[] = [];
  bodies.onGenerationDropped((d) => dropped.push(d));
  assert.match((await bodies.fetch(old)).toString(), /OLD GENERATION BODY/);
  const timeline = new FolderTimeline();
  const before = await readFolderState(live.session.store, 'Gen');
  assert.equal(before.uidValidity, g1);
  timeline.noteSnapshot(before);

  // Another device deletes the folder and creates it again; its new first message gets UID 1 again.
  const other = await OtherDevice.connect(server);
  try {
    await other.recreate('Gen');
    assert.equal(await other.deliver('Gen', 'second generation'), 1);
  } finally {
    await other.close();
  }

  const isStale = (error: unknown): boolean => {
    assert.ok(MailError.is(error, 'notFound'), String(error));
    assert.equal(error.detail?.kind, 'staleGeneration');
    assert.match(error.message, new RegExp(`earlier generation of the folder "Gen" \\(UIDVALIDITY ${g1}, now \\d+\\)`));
    assert.doesNotMatch(error.message, /second generation/);
    return true;
  };
  // A window that had nothing cached asks the server. Dovecot ends the command connection that still has the
  // deleted folder selected (`* BYE FETCH failed`), which the offline cache answers with the bytes it keeps for
  // that generation: the old message's own, marked offline, never the new one's. Asked again (a new connection
  // EXAMINEs the folder anew), the server's UIDVALIDITY refuses the old generation.
  const fresh = bodiesOf(live);
  const firstTry = await fresh.fetch(old).then(
    (bytes) => bytes,
    (error: unknown) => error,
  );
  if (Buffer.isBuffer(firstTry)) {
    assert.match(firstTry.toString(), /OLD GENERATION BODY/);
    assert.equal(fresh.cameFromOfflineCache(old), true);
  } else {
    isStale(firstTry);
  }
  await assert.rejects(fresh.fetch(old), isStale);
  // The window that showed the old message learns of the new generation from the next listing: the old one is
  // dropped (its open tabs are told), and asking for it again is refused without a round trip.
  const second = await live.session.listPage('Gen', undefined, 10);
  const g2 = second.uidValidity;
  assert.ok(g2 !== undefined && g2 !== g1, `a new UIDVALIDITY (${g1} → ${g2})`);
  bodies.noteGeneration('live', 'Gen', g2);
  assert.deepEqual(dropped, [{ accountId: 'live', folder: 'Gen', uidValidity: g1, current: g2 }]);
  await assert.rejects(bodies.fetch(old), isStale);
  assert.equal(bodies.cached(old), undefined);
  // The new generation's UID 1 is the new message.
  assert.match((await bodies.fetch({ ...old, uidValidity: g2 })).toString(), /Body of second generation/);

  // The folder state shows the new generation and flags the change as a server anomaly.
  const now = await readFolderState(live.session.store, 'Gen');
  assert.equal(now.uidValidity, g2);
  assert.equal(now.uidNext, 2);
  assert.equal(now.exists, 1);
  // EXAMINE is read-only: Dovecot answers PERMANENTFLAGS () there, and FLAGS lists what the folder knows.
  assert.deepEqual(now.permanentFlags, []);
  assert.ok(now.flags?.includes('\\Seen'), `FLAGS ${now.flags?.join(' ')}`);
  assert.ok(now.highestModseq !== undefined, 'Dovecot offers CONDSTORE: HIGHESTMODSEQ is told');
  const anomaly = timeline.noteSnapshot(now);
  assert.match(anomaly?.anomaly ?? '', new RegExp(`UIDVALIDITY changed from ${g1} to ${g2}`));
  const text = folderStateReport({ accountLabel: 'live', folder: 'Gen', snapshot: now, capabilities: live.session.features?.announced, state: live.session.state, watched: false, entries: timeline.entries('Gen') });
  assert.match(text, new RegExp(`\\| UIDVALIDITY \\| ${g2} \\|`));
  assert.match(text, /\| RECENT \| \d+ \|/);
  assert.match(text, /\| PERMANENTFLAGS \| \(none: the folder is open read-only \(EXAMINE\)\) \|/);
  assert.match(text, /## ⚠ Server anomalies \(1\)/);
  assert.match(text, /`IDLE`/, 'the capabilities in force are listed');
});

test('with the server stopped, a message opened before still opens from the offline cache, marked offline, and only its own generation', async () => {
  const page = await live.session.listPage('INBOX', undefined, 10);
  assert.equal(page.offline, undefined);
  const uidValidity = page.uidValidity;
  const address: BodyAddress = { accountId: 'live', folderPath: 'INBOX', messageId: page.messages[0]!.id, uidValidity };
  const online = await bodiesOf(live).fetch(address);
  const ref = { folder: 'INBOX', uidValidity, id: address.messageId };
  const structure = await fetchStructureOf(live.session.store, ref);
  assert.equal(structure.offline, undefined);
  const flagsBefore = await server.flagsOf(USER(), 'INBOX');

  await server.halt();
  try {
    const offlinePage = await live.session.listPage('INBOX', undefined, 10);
    assert.equal(offlinePage.offline, true);
    assert.deepEqual(offlinePage.messages.map((m) => m.id), page.messages.map((m) => m.id));
    assert.equal(live.session.state, 'offline', 'the session says it is offline');
    const bodies = bodiesOf(live);
    assert.deepEqual(await bodies.fetch(address), online);
    assert.equal(bodies.cameFromOfflineCache(address), true);
    // Its part tree still opens: the structure fetched by full identity was kept under its generation.
    const offlineStructure = await fetchStructureOf(live.session.store, ref);
    assert.equal(offlineStructure.offline, true);
    assert.deepEqual(offlineStructure.structure, structure.structure);
    // Another generation's address is not answered from this generation's files.
    await assert.rejects(bodies.fetch({ ...address, uidValidity: (uidValidity ?? 0) + 1 }), (error: unknown) => MailError.is(error) && ['refused', 'network', 'timeout', 'dns'].includes(error.reason));
  } finally {
    await server.startAgain();
  }
  const again = await live.session.listPage('INBOX', undefined, 10);
  assert.equal(again.offline, undefined, 'answered by the server again');
  assert.deepEqual(await server.flagsOf(USER(), 'INBOX'), flagsBefore, 'browsing changed no flag');
});
