import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountCaches, FolderGeneration } from '../../src/core/mailbox/folderCache';
import { MessageSummary } from '../../src/core/mailStore';
import { SessionEvents } from '../../src/core/session/sessionEvents';

function summary(id: number, flags: string[] = []): MessageSummary {
  return { id: String(id), seq: id, subject: `message ${id}`, from: [], to: [], date: undefined, messageId: undefined, size: 10, flags };
}

test('raw bodies of all folders of an account share one byte budget, least recently used evicted first', () => {
  const caches = new AccountCaches('acct', { maxRawBytes: 10 });
  const inbox = caches.folder('INBOX', 7);
  const sent = caches.folder('Sent', 3);
  inbox.setRaw('1', Buffer.alloc(4, 'a'));
  sent.setRaw('1', Buffer.alloc(4, 'b'));
  assert.ok(inbox.raw('1')); // INBOX 1 is now the most recently used
  inbox.setRaw('2', Buffer.alloc(4, 'c'));
  assert.equal(sent.raw('1'), undefined, 'the least recently used body (in another folder) made room');
  assert.deepEqual(inbox.raw('1'), Buffer.alloc(4, 'a'));
  assert.deepEqual(inbox.raw('2'), Buffer.alloc(4, 'c'));
  assert.equal(caches.rawBytes, 8);
  inbox.setRaw('3', Buffer.alloc(11));
  assert.equal(inbox.raw('3'), undefined, 'a body larger than the whole budget is not held');
  assert.equal(caches.rawBytes, 8, 'and evicts nothing');
});

test('another UIDVALIDITY drops the whole generation: summaries, structures and bodies, and says so', () => {
  const caches = new AccountCaches('acct');
  const dropped: [FolderGeneration, number | undefined][] = [];
  caches.onGenerationDropped((generation, current) => dropped.push([generation, current]));
  const old = caches.folder('INBOX', 100);
  old.addSummaries([summary(1)]);
  old.setStructure('1', { structure: { type: 'text/plain' }, size: 10 });
  old.setRaw('1', Buffer.from('old bytes'));
  assert.equal(caches.folder('INBOX', 100), old, 'the same generation is the same cache');
  assert.equal(caches.folder('INBOX', undefined), old, 'an unknown generation means the current one');

  const fresh = caches.folder('INBOX', 200);
  assert.notEqual(fresh, old);
  assert.equal(old.current, false);
  assert.equal(old.raw('1'), undefined);
  assert.equal(old.summary('1'), undefined);
  assert.equal(old.structure('1'), undefined);
  assert.equal(fresh.raw('1'), undefined, 'UID 1 of the new generation is another message: nothing of the old one shows');
  assert.equal(caches.rawBytes, 0, 'the old bodies left the byte budget');
  assert.deepEqual(dropped, [[{ accountId: 'acct', folder: 'INBOX', uidValidity: 100 }, 200]]);
  assert.equal(caches.isStale('INBOX', 100), true);
  assert.equal(caches.lookup('INBOX', 100), undefined, 'an address of the old generation finds nothing');
  assert.equal(caches.lookup('INBOX', 200), fresh);
});

test('session events: expunged drops, flags update the summary, uidValidity replaces the generation', () => {
  const caches = new AccountCaches('acct');
  const events = new SessionEvents();
  const subscription = caches.follow(events);
  const inbox = caches.folder('INBOX', 5);
  inbox.addSummaries([summary(1), summary(2), summary(3)]);
  inbox.setRaw('2', Buffer.from('two'));
  inbox.setStructure('2', { structure: {}, size: 3 });

  events.emit({ type: 'expunged', folder: 'INBOX', uidValidity: 5, ids: ['2'], vanished: true });
  assert.equal(inbox.summary('2'), undefined);
  assert.equal(inbox.raw('2'), undefined);
  assert.equal(inbox.structure('2'), undefined);
  assert.deepEqual(inbox.summaries().map((s) => s.id), ['3', '1']);

  events.emit({ type: 'flags', folder: 'INBOX', uidValidity: 5, id: '3', flags: ['\\Seen', '\\Flagged'], modseq: '12' });
  assert.deepEqual(inbox.summary('3')?.flags, ['\\Seen', '\\Flagged']);
  events.emit({ type: 'flags', folder: 'INBOX', uidValidity: 4, id: '1', flags: ['\\Seen'] });
  assert.deepEqual(inbox.summary('1')?.flags, [], 'an event of another generation changes nothing');
  events.emit({ type: 'expunged', folder: 'INBOX', uidValidity: 4, ids: ['1'], vanished: false });
  assert.ok(inbox.summary('1'), 'nor does an expunge of another generation');

  events.emit({ type: 'resynced', folder: 'INBOX', method: 'qresync', added: [], removed: ['3'], flagsChanged: [] });
  assert.equal(inbox.summary('3'), undefined, 'a resync reports what went while away');

  events.emit({ type: 'expunged', folder: 'INBOX', uidValidity: 5, ids: [], seqs: [1], vanished: false });
  assert.deepEqual(inbox.summaries(), [], 'an EXPUNGE by sequence number alone leaves no listed position trustworthy');

  inbox.setRaw('1', Buffer.from('one'));
  events.emit({ type: 'uidValidity', folder: 'INBOX', previous: 5, current: 6 });
  assert.equal(inbox.current, false);
  assert.equal(inbox.raw('1'), undefined);
  assert.equal(caches.current('INBOX')?.uidValidity, 6);

  subscription.dispose();
  events.emit({ type: 'uidValidity', folder: 'INBOX', previous: 6, current: 9 });
  assert.equal(caches.current('INBOX')?.uidValidity, 6, 'a disposed subscription follows no more');
});

test('clear() forgets every folder of the account, replacing prefix-keyed clearing', () => {
  const caches = new AccountCaches('acct');
  const inbox = caches.folder('INBOX', 1);
  const other = caches.folder('INBOX.sub', 1); // a folder whose name starts like another's
  inbox.setRaw('1', Buffer.from('x'));
  other.setRaw('1', Buffer.from('y'));
  caches.forgetFolder('INBOX');
  assert.equal(inbox.raw('1'), undefined);
  assert.deepEqual(other.raw('1'), Buffer.from('y'), 'forgetting INBOX leaves INBOX.sub alone');
  caches.clear();
  assert.equal(other.raw('1'), undefined);
  assert.equal(caches.current('INBOX.sub'), undefined);
  assert.equal(caches.rawBytes, 0);
});

test('a listener that throws on a dropped generation leaves the caches consistent', () => {
  const caches = new AccountCaches('acct');
  caches.onGenerationDropped(() => {
    throw new Error('listener failed');
  });
  caches.folder('INBOX', 1).setRaw('1', Buffer.from('x'));
  assert.throws(() => caches.folder('INBOX', 2), /listener failed/);
  assert.equal(caches.current('INBOX')?.uidValidity, 2);
  assert.equal(caches.current('INBOX')?.raw('1'), undefined);
});
