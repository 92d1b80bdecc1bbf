import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { DownloadLedger, KeyValueStore, ledgerKey } from '../../src/core/pop3/downloadLedger';

// The ledger of a POP3 download: UIDL → first-downloaded date, written through a key-value store (VS Code's
// globalState in the extension, a Map here), what "leave a copy for N days" and LOGIN-DELAY count from.

const DAY = 86_400_000;
const day = (n: number): Date => new Date(Date.UTC(2026, 0, 1) + n * DAY);

const account: AccountDefinition = { id: 'acc-1', label: 'POP3', protocol: 'pop3', host: 'pop.example.com', port: 110, security: 'starttls', user: 'alice', allowInvalidCertificate: false, useApop: false };

/** A Memento-like store that keeps a JSON copy, as globalState does. */
function memoryStore(): KeyValueStore & { writes: number; data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const store = {
    data,
    writes: 0,
    get: (key: string): unknown => (data.has(key) ? JSON.parse(JSON.stringify(data.get(key))) : undefined),
    update: async (key: string, value: unknown): Promise<void> => {
      store.writes++;
      data.set(key, JSON.parse(JSON.stringify(value)));
    },
  };
  return store;
}

test('a recorded UIDL keeps its first date, and the record survives a new ledger on the same storage', async () => {
  const storage = memoryStore();
  const ledger = new DownloadLedger(account, storage);
  assert.equal(ledger.has('uid-1'), false);
  await ledger.record('uid-1', day(0));
  await ledger.record('uid-1', day(5)); // downloaded again: the first date stays
  await ledger.record('__proto__', day(1)); // any UIDL is a plain key, even this one
  assert.equal(storage.writes, 2);
  const again = new DownloadLedger(account, storage);
  assert.equal(again.size, 2);
  assert.deepEqual(again.firstDownloaded('uid-1'), day(0));
  assert.deepEqual(again.firstDownloaded('__proto__'), day(1));
  assert.equal(again.firstDownloaded('uid-2'), undefined);
  assert.ok(storage.data.has(ledgerKey(account)));
});

test('olderThan: only messages first downloaded MORE than N days ago, and only those still on the server', async () => {
  const ledger = new DownloadLedger(account, memoryStore());
  await ledger.record('day0-a', day(0));
  await ledger.record('day0-b', day(0));
  await ledger.record('day3', day(3));
  const present = ['day0-a', 'day3', 'never-downloaded'];
  assert.deepEqual(ledger.olderThan(7, day(3), present), []);
  assert.deepEqual(ledger.olderThan(7, day(7), present), []); // exactly 7 days: not more
  assert.deepEqual(ledger.olderThan(7, new Date(day(7).getTime() + 1), present), ['day0-a']);
  assert.deepEqual(ledger.olderThan(7, day(10), present), ['day0-a']); // day3 is 7 days old on day 10; day0-b is gone
});

test('keepOnly forgets messages no longer on the server', async () => {
  const storage = memoryStore();
  const ledger = new DownloadLedger(account, storage);
  await ledger.record('a', day(0));
  await ledger.record('b', day(0));
  await ledger.keepOnly(new Set(['b', 'c']));
  assert.equal(new DownloadLedger(account, storage).has('a'), false);
  assert.equal(new DownloadLedger(account, storage).has('b'), true);
});

test('a record made for another server (the account was edited) or an unreadable one starts empty', async () => {
  const storage = memoryStore();
  await new DownloadLedger(account, storage).record('a', day(0));
  assert.equal(new DownloadLedger({ ...account, host: 'other.example.com' }, storage).size, 0);
  assert.equal(new DownloadLedger({ ...account, user: 'bob' }, storage).size, 0);
  storage.data.set(ledgerKey(account), { version: 9, nonsense: true });
  assert.equal(new DownloadLedger(account, storage).size, 0);
  storage.data.set(ledgerKey(account), { version: 1, server: 'alice@pop.example.com:110', downloaded: { good: 5, bad: 'x' } });
  const read = new DownloadLedger(account, storage);
  assert.equal(read.has('good'), true);
  assert.equal(read.has('bad'), false);
});

test('the last login and its LOGIN-DELAY tell when the next login is allowed', async () => {
  const storage = memoryStore();
  const ledger = new DownloadLedger(account, storage);
  assert.equal(ledger.nextLoginAllowed(), undefined);
  await ledger.noteLogin(day(0), 900);
  const again = new DownloadLedger(account, storage);
  assert.equal(again.loginDelay, 900);
  assert.deepEqual(again.nextLoginAllowed(), new Date(day(0).getTime() + 900_000));
  assert.deepEqual(again.nextLoginAllowed(60), new Date(day(0).getTime() + 60_000));
  await again.noteLogin(day(1), undefined);
  assert.equal(again.nextLoginAllowed(), undefined);
});
