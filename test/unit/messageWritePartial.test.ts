import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { ImapStore, WriteContext } from '../../src/core/imap/imapStore';
import { ImapAttribute } from '../../src/core/imap/write/imapCommand';
import { moveMessages, removeMessages } from '../../src/core/imap/write/messageWrites';
import { ImapWriteDeps } from '../../src/core/imap/write/writeContext';
import { Features } from '../../src/core/session/features';
import { SessionEvent, SessionEvents } from '../../src/core/session/sessionEvents';

// A write of several steps whose later step the server refuses. The test Dovecot has no configuration in which
// COPY succeeds and then UID EXPUNGE (or STORE) is refused, so a scripted client answers instead: each command
// gets the tagged reply written here (imapflow's exec() shape), NO for the one that must fail.

interface Sent {
  command: string;
  attributes: readonly ImapAttribute[];
}

const ok = (code?: string[]): unknown => ({
  response: { tag: 'A', command: 'OK', attributes: [...(code ? [{ type: 'ATOM', value: '', section: code.map((value) => ({ type: 'ATOM', value })) }] : []), { type: 'TEXT', value: 'done' }] },
  next: () => undefined,
});

function scripted(refuse: string, capabilities: string[], failure: unknown = Object.assign(new Error('Command failed'), { responseStatus: 'NO', responseText: '[NOPERM] Permission denied' })): { deps: ImapWriteDeps; sent: Sent[]; events: SessionEvent[] } {
  const sent: Sent[] = [];
  const client = {
    enabled: new Set<string>(),
    capabilities: new Map<string, unknown>(),
    exec: (command: string, attributes: readonly ImapAttribute[]): Promise<unknown> => {
      sent.push({ command, attributes });
      if (command === refuse) return Promise.reject(failure);
      return Promise.resolve(command === 'UID COPY' ? ok(['COPYUID', '77', '1:2', '10:11']) : ok());
    },
  };
  const store = {
    write: <T>(_folder: string | undefined, _uidValidity: number | undefined, _signal: unknown, work: (context: WriteContext) => Promise<T>): Promise<T> =>
      work({ client, mailbox: { uidValidity: 5n }, note: () => undefined } as unknown as WriteContext),
  } as unknown as ImapStore;
  const events = new SessionEvents();
  const seen: SessionEvent[] = [];
  events.on((e) => seen.push(e));
  return { deps: { store, events, features: () => Promise.resolve(Features.imap(capabilities)) }, sent, events: seen };
}

test('move without MOVE: COPY done, UID EXPUNGE refused → partial naming the steps done and the server\'s words; no events claim the originals gone', async () => {
  const { deps, sent, events } = scripted('UID EXPUNGE', ['UIDPLUS']);
  await assert.rejects(moveMessages(deps, { folder: 'Src', uidValidity: 5, ids: ['1', '2'] }, 'Dst', undefined), (error: unknown) => {
    assert.ok(MailError.is(error, 'partial'));
    assert.equal(error.message, 'The copies are in "Dst" and the originals in "Src" are marked \\Deleted, but they were not expunged. UID EXPUNGE 1:2 failed: NO [NOPERM] Permission denied');
    assert.deepEqual(error.detail, { kind: 'partial', done: ['UID COPY 1:2 "Dst"', 'UID STORE 1:2 +FLAGS.SILENT (\\Deleted)'], failed: 'UID EXPUNGE 1:2: NO [NOPERM] Permission denied' });
    return true;
  });
  assert.deepEqual(sent.map((s) => s.command), ['UID COPY', 'UID STORE', 'UID EXPUNGE']);
  assert.deepEqual(events, []);
});

test('move without MOVE: STORE refused after COPY → partial saying the originals are unchanged', async () => {
  const { deps } = scripted('UID STORE', ['UIDPLUS']);
  await assert.rejects(moveMessages(deps, { folder: 'Src', uidValidity: 5, ids: ['1', '2'] }, 'Dst', undefined), (error: unknown) => {
    assert.ok(MailError.is(error, 'partial'));
    assert.match(error.message, /^The copies are in "Dst"; the originals in "Src" are unchanged \(not marked \\Deleted\)\. UID STORE 1:2 \+FLAGS\.SILENT \(\\Deleted\) failed: NO \[NOPERM\] Permission denied$/);
    assert.deepEqual(error.detail, { kind: 'partial', done: ['UID COPY 1:2 "Dst"'], failed: 'UID STORE 1:2 +FLAGS.SILENT (\\Deleted): NO [NOPERM] Permission denied' });
    return true;
  });
});

test('the first step refused is no partial: nothing changed, the server\'s words beside ours', async () => {
  const { deps, sent } = scripted('UID COPY', ['UIDPLUS']);
  await assert.rejects(moveMessages(deps, { folder: 'Src', uidValidity: 5, ids: ['1'] }, 'Dst', undefined), (error: unknown) => MailError.is(error, 'server') && error.message === 'Copying 1 message(s) from "Src" to "Dst" was refused; nothing was changed.' && error.serverText === 'NO [NOPERM] Permission denied');
  assert.deepEqual(sent.map((s) => s.command), ['UID COPY']);
});

test('removeMessages: STORE done, UID EXPUNGE refused → partial; without UIDPLUS refused with nothing sent', async () => {
  const { deps } = scripted('UID EXPUNGE', ['UIDPLUS']);
  await assert.rejects(removeMessages(deps, { folder: 'Dst', uidValidity: 5, ids: ['10', '11'] }), (error: unknown) => MailError.is(error, 'partial') && error.detail?.kind === 'partial' && error.detail.failed === 'UID EXPUNGE 10:11: NO [NOPERM] Permission denied');
  const plain = scripted('none', []);
  await assert.rejects(removeMessages(plain.deps, { folder: 'Dst', uidValidity: 5, ids: ['10'] }), (error: unknown) => MailError.is(error, 'unsupported'));
  assert.deepEqual(plain.sent, []);
});

test('a connection lost before the answer to the first step: the user is told it may or may not have been done', async () => {
  const { deps } = scripted('UID MOVE', ['UIDPLUS', 'MOVE'], Object.assign(new Error('Connection not available'), { code: 'NoConnection' }));
  await assert.rejects(moveMessages(deps, { folder: 'Src', uidValidity: 5, ids: ['1'] }, 'Dst', undefined), (error: unknown) => MailError.is(error, 'network') && /^Moving 1 message\(s\) from "Src" to "Dst" got no answer \(.*\): the server may or may not have done it\. Look at the folders before trying again\.$/.test(error.message));
});
