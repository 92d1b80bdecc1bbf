import { fromNodeError, MailError } from '../errors';
import { Cancel, MailStore, MessageRef } from '../mailStore';
import type { AccountSession } from '../session/accountSession';
import { readOnlyError } from './guardedWriter';
import { MessageSet, UndoAvailability, WriteProgress } from './mailWriter';

// Copy or move messages to a folder of ANOTHER account: no server can COPY between accounts, so each message is
// fetched from the source (exact bytes by BODY.PEEK[], flags, INTERNALDATE) and APPENDed to the target with them;
// a move then removes from the source exactly the messages that were appended (STORE \Deleted + UID EXPUNGE).
// One message at a time, so progress is reported and a cancel takes effect between messages.

/** What a transfer takes of one message. ImapStore.fetchForTransfer gives all three; other stores give the bytes only. */
export interface TransferMessage {
  readonly bytes: Buffer;
  /** Its flags and keywords, without \Recent. */
  readonly flags: readonly string[];
  readonly internalDate: Date | undefined;
}

interface TransferSource {
  fetchForTransfer(ref: MessageRef, signal?: Cancel): Promise<TransferMessage>;
}

export interface CrossAccountOptions {
  /** Move (remove from the source what was appended) or copy. */
  readonly move: boolean;
  readonly onProgress?: WriteProgress;
  /** Checked between messages: what was transferred stays transferred (and, for a move, removed from the source). */
  readonly signal?: Cancel;
}

export interface CrossAccountResult {
  readonly sourceFolder: string;
  readonly target: { readonly folder: string; readonly uidValidity: number | undefined };
  /** Each message transferred, in order: its id in the source and its UID in the target (APPENDUID; undefined without UIDPLUS). */
  readonly transferred: readonly { readonly sourceId: string; readonly targetId: string | undefined }[];
  /** A move: the source ids removed (exactly the transferred ones). A copy: none. */
  readonly removed: readonly string[];
  /** Source ids not transferred because the user cancelled. */
  readonly notTransferred: readonly string[];
  readonly cancelled: boolean;
  /** A copy: remove the copies in the target (run with the target session's writer.undo). A move: not offered. */
  readonly undo: UndoAvailability;
}

function storeOf(session: AccountSession): MailStore {
  const store = session.store as MailStore & { readonly origin?: MailStore };
  return store.origin ?? store;
}

async function fetchOne(store: MailStore, ref: MessageRef, signal: Cancel | undefined): Promise<TransferMessage> {
  const source = store as Partial<TransferSource> & MailStore;
  if (typeof source.fetchForTransfer === 'function') return source.fetchForTransfer(ref, signal);
  // A store without flags or internal dates (POP3): the bytes alone, the server then dates it now.
  return { bytes: await store.fetchRaw(ref.folder, ref.id, signal), flags: [], internalDate: undefined };
}

function label(session: AccountSession): string {
  return session.store.account.label;
}

/**
 * Copies or moves `set` (messages of `source`) into `targetFolder` of the `target` account by FETCH + APPEND.
 * Refused before anything is sent when the target is read-only, or for a move when the source is read-only or
 * cannot remove exactly these messages (no UIDPLUS). A failure part way throws MailError 'partial' saying how
 * many were transferred (and, for a move, whether their originals were removed); a cancel returns with
 * `cancelled` and what was done.
 */
