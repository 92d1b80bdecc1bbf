import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { OfflineBackend, offlineStore } from '../../src/core/mailbox/offlineBackend';
import { OfflineCache } from '../../src/core/mailbox/offlineCache';
import { FolderInfo, MailStore, MessagePage } from '../../src/core/mailStore';
import { FolderWatch, LiveBackend, PageCursor, SessionPage } from '../../src/core/session/accountSession';
import { Features } from '../../src/core/session/features';

// The session's offline wrapper: it changes what is cached, never what an account can do (a POP3 store's
// "Check for New Mail" and "Delete from Server" stay reachable through it), and the session's own pages (by cursor)
// are answered from the cache when the server cannot be reached. The backend here is in memory, because what is
// tested is the wrapper; the same against Dovecot is in test/integration/documentGenerations.test.ts.

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function cache(): OfflineCache {
  const dir = mkdtempSync(join(tmpdir(), 'mi-offline-backend-'));
  dirs.push(dir);
  return new OfflineCache({ directory: dir });
}

const ACCOUNT = { id: 'pop', protocol: 'pop3' } as unknown as AccountDefinition;

class Pop3Like implements MailStore {
  readonly account = ACCOUNT;
  deleted: string[] = [];
  checks = 0;
  async listFolders(): Promise<FolderInfo[]> {
    return [];
  }
  async listMessages(): Promise<MessagePage> {
    return { total: 0, messages: [], nextOffset: undefined };
  }
  async fetchRaw(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async close(): Promise<void> {}
  async deleteMessage(id: string): Promise<void> {
    this.deleted.push(id);
  }
  async checkForNewMail(): Promise<{ added: string[]; removed: string[]; total: number; baseline: boolean }> {
    this.checks++;
    return { added: ['u9'], removed: [], total: 9, baseline: false };
  }
}

test('the wrapper forwards the store\'s own methods (bound to it) and names it as origin', async () => {
  const inner = new Pop3Like();
  const store = offlineStore(inner, cache()) as unknown as Pop3Like & { origin: MailStore };
  await store.deleteMessage('u1');
  assert.deepEqual(inner.deleted, ['u1']);
  assert.deepEqual((await store.checkForNewMail()).added, ['u9']);
  assert.equal(inner.checks, 1);
  assert.equal(store.origin, inner);
  assert.equal((store as unknown as Record<string, unknown>).folderState, undefined, 'what the store lacks, the wrapper lacks too');
});

class FlakyBackend implements LiveBackend {
  readonly store = new Pop3Like();
  reachable = true;
  knownFeatures(): Features | undefined {
    return undefined;
  }
  async connect(): Promise<Features> {
    return Features.pop3([]);
  }
  async watch(): Promise<FolderWatch> {
    throw new Error('not used');
  }
  async listPage(_folder: string, cursor: PageCursor | undefined): Promise<SessionPage> {
    if (!this.reachable) throw new MailError('refused', 'connection refused');
    const offset = cursor?.kind === 'offset' ? cursor.offset : 0;
    const summary = { id: `u${offset + 1}`, seq: offset + 1, subject: 's', from: [], to: [], date: undefined, messageId: undefined, size: 1, flags: [] };
    return { total: 2, messages: [summary], nextOffset: offset === 0 ? 1 : undefined, next: offset === 0 ? { kind: 'offset', offset: 1 } : undefined };
  }
}

test('pages by cursor are kept and, with the server unreachable, answered from the cache marked offline (cursor kept)', async () => {
  const inner = new FlakyBackend();
  const offlineChanges: boolean[] = [];
  const backend = new OfflineBackend(inner, cache(), { onOfflineChange: (offline) => offlineChanges.push(offline) });
  const first = await backend.listPage('INBOX', undefined, 1);
  const second = await backend.listPage('INBOX', first.next, 1);
  inner.reachable = false;
  const offlineFirst = await backend.listPage('INBOX', undefined, 1);
  assert.equal(offlineFirst.offline, true);
  assert.deepEqual(offlineFirst.next, { kind: 'offset', offset: 1 });
  const offlineSecond = await backend.listPage('INBOX', offlineFirst.next, 1);
  assert.deepEqual(offlineSecond.messages.map((m) => m.id), second.messages.map((m) => m.id));
  await assert.rejects(backend.listPage('INBOX', undefined, 50), (e: unknown) => MailError.is(e, 'refused'), 'a page never fetched is not invented');
  inner.reachable = true;
  assert.equal((await backend.listPage('INBOX', undefined, 1)).offline, undefined);
  assert.deepEqual(offlineChanges, [true, false]);
});
