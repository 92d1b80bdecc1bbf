import { strict as assert } from 'node:assert';
import { Server } from 'node:net';
import { after, test } from 'node:test';
import { AccountDefinition, AfterDownload } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { Clock, DownloadLedger, KeyValueStore } from '../../src/core/pop3/downloadLedger';
import { downloadMaildrop, fileNameFor, MessageSink, summarizeDownload } from '../../src/core/pop3/maildropDownload';
import { describeRetention, parseRetention } from '../../src/core/pop3/pop3Retention';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { AccessMode } from '../../src/core/write/mailWriter';
import { scriptedPop3 } from './support/scriptedPop3';

// EXPIRE and LOGIN-DELAY (RFC 2449 §6.5, §6.7). Dovecot does not announce either (its pop3 has no setting for
// them), so the download's respect for them is shown against the scripted fake POP3 server; every other part of
// the download is tested against Dovecot in test/integration/pop3Download.test.ts.

test('EXPIRE and LOGIN-DELAY are read from CAPA lines, with and without USER; malformed lines are left out', () => {
  assert.deepEqual(parseRetention(['TOP', 'UIDL', 'EXPIRE 30', 'LOGIN-DELAY 900']), { expire: { days: 30, perUser: false }, loginDelay: { seconds: 900, perUser: false } });
  assert.deepEqual(parseRetention(['EXPIRE NEVER']), { expire: { days: 'never', perUser: false } });
  assert.deepEqual(parseRetention(['expire never user']), { expire: { days: 'never', perUser: true } });
  assert.deepEqual(parseRetention(['EXPIRE 0']), { expire: { days: 0, perUser: false } });
  assert.deepEqual(parseRetention(['EXPIRE 30 USER', 'LOGIN-DELAY 900 USER']), { expire: { days: 30, perUser: true }, loginDelay: { seconds: 900, perUser: true } });
  assert.deepEqual(parseRetention(['EXPIRE soon', 'EXPIRE 30 DAYS', 'LOGIN-DELAY', 'LOGIN-DELAY -5', 'EXPIRES 3']), {});
  assert.deepEqual(parseRetention(undefined), {});
});

test('the policies are said in plain words, naming the capability', () => {
  assert.match(describeRetention(parseRetention(['EXPIRE 0'])), /deletes every message once it is downloaded.*\(EXPIRE 0\)/);
  assert.match(describeRetention(parseRetention(['EXPIRE NEVER'])), /never deletes messages by itself \(EXPIRE NEVER\)/);
  assert.match(describeRetention(parseRetention(['EXPIRE 30 USER'])), /keeps messages 30 days \(at least; it may differ per user\).*\(EXPIRE 30\)/);
  assert.match(describeRetention(parseRetention(['LOGIN-DELAY 900'])), /one login every 15 minutes \(LOGIN-DELAY 900\)/);
  assert.equal(describeRetention({}), '');
});

test('file names from UIDLs: distinct UIDLs give distinct safe names', () => {
  assert.equal(fileNameFor('000000015a1b2c3d'), '000000015a1b2c3d.eml');
  assert.equal(fileNameFor('a/b'), 'a%2Fb.eml');
  assert.equal(fileNameFor('b'), 'b.eml');
  assert.equal(fileNameFor('..'), '%2E..eml');
  assert.equal(fileNameFor('CON'), '_CON.eml');
  assert.equal(fileNameFor('x:y*z?'), 'x%3Ay%2Az%3F.eml');
});

// The scripted server: three messages; CAPA before and after login as each test says; DELE committed at QUIT.
const MESSAGES = [1, 2, 3].map((i) => Buffer.from(`Subject: Message ${i}\r\nFrom: m${i}@example.com\r\n\r\nBody ${i}\r\n`));
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

interface Script {
  before: string[];
  after: string[];
  /** Refuse PASS with this -ERR text. */
  refuseLogin?: string;
}