export async function transferBetweenAccounts(source: AccountSession, set: MessageSet, target: AccountSession, targetFolder: string, options: CrossAccountOptions): Promise<CrossAccountResult> {
  const { move, signal, onProgress } = options;
  if (source === target) throw new MailError('config', 'Both are the same account: copy or move within it (the server does it without downloading).');
  if (set.ids.length === 0) throw new MailError('config', 'No messages were chosen.');
  if (target.access !== 'read-write') throw readOnlyError(label(target), 'uploading a message');
  if (move && source.access !== 'read-write') throw readOnlyError(label(source), 'moving messages');
  if (move && source.store.account.protocol === 'imap') {
    const features = source.features ?? (await source.connect(signal));
    if (!features.supports('uidplus')) {
      throw new MailError('unsupported', `Moving to another account removes the originals with UID EXPUNGE (UIDPLUS), which "${label(source)}" does not offer; nothing was transferred. Copy them instead.`);
    }
  }
  const store = storeOf(source);
  const transferred: { sourceId: string; targetId: string | undefined }[] = [];
  let targetUidValidity: number | undefined;
  const total = set.ids.length;
  onProgress?.(0, total);
  let failure: { id: string; error: unknown } | undefined;
  let cancelled = false;
  for (const id of set.ids) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    try {
      // The fetch (a read) can be cancelled mid-way; the APPEND is not: once sent, the server may have stored it.
      const message = await fetchOne(store, { folder: set.folder, uidValidity: set.uidValidity, id }, signal);
      const appended = await target.writer.appendMessage(targetFolder, message.bytes, { flags: message.flags, ...(message.internalDate ? { internalDate: message.internalDate } : {}) });
      targetUidValidity = appended.uidValidity ?? targetUidValidity;
      transferred.push({ sourceId: id, targetId: appended.uid === undefined ? undefined : String(appended.uid) });
      onProgress?.(transferred.length, total, `UID ${id}`);
    } catch (error) {
      if (signal?.aborted && MailError.is(error, 'cancelled')) cancelled = true;
      else failure = { id, error };
      break;
    }
  }

  const doneIds = transferred.map((t) => t.sourceId);
  let removed: readonly string[] = [];
  let removalError: unknown;
  if (move && doneIds.length > 0) {
    try {
      removed = (await source.writer.removeMessages({ folder: set.folder, uidValidity: set.uidValidity, ids: doneIds })).removed;
    } catch (error) {
      removalError = error;
    }
  }
  const where = `"${targetFolder}" on "${label(target)}"`;
  if (failure || removalError !== undefined) {
    if (failure && doneIds.length === 0) throw failure.error;
    const done = transferred.map((t) => `APPEND UID ${t.sourceId} to ${where}${t.targetId ? ` (UID ${t.targetId} there)` : ''}`);
    const words = (error: unknown): string => {
      const mapped = MailError.is(error) ? error : fromNodeError(error, 'server');
      return (mapped.serverText ? `${mapped.message} ${mapped.serverText}` : mapped.message).replace(/\.$/, '');
    };
    const parts: string[] = [`${doneIds.length} of ${total} message(s) were ${move && removalError === undefined ? 'moved' : 'copied'} to ${where}.`];
    if (failure) parts.push(`Stopped at UID ${failure.id}: ${words(failure.error)}. The other ${total - doneIds.length} are still only in "${set.folder}".`);
    if (removalError !== undefined) parts.push(`The originals of those copied are still in "${set.folder}": removing them failed: ${words(removalError)}`);
    const failedStep = removalError !== undefined ? `remove the originals in "${set.folder}": ${words(removalError)}` : `APPEND UID ${failure!.id}: ${words(failure!.error)}`;
    throw new MailError('partial', parts.join(' '), undefined, { cause: failure?.error ?? removalError, detail: { kind: 'partial', done, failed: failedStep } });
  }
  const targetIds = transferred.map((t) => t.targetId);
  const undo: UndoAvailability = move
    ? { possible: false, why: 'the originals were removed from the source account; moving them back would upload them again as new messages' }
    : targetIds.length > 0 && targetIds.every((t) => t !== undefined)
      ? { possible: true, plan: { kind: 'removeCopies', folder: targetFolder, uidValidity: targetUidValidity, ids: targetIds as string[] } }
      : { possible: false, why: 'the target server did not say which UIDs the uploaded copies got (no UIDPLUS), so they cannot be found again safely' };
  return {
    sourceFolder: set.folder,
    target: { folder: targetFolder, uidValidity: targetUidValidity },
    transferred,
    removed,
    notTransferred: set.ids.slice(doneIds.length),
    cancelled,
    undo: cancelled && targetIds.length === 0 ? { possible: false, why: 'nothing was transferred' } : undo,
  };
}
