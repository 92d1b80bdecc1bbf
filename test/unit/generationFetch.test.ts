import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { fetchPartOf, fetchRawOf, fetchStructureOf } from '../../src/core/documents/generationFetch';
import { MailError } from '../../src/core/errors';
import { FolderInfo, MailStore, MessagePage, MessageRef, MessageStructure, PartFetch } from '../../src/core/mailStore';

// Structures and parts of a message are fetched for its own generation: by the store's generation-checked calls
// where it (or the store it wraps) has them, else the answer's UIDVALIDITY is compared. Small in-memory stores: the
// Dovecot case is test/integration/documentGenerations.test.ts.

const ACCOUNT = { id: 'a', protocol: 'imap' } as unknown as AccountDefinition;

class PlainStore implements MailStore {
  readonly account = ACCOUNT;
  calls: string[] = [];
  constructor(private readonly uidValidity: number) {}
  async listFolders(): Promise<FolderInfo[]> {
    return [];
  }
  async listMessages(): Promise<MessagePage> {
    return { total: 0, messages: [], nextOffset: undefined };
  }
  async fetchRaw(_f: string, id: string): Promise<Buffer> {
    this.calls.push(`raw ${id}`);
    return Buffer.from('bytes');
  }
  async fetchStructure(_f: string, id: string): Promise<MessageStructure & { uidValidity: number }> {
    this.calls.push(`structure ${id}`);
    return { structure: { type: 'text/plain' }, size: 5, uidValidity: this.uidValidity };
  }
  async fetchPart(_f: string, id: string, section: string): Promise<PartFetch> {
    this.calls.push(`part ${id} ${section}`);
    return { bytes: Buffer.from('part'), wireBytes: 4 };
  }
  async close(): Promise<void> {}
}

/** What ImapStore offers besides: the same calls by full identity. */
class CheckingStore extends PlainStore {
  async fetchPartAt(ref: MessageRef, section: string): Promise<PartFetch> {
    this.calls.push(`partAt ${ref.uidValidity}/${ref.id} ${section}`);
    return { bytes: Buffer.from('checked part'), wireBytes: 12 };
  }
  async fetchRawAt(ref: MessageRef): Promise<Buffer> {
    this.calls.push(`rawAt ${ref.uidValidity}/${ref.id}`);
    return Buffer.from('checked bytes');
  }
}

/** A wrapper (like the offline cache's) that names the store inside as `origin`. */
function wrapped(inner: MailStore): MailStore {
  return { account: ACCOUNT, origin: inner, listFolders: () => inner.listFolders(), listMessages: () => inner.listMessages('', 0, 0), fetchRaw: (f: string, id: string) => inner.fetchRaw(f, id), close: async () => undefined } as MailStore;
}

test('a structure whose UIDVALIDITY is not the address\'s is refused as an earlier generation', async () => {
  const store = new PlainStore(456);
  await assert.rejects(fetchStructureOf(store, { folder: 'INBOX', uidValidity: 123, id: '7' }), (error: unknown) => {
    assert.ok(MailError.is(error, 'notFound'));
    assert.deepEqual(error.detail, { kind: 'staleGeneration', folder: 'INBOX', uidValidity: 123, current: 456 });
    assert.match(error.message, /earlier generation of the folder "INBOX" \(UIDVALIDITY 123, now 456\)/);
    return true;
  });
  assert.equal((await fetchStructureOf(store, { folder: 'INBOX', uidValidity: 456, id: '7' })).size, 5);
  assert.equal((await fetchStructureOf(store, { folder: 'INBOX', uidValidity: undefined, id: '7' })).size, 5, 'no generation (POP3-like): no check');
});

test('parts and raw bytes go through the generation-checked calls, also of a wrapped store', async () => {
  const inner = new CheckingStore(123);
  const store = wrapped(inner);
  assert.equal((await fetchRawOf(store, { folder: 'INBOX', uidValidity: 123, id: '7' })).checked, true);
  assert.equal((await fetchPartOf(inner, { folder: 'INBOX', uidValidity: 123, id: '7' }, '1')).bytes.toString(), 'checked part');
  assert.deepEqual(inner.calls, ['rawAt 123/7', 'partAt 123/7 1']);
  const plain = await fetchRawOf(store, { folder: 'INBOX', uidValidity: undefined, id: '8' });
  assert.equal(plain.checked, false, 'without a generation the bytes are not vouched for');
  assert.deepEqual(inner.calls.slice(2), ['raw 8']);
});