async function fake(script: Script): Promise<{ port: number; received: string[]; deleted: Set<number> }> {
  let loggedIn = false;
  let marked = new Set<number>();
  const deleted = new Set<number>();
  const { port, received } = await scriptedPop3(servers, (verb, arg, { reply, multi, end }) => {
    const n = Number(arg);
    const live = MESSAGES.map((m, i) => ({ m, n: i + 1 })).filter((x) => !deleted.has(x.n));
    switch (verb.toUpperCase()) {
      case 'CAPA':
        multi(loggedIn ? script.after : script.before);
        break;
      case 'USER':
        reply('+OK');
        break;
      case 'PASS':
        if (script.refuseLogin) reply(`-ERR ${script.refuseLogin}`);
        else {
          loggedIn = true;
          reply('+OK Logged in');
        }
        break;
      case 'STAT':
        reply(`+OK ${live.length} 100`);
        break;
      case 'UIDL':
        if (arg) reply(`+OK ${n} uid-${n}`);
        else multi(live.map((x) => `${x.n} uid-${x.n}`));
        break;
      case 'LIST':
        multi(live.map((x) => `${x.n} ${x.m.length}`));
        break;
      case 'RETR':
        multi(MESSAGES[n - 1]!.toString('latin1').replace(/\r\n$/, '').split('\r\n'));
        break;
      case 'DELE':
        marked.add(n);
        reply('+OK');
        break;
      case 'RSET':
        marked = new Set();
        reply('+OK');
        break;
      case 'QUIT':
        for (const d of marked) deleted.add(d);
        marked = new Set();
        loggedIn = false;
        reply('+OK');
        end();
        break;
      default:
        reply('-ERR unknown command');
    }
  });
  return { port, received, deleted };
}

function storeOn(port: number, access: AccessMode = 'read-only'): Pop3Store {
  const account: AccountDefinition = { id: 'fake', label: 'fake POP3', protocol: 'pop3', host: '127.0.0.1', port, security: 'none', user: 'u', allowInvalidCertificate: false, useApop: false, access };
  return new Pop3Store(account, 'secret-pw', new TrafficTap(() => undefined, { maxLiteralBytes: 1000 }), { limits: DEFAULT_LIMITS });
}

function memory(): KeyValueStore {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), update: async (k, v) => void data.set(k, v) };
}

function memorySink(): MessageSink & { files: Map<string, Buffer> } {
  const files = new Map<string, Buffer>();
  return { files, write: async (name, bytes) => (files.set(name, bytes), `/mem/${name}`) };
}

class FakeClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at += seconds * 1000;
  }
}

const KEEP: AfterDownload = { policy: 'keep' };

test('EXPIRE 0 on a read-only account: refused after login, before UIDL or any RETR (the server would delete what it hands out)', async () => {
  const { port, received, deleted } = await fake({ before: ['USER', 'UIDL'], after: ['USER', 'UIDL', 'EXPIRE 0'] });
  const store = storeOn(port);
  const sink = memorySink();
  await assert.rejects(
    downloadMaildrop({ store, ledger: new DownloadLedger(store.account, memory()), clock: new FakeClock(0), sink, policy: KEEP, access: 'read-only' }),
    (err: unknown) => MailError.is(err, 'readOnly') && /EXPIRE 0/.test(err.message),
  );
  assert.ok(!received.some((l) => /^(UIDL|RETR|DELE)/.test(l)), received.join(' | '));
  assert.equal(sink.files.size, 0);
  assert.equal(deleted.size, 0);
  // Announced before login (as the store now knows): refused before any connection.
  const { port: port2, received: received2 } = await fake({ before: ['USER', 'UIDL', 'EXPIRE 0'], after: ['USER', 'UIDL', 'EXPIRE 0'] });
  const store2 = storeOn(port2);
  await store2.capabilities();
  const sessions = received2.length;
  await assert.rejects(downloadMaildrop({ store: store2, ledger: new DownloadLedger(store2.account, memory()), clock: new FakeClock(0), sink, policy: KEEP, access: 'read-only' }), (err: unknown) => MailError.is(err, 'readOnly'));
  assert.equal(received2.length, sessions);
});

