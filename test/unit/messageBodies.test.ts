import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { DroppedGeneration, MessageBodies } from '../../src/core/documents/messageBodies';
import { MailError } from '../../src/core/errors';
import { FolderInfo, MailStore, MessagePage, MessageRef } from '../../src/core/mailStore';

// The documents' raw-message cache, by full identity {account, folder, UIDVALIDITY, UID}. The store is a small
// in-memory one: these tests are about what the cache serves and refuses (the Dovecot case, a folder deleted and
// created again, is in test/integration/documentGenerations.test.ts).

const ACCOUNT = { id: 'acct', protocol: 'imap' } as unknown as AccountDefinition;

/** A folder whose generation can be replaced; fetchRawAt refuses another generation like ImapStore does. */
class FakeStore implements MailStore {
  readonly account = ACCOUNT;
  uidValidity = 100;
  messages = new Map<string, string>([['1', 'old message one']]);
  fetches = 0;
  async listFolders(): Promise<FolderInfo[]> {
    return [];
  }
  async listMessages(): Promise<MessagePage> {
    return { total: 0, messages: [], nextOffset: undefined };
  }
  async fetchRaw(_folder: string, id: string): Promise<Buffer> {
    this.fetches++;
    const text = this.messages.get(id);
    if (text === undefined) throw new MailError('notFound', 'gone');
    return Buffer.from(text);
  }
  async fetchRawAt(ref: MessageRef): Promise<Buffer> {
    if (ref.uidValidity !== undefined && ref.uidValidity !== this.uidValidity) {
      this.fetches++;
      throw new MailError('notFound', 'server refusal', undefined, { detail: { kind: 'staleGeneration', folder: ref.folder, uidValidity: ref.uidValidity, current: this.uidValidity } });
    }
    return this.fetchRaw(ref.folder, ref.id);
  }
  async close(): Promise<void> {}
  recreate(): void {
    this.uidValidity = 200;
    this.messages = new Map([['1', 'NEW message one']]);
  }
}

function setup(): { store: FakeStore; bodies: MessageBodies; dropped: DroppedGeneration[] } {
  const store = new FakeStore();
  const bodies = new MessageBodies({ get: (id) => (id === ACCOUNT.id ? ACCOUNT : undefined), store: async () => store });
  const dropped: DroppedGeneration[] = [];
  bodies.onGenerationDropped((d) => dropped.push(d));
  return { store, bodies, dropped };
}

const OLD = { accountId: 'acct', folderPath: 'INBOX', messageId: '1', uidValidity: 100 };
const NEW = { ...OLD, uidValidity: 200 };

function isStale(error: unknown): boolean {
  return MailError.is(error, 'notFound') && error.detail?.kind === 'staleGeneration' && /earlier generation of the folder "INBOX" \(UIDVALIDITY 100, now 200\)/.test(error.message);
}

test('a message is fetched once and then served from its generation\'s cache', async () => {
  const { store, bodies } = setup();
  const [a, b] = await Promise.all([bodies.fetch(OLD), bodies.fetch(OLD)]);
  assert.equal(a.toString(), 'old message one');
  assert.equal(b.toString(), 'old message one');
  assert.equal((await bodies.fetch(OLD)).toString(), 'old message one');
  assert.equal(store.fetches, 1);
  assert.equal(bodies.cached(OLD)?.toString(), 'old message one');
  assert.equal(bodies.cached(NEW), undefined, 'the same UID of another generation is not this message');
});

test('after the folder was re-created, the old address is refused by the server and then locally, never answered with the new message', async () => {
  const { store, bodies, dropped } = setup();
  await bodies.fetch(OLD);
  store.recreate();
  // The cache does not know yet: the old bytes are still this (old) message's own, so they may be shown...
  assert.equal((await bodies.fetch(OLD)).toString(), 'old message one');
  // ...until the new generation is seen (a listing of it): then the old one is dropped and open documents told.
  bodies.noteGeneration('acct', 'INBOX', 200);
  assert.deepEqual(dropped, [{ accountId: 'acct', folder: 'INBOX', uidValidity: 100, current: 200 }]);
  assert.equal(bodies.cached(OLD), undefined);
  const before = store.fetches;
  await assert.rejects(bodies.fetch(OLD), isStale);
  assert.equal(store.fetches, before, 'refused locally, without asking the server');
  assert.equal((await bodies.fetch(NEW)).toString(), 'NEW message one');
});

test('a server refusal (staleGeneration) drops the old generation and is reported in the same words', async () => {
  const { store, bodies, dropped } = setup();
  store.recreate();
  await assert.rejects(bodies.fetch(OLD), isStale);
  assert.deepEqual(dropped, [{ accountId: 'acct', folder: 'INBOX', uidValidity: 100, current: 200 }]);
  await assert.rejects(bodies.fetch(OLD), isStale);
  assert.equal(store.fetches, 1);
});

test('a session\'s uidValidity event marks the old generation gone even when nothing of it was held', async () => {
  const { bodies, dropped } = setup();
  bodies.apply('acct', { type: 'uidValidity', folder: 'INBOX', previous: 100, current: 200 });
  assert.equal(dropped.length, 1);
  assert.throws(() => bodies.checkCurrent(OLD), isStale);
  bodies.apply('acct', { type: 'uidValidity', folder: 'INBOX', previous: 200, current: 300 });
  assert.deepEqual(bodies.staleness(OLD), { current: 300 }, 'an old address names the newest generation');
});

test('without a generation (POP3) bodies are cached by id; expunges drop them', async () => {
  const { store, bodies } = setup();
  const pop = { accountId: 'acct', folderPath: 'INBOX', messageId: '1' };
  await bodies.fetch(pop);
  await bodies.fetch(pop);
  assert.equal(store.fetches, 1);
  bodies.apply('acct', { type: 'expunged', folder: 'INBOX', uidValidity: undefined, ids: ['1'], vanished: false });
  assert.equal(bodies.cached(pop), undefined);
});
