import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { ImapStore } from '../../src/core/imap/imapStore';
import { PageCursor } from '../../src/core/session/accountSession';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, liveSession, seedMessages } from './support/liveFixture';

// A whole live session (list every folder page by page, watch folders with IDLE restarts, open messages, their
// structure and parts, unwatch, close), read-only and read-write alike, changes nothing on the server: flags and MODSEQs of every folder are the
// same before and after, and no command that writes is ever sent.
let server: DovecotServer;
const USER = () => server.users[0]!.user;
const FOLDERS = ['INBOX', 'Reports', 'Reports/2026', 'Mixed'];

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'INBOX', [...seedMessages('unread', 4, ''), ...seedMessages('seen', 3, 'S')]);
  await server.addMessages(USER(), 'Reports', seedMessages('flagged', 5, 'FS'));
  await server.addMessages(USER(), 'Reports/2026', seedMessages('answered', 3, 'R'));
  await server.addMessages(USER(), 'Mixed', [...seedMessages('draft', 2, 'D'), ...seedMessages('deleted', 2, 'T'), ...seedMessages('plain', 2, '')]);
});

after(async () => {
  await server?.stop();
});

/** `uid flags modseq` of every message of every folder, read by doveadm (\Recent left out: it is per session). */
async function snapshot(): Promise<string> {
  const rows: string[] = [];
  for (const folder of FOLDERS) {
    const out = await server.doveadm(['-f', 'tab', 'fetch', '-u', USER(), 'uid flags modseq', 'mailbox', folder, 'all']);
    for (const line of out.split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [uid, flags = '', modseq] = line.split('\t');
      rows.push(`${folder}\t${uid}\t${flags.split(' ').filter((f) => f !== '\\Recent').sort().join(' ')}\t${modseq}`);
    }
  }
  return rows.join('\n');
}

for (const access of ['read-only', 'read-write'] as const) {
  test(`browsing a ${access} session changes nothing: flags and MODSEQs of every folder are identical before and after a whole live session`, () => browseEverything(access));
}

async function browseEverything(access: 'read-only' | 'read-write'): Promise<void> {
  const before_ = await snapshot();
  assert.match(before_, /INBOX\t1\t\t\d+/, 'the snapshot holds flags and MODSEQs');
  const h = liveSession(server, { imap: { idleRestartMs: 300 } });
  // Read-write allows writes through session.writer; browsing must still EXAMINE and BODY.PEEK only.
  h.session.setAccess(access);
  assert.equal(h.session.access, access);
  const store = h.session.store as ImapStore;
  for (const folder of FOLDERS) {
    let cursor: PageCursor | undefined;
    do {
      const page = await h.session.listPage(folder, cursor, 2);
      for (const m of page.messages) {
        const ref = { folder, uidValidity: page.uidValidity, id: m.id };
        await store.fetchRawAt(ref);
        await store.fetchStructureAt(ref);
        await store.fetchPartAt(ref, '1');
        await store.fetchPartAt(ref, 'HEADER');
      }
      cursor = page.next;
    } while (cursor);
    await h.session.watch(folder);
    await new Promise((resolve) => setTimeout(resolve, 700)); // IDLE restarted at least once
  }
  await h.session.unwatch();
  await h.session.store.listFolders();
  await h.session.close();
  await h.waitFor(isEvent('connection', (e) => e.state === 'closed'), 1);

  assert.equal(await snapshot(), before_);
  const sent = h.lines.filter((l) => l.direction === 'client').map((l) => l.text);
  assert.ok(sent.some((t) => / IDLE$/.test(t)) && sent.some((t) => / EXAMINE /.test(t)), 'the session did watch');
  const writes = sent.filter((t) => /^\S+ (UID )?(STORE|SELECT|EXPUNGE|COPY|MOVE|APPEND|CREATE|DELETE|RENAME|SUBSCRIBE|UNSUBSCRIBE|CLOSE)\b/i.test(t) || /\bBODY\[/i.test(t));
  assert.deepEqual(writes, [], 'no command that can change the server (SELECT, STORE, CLOSE, BODY[] without PEEK…)');
}