test('EXPIRE 0 on a read-write account with "keep": the download goes ahead and the result says the server deletes them anyway', async () => {
  const { port } = await fake({ before: ['USER', 'UIDL'], after: ['USER', 'UIDL', 'EXPIRE 0'] });
  const store = storeOn(port, 'read-write');
  const sink = memorySink();
  const result = await downloadMaildrop({ store, ledger: new DownloadLedger(store.account, memory()), clock: new FakeClock(0), sink, policy: KEEP, access: 'read-write' });
  assert.equal(result.downloaded.length, 3);
  assert.deepEqual(result.deleted, []);
  assert.equal(result.retention.expire?.days, 0);
  assert.match(result.notices.join(' '), /EXPIRE 0/);
  assert.match(summarizeDownload(result, '/tmp/x'), /deletes every message once it is downloaded/);
});

test('LOGIN-DELAY: a second download sooner than the delay sends nothing and says when it is allowed; the per-user value after login counts', async () => {
  // Before login the server says "at least 60 seconds, per user"; after login this user's delay is 900 seconds.
  const { port, received } = await fake({ before: ['USER', 'UIDL', 'LOGIN-DELAY 60 USER'], after: ['USER', 'UIDL', 'LOGIN-DELAY 900'] });
  const store = storeOn(port);
  const ledger = new DownloadLedger(store.account, memory());
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const sink = memorySink();
  const first = await downloadMaildrop({ store, ledger, clock, sink, policy: KEEP, access: 'read-only' });
  assert.equal(first.downloaded.length, 3);
  assert.deepEqual(first.retention.loginDelay, { seconds: 900, perUser: false });
  assert.equal(first.nextLogin?.toISOString(), '2026-01-01T12:15:00.000Z');
  assert.match(summarizeDownload(first, '/tmp/x'), /one login every 15 minutes \(LOGIN-DELAY 900\).*next login is allowed from 2026-01-01T12:15:00.000Z/);

  const sent = received.length;
  clock.advance(100);
  await assert.rejects(
    downloadMaildrop({ store, ledger, clock, sink, policy: KEEP, access: 'read-only' }),
    (err: unknown) => MailError.is(err, 'server') && /LOGIN-DELAY 900/.test(err.message) && /allowed from 2026-01-01T12:15:00.000Z \(in 800 seconds\)/.test(err.message),
  );
  assert.equal(received.length, sent, 'a session was opened sooner than LOGIN-DELAY allows');

  clock.advance(800);
  const second = await downloadMaildrop({ store, ledger, clock, sink, policy: KEEP, access: 'read-only' });
  assert.equal(second.downloaded.length, 0);
  assert.equal(second.skipped, 3);
  assert.ok(received.length > sent);
});

test('a login the server refuses with [LOGIN-DELAY] is said in plain words, with the server\'s own', async () => {
  const { port, received } = await fake({ before: ['USER', 'UIDL'], after: [], refuseLogin: '[LOGIN-DELAY] wait 15 minutes between logins' });
  const store = storeOn(port);
  await assert.rejects(
    downloadMaildrop({ store, ledger: new DownloadLedger(store.account, memory()), clock: new FakeClock(0), sink: memorySink(), policy: KEEP, access: 'read-only' }),
    (err: unknown) => MailError.is(err, 'server') && /previous one was too recent \(LOGIN-DELAY\)/.test(err.message) && err.serverText === '[LOGIN-DELAY] wait 15 minutes between logins',
  );
  assert.ok(!received.some((l) => /^(UIDL|RETR)/.test(l)));
});

test('EXPIRE shorter than "leave a copy for N days": the result says the server may delete sooner', async () => {
  const { port, deleted } = await fake({ before: ['USER', 'UIDL'], after: ['USER', 'UIDL', 'EXPIRE 3'] });
  const store = storeOn(port, 'read-write');
  const result = await downloadMaildrop({ store, ledger: new DownloadLedger(store.account, memory()), clock: new FakeClock(0), sink: memorySink(), policy: { policy: 'leaveCopy', days: 7 }, access: 'read-write' });
  assert.equal(result.downloaded.length, 3);
  assert.deepEqual(result.deleted, []);
  assert.equal(deleted.size, 0);
  assert.match(result.notices.join(' '), /keeps messages only 3 days \(EXPIRE 3\), fewer than the 7 days/);
});
