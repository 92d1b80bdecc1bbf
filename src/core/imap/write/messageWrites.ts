import { fromNodeError, MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { Features } from '../../session/features';
import { AppendResult, DeleteResult, MessageSet, TransferPlan, TransferResult, UndoAvailability, UndoPlan } from '../../write/mailWriter';
import { WriteContext } from '../imapStore';
import { CopyUid, parseAppendUid, parseCopyUid } from './copyUid';
import { normalizeFlag } from './flagNames';
import { ImapAttribute, responseCode, runCommand, uidSequence } from './imapCommand';
import { imapDateTime } from './internalDate';
import { mailboxAttribute } from './mailboxName';
import { findTrash } from './trash';
import { expungedSeqs, fetchedFlags, searchNumbers } from './untaggedReplies';
import { ImapWriteDeps } from './writeContext';

// Copy, move, delete, expunge, append and their undo, each as the exact commands RFC 3501, 4315 (UIDPLUS) and 6851
// (MOVE) give, sent through runCommand on a folder SELECTed read-write for the write only (ImapStore.write). A step
// that fails after an earlier one changed the server ends in MailError 'partial' naming what was done. COPYUID and
// APPENDUID are read only where the server announces UIDPLUS (a server that does not has made no such promise).

const NO_COPYUID = 'the server did not say which UIDs the copies got (no UIDPLUS), so they cannot be found again safely';
const DELETED: ImapAttribute = [{ type: 'ATOM', value: '\\Deleted' }];

type MoveMethod = TransferResult['method'];

function methodFor(features: Features): Exclude<MoveMethod, 'copy'> {
  if (features.supports('move')) return 'move';
  return features.supports('uidplus') ? 'copyExpunge' : 'copyMarkDeleted';
}

function checkedSet(set: MessageSet): string {
  if (set.ids.length === 0) throw new MailError('config', 'No messages were chosen.');
  return uidSequence(set.ids);
}

function uidValidityOf(context: WriteContext): number | undefined {
  return context.mailbox ? Number(context.mailbox.uidValidity) : undefined;
}

/** The command as the traffic shows it, for "done" and "failed" in a partial failure. */
function described(command: string, sequence: string, rest = ''): string {
  return `${command} ${sequence}${rest ? ` ${rest}` : ''}`;
}

function serverWords(error: unknown): string {
  const mapped = MailError.is(error) ? error : fromNodeError(error, 'server');
  return mapped.serverText ?? mapped.message;
}

/** A later step failed after earlier ones changed the server: say exactly what is where now. */
function partial(done: readonly string[], failedStep: string, error: unknown, state: string): MailError {
  const mapped = MailError.is(error) ? error : fromNodeError(error, 'server');
  const words = serverWords(error);
  return new MailError('partial', `${state} ${failedStep} failed: ${words}`, mapped.serverText, {
    cause: error,
    detail: { kind: 'partial', done, failed: `${failedStep}: ${words}` },
  });
}

/**
 * The first step failed: when the server refused it, nothing was changed (its words stay beside ours); when the
 * connection was lost before an answer, the server may have done it or not, and the user is told so (writes are
 * never sent again on their own).
 */
function refused(what: string, error: unknown): MailError {
  const mapped = MailError.is(error) ? error : fromNodeError(error, 'server');
  if (mapped.reason === 'network' || mapped.reason === 'timeout') {
    return new MailError(mapped.reason, `${what} got no answer (${mapped.message}): the server may or may not have done it. Look at the folders before trying again.`, mapped.serverText, { cause: error });
  }
  if (mapped.reason !== 'server' && mapped.reason !== 'notFound') return mapped;
  return new MailError(mapped.reason, `${what} was refused; nothing was changed.`, mapped.serverText, { cause: error });
}

interface Copied {
  readonly copy: CopyUid | undefined;
  readonly step: string;
}

async function copyStep(context: WriteContext, features: Features, set: MessageSet, sequence: string, target: string): Promise<Copied> {
  const step = described('UID COPY', sequence, JSON.stringify(target));
  try {
    const reply = await runCommand(context.client, 'UID COPY', [{ type: 'SEQUENCE', value: sequence }, mailboxAttribute(context.client, target)]);
    return { copy: features.supports('uidplus') ? parseCopyUid(reply.code, set.ids) : undefined, step };
  } catch (error) {
    throw refused(`Copying ${set.ids.length} message(s) from "${set.folder}" to "${target}"`, error);
  }
}

function undoFor(copy: CopyUid | undefined, make: (copy: CopyUid) => UndoPlan): UndoAvailability {
  if (!copy || copy.idMap.size === 0) return { possible: false, why: NO_COPYUID };
  return { possible: true, plan: make(copy) };
}

function emitNew(deps: ImapWriteDeps, target: string, copy: CopyUid | undefined): void {
  deps.events.emit({ type: 'new', folder: target, uidValidity: copy?.uidValidity, ids: copy ? [...copy.idMap.values()] : [], exists: undefined });
}

function emitExpunged(deps: ImapWriteDeps, folder: string, uidValidity: number | undefined, ids: readonly string[], seqs?: readonly number[]): void {
  if (ids.length === 0 && !seqs?.length) return;
  deps.events.emit({ type: 'expunged', folder, uidValidity, ids, ...(seqs ? { seqs } : {}), vanished: false });
}

export async function copyMessages(deps: ImapWriteDeps, set: MessageSet, target: string, signal?: Cancel): Promise<TransferResult> {
  const sequence = checkedSet(set);
  const features = await deps.features();
  const { copy } = await deps.store.write(set.folder, set.uidValidity, signal, (context) => copyStep(context, features, set, sequence, target));
  emitNew(deps, target, copy);
  return {
    source: set.folder,
    target,
    targetUidValidity: copy?.uidValidity,
    idMap: copy?.idMap ?? new Map(),
    method: 'copy',
    undo: undoFor(copy, (c) => ({ kind: 'removeCopies', folder: target, uidValidity: c.uidValidity, ids: [...c.idMap.values()] })),
  };
}

/**
 * What a move will do. Without MOVE and UIDPLUS it counts the source's other \Deleted messages (UID SEARCH
 * DELETED, on the folder SELECTed for that moment), which a plain EXPUNGE would remove too; otherwise nothing is
 * sent and `otherDeleted` is 0, as neither MOVE nor UID EXPUNGE touches them.
 */
export async function planMove(deps: ImapWriteDeps, set: MessageSet, _target: string, signal?: Cancel): Promise<TransferPlan> {
  checkedSet(set);
  const features = await deps.features();
  const method = methodFor(features);
  const uidplus = features.supports('uidplus');
  if (method !== 'copyMarkDeleted') return { method, otherDeleted: 0, uidplus };
  const deleted = await deps.store.write(set.folder, set.uidValidity, signal, (context) => searchDeleted(context));
  const moving = new Set(set.ids.map((id) => Number(id)));
  return { method, otherDeleted: deleted.filter((uid) => !moving.has(uid)).length, uidplus };
}

async function searchDeleted(context: WriteContext): Promise<number[]> {
  const reply = await runCommand(context.client, 'UID SEARCH', [{ type: 'ATOM', value: 'DELETED' }], ['SEARCH']);
  return searchNumbers(reply.untagged);
}

interface Moved {
  readonly method: Exclude<MoveMethod, 'copy'>;
  readonly copy: CopyUid | undefined;
  /** The source's ids gone (the moved ones; with a plain EXPUNGE every \Deleted one). */
  readonly expunged: readonly string[];
  readonly seqs?: readonly number[];
  /** FLAGS after STORE \Deleted, when the originals stay (copyMarkDeleted). */
  readonly flagged: readonly { id: string; flags: readonly string[]; modseq?: string }[];
  readonly uidValidity: number | undefined;
}

/** MOVE; or COPY + STORE \Deleted + UID EXPUNGE; or COPY + STORE \Deleted (+ a plain EXPUNGE if the user accepted it). */
async function moveIn(context: WriteContext, features: Features, set: MessageSet, sequence: string, target: string, expungeOthers: boolean): Promise<Moved> {
  const method = methodFor(features);
  const uidValidity = uidValidityOf(context);
  if (method === 'move') {
    let reply;
    try {
      // RFC 6851: COPYUID comes in an untagged OK before the EXPUNGEs (Dovecot), or in the tagged OK.
      reply = await runCommand(context.client, 'UID MOVE', [{ type: 'SEQUENCE', value: sequence }, mailboxAttribute(context.client, target)], ['OK']);
    } catch (error) {
      throw refused(`Moving ${set.ids.length} message(s) from "${set.folder}" to "${target}"`, error);
    }
    const codes = [reply.code, ...reply.untagged.map((r) => responseCode(r))];
    const copy = features.supports('uidplus') ? codes.map((code) => parseCopyUid(code, set.ids)).find((c) => c !== undefined) : undefined;
    return { method, copy, expunged: copy ? [...copy.idMap.keys()] : set.ids, flagged: [], uidValidity };
  }

  const { copy, step: copied } = await copyStep(context, features, set, sequence, target);
  // Only originals the server confirmed copied are removed (COPYUID names them); without COPYUID, COPY is all or nothing.
  const originals = copy ? [...copy.idMap.keys()] : set.ids;
  if (originals.length === 0) return { method, copy, expunged: [], flagged: [], uidValidity };
  const originalSet = uidSequence(originals);
  const silent = method === 'copyExpunge';
  const storeStep = described('UID STORE', originalSet, `${silent ? '+FLAGS.SILENT' : '+FLAGS'} (\\Deleted)`);
  let stored;
  try {
    stored = await runCommand(context.client, 'UID STORE', [{ type: 'SEQUENCE', value: originalSet }, { type: 'ATOM', value: silent ? '+FLAGS.SILENT' : '+FLAGS' }, DELETED], silent ? [] : ['FETCH']);
  } catch (error) {
    throw partial([copied], storeStep, error, `The copies are in "${target}"; the originals in "${set.folder}" are unchanged (not marked \\Deleted).`);
  }
  const marked = `The copies are in "${target}" and the originals in "${set.folder}" are marked \\Deleted, but they were not expunged.`;
  if (method === 'copyExpunge') {
    const expungeStep = described('UID EXPUNGE', originalSet);
    try {
      await runCommand(context.client, 'UID EXPUNGE', [{ type: 'SEQUENCE', value: originalSet }]);
    } catch (error) {
      throw partial([copied, storeStep], expungeStep, error, marked);
    }
    return { method, copy, expunged: originals, flagged: [], uidValidity };
  }

  const flagged = fetchedFlags(stored.untagged)
    .filter((f) => f.uid !== undefined)
    .map((f) => ({ id: String(f.uid), flags: f.flags, ...(f.modseq ? { modseq: f.modseq } : {}) }));
  if (!expungeOthers) {
    context.note(`without UIDPLUS the originals stay in "${set.folder}" marked \\Deleted until the folder is expunged`);
    return { method, copy, expunged: [], flagged, uidValidity };
  }
  // The user accepted that a plain EXPUNGE also removes the folder's other \Deleted messages: those, as they are now.
  let all: number[];
  try {
    all = await searchDeleted(context);
  } catch (error) {
    throw partial([copied, storeStep], 'UID SEARCH DELETED', error, marked);
  }
  let expunged;
  try {
    expunged = await runCommand(context.client, 'EXPUNGE', [], ['EXPUNGE']);
  } catch (error) {
    throw partial([copied, storeStep, 'UID SEARCH DELETED'], 'EXPUNGE', error, marked);
  }
  return { method: 'copyExpunge', copy, expunged: all.map(String), seqs: expungedSeqs(expunged.untagged), flagged: [], uidValidity };
}

function reportMove(deps: ImapWriteDeps, set: MessageSet, target: string, moved: Moved): void {
  emitExpunged(deps, set.folder, moved.uidValidity, moved.expunged, moved.seqs);
  for (const f of moved.flagged) deps.events.emit({ type: 'flags', folder: set.folder, uidValidity: moved.uidValidity, id: f.id, flags: f.flags, ...(f.modseq ? { modseq: f.modseq } : {}) });
  emitNew(deps, target, moved.copy);
}

function transferResult(set: MessageSet, target: string, moved: Moved): TransferResult {
  return {
    source: set.folder,
    target,
    targetUidValidity: moved.copy?.uidValidity,
    idMap: moved.copy?.idMap ?? new Map(),
    method: moved.method,
    undo: undoFor(moved.copy, (c) => ({ kind: 'moveBack', from: target, fromUidValidity: c.uidValidity, ids: [...c.idMap.values()], to: set.folder })),
  };
}

export async function moveMessages(deps: ImapWriteDeps, set: MessageSet, target: string, options: { readonly expungeOthers?: boolean } | undefined, signal?: Cancel): Promise<TransferResult> {
  const sequence = checkedSet(set);
  if (target === set.folder) throw new MailError('config', `The messages are already in "${target}".`);
  const features = await deps.features();
  const moved = await deps.store.write(set.folder, set.uidValidity, signal, (context) => moveIn(context, features, set, sequence, target, options?.expungeOthers === true));
  reportMove(deps, set, target, moved);
  return transferResult(set, target, moved);
}

export async function removeMessages(deps: ImapWriteDeps, set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }> {
  const sequence = checkedSet(set);
  const features = await deps.features();
  if (!features.supports('uidplus')) {
    throw new MailError('unsupported', `Removing exactly these messages needs UID EXPUNGE (UIDPLUS), which this server does not offer; a plain EXPUNGE would also remove every other \\Deleted message of "${set.folder}". Nothing was sent.`);
  }
  const uidValidity = await deps.store.write(set.folder, set.uidValidity, signal, async (context) => {
    const storeStep = described('UID STORE', sequence, '+FLAGS.SILENT (\\Deleted)');
    try {
      await runCommand(context.client, 'UID STORE', [{ type: 'SEQUENCE', value: sequence }, { type: 'ATOM', value: '+FLAGS.SILENT' }, DELETED]);
    } catch (error) {
      throw refused(`Marking ${set.ids.length} message(s) in "${set.folder}" \\Deleted`, error);
    }
    const expungeStep = described('UID EXPUNGE', sequence);
    try {
      await runCommand(context.client, 'UID EXPUNGE', [{ type: 'SEQUENCE', value: sequence }]);
    } catch (error) {
      throw partial([storeStep], expungeStep, error, `The messages in "${set.folder}" are marked \\Deleted, but they were not expunged.`);
    }
    return uidValidityOf(context);
  });
  emitExpunged(deps, set.folder, uidValidity, set.ids);
  return { removed: set.ids };
}

export async function deleteMessages(deps: ImapWriteDeps, set: MessageSet, signal?: Cancel): Promise<DeleteResult> {
  const sequence = checkedSet(set);
  const features = await deps.features();
  const outcome = await deps.store.write(set.folder, set.uidValidity, signal, async (context) => {
    const trash = await findTrash(context.client);
    if (trash !== undefined && trash !== set.folder) {
      context.note(`deleting moves to the special-use Trash "${trash}"`);
      return { trash, moved: await moveIn(context, features, set, sequence, trash, false) };
    }
    context.note(trash === undefined ? 'no folder is marked \\Trash (SPECIAL-USE): deleting marks \\Deleted' : 'already in the Trash: deleting marks \\Deleted');
    return { trash: undefined, flagged: await markDeleted(context, set, sequence) };
  });
  if (outcome.trash !== undefined && outcome.moved) {
    reportMove(deps, set, outcome.trash, outcome.moved);
    const transfer = transferResult(set, outcome.trash, outcome.moved);
    return { method: 'trash', transfer, undo: transfer.undo };
  }
  const flagged = outcome.flagged!;
  for (const f of flagged.changed) deps.events.emit({ type: 'flags', folder: set.folder, uidValidity: flagged.uidValidity, id: f.id, flags: f.flags, ...(f.modseq ? { modseq: f.modseq } : {}) });
  const ids = flagged.changed.map((f) => f.id);
  return {
    method: 'flagged',
    undo: ids.length > 0 ? { possible: true, plan: { kind: 'flags', folder: set.folder, uidValidity: flagged.uidValidity, change: { add: ['\\Deleted'] }, ids } } : { possible: false, why: 'every message was already marked \\Deleted, so nothing changed' },
  };
}

/** Marks \Deleted only the messages not marked yet (UID FETCH FLAGS first), so Undo takes it off exactly those. */
async function markDeleted(context: WriteContext, set: MessageSet, sequence: string): Promise<{ changed: { id: string; flags: readonly string[]; modseq?: string }[]; uidValidity: number | undefined }> {
  const uidValidity = uidValidityOf(context);
  const before = await runCommand(context.client, 'UID FETCH', [{ type: 'SEQUENCE', value: sequence }, [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: 'FLAGS' }]], ['FETCH']);
  const toMark = fetchedFlags(before.untagged)
    .filter((f) => f.uid !== undefined && !f.flags.some((flag) => flag.toLowerCase() === '\\deleted'))
    .map((f) => String(f.uid));
  if (toMark.length === 0) return { changed: [], uidValidity };
  const markSet = uidSequence(toMark);
  let stored;
  try {
    stored = await runCommand(context.client, 'UID STORE', [{ type: 'SEQUENCE', value: markSet }, { type: 'ATOM', value: '+FLAGS' }, DELETED], ['FETCH']);
  } catch (error) {
    throw refused(`Marking ${toMark.length} message(s) in "${set.folder}" \\Deleted`, error);
  }
  const changed = fetchedFlags(stored.untagged)
    .filter((f) => f.uid !== undefined && toMark.includes(String(f.uid)))
    .map((f) => ({ id: String(f.uid), flags: f.flags, ...(f.modseq ? { modseq: f.modseq } : {}) }));
  return { changed, uidValidity };
}

/**
 * EXPUNGE, after UID SEARCH DELETED shows no more \Deleted messages than the user confirmed (another client may
 * have marked more since): then it is refused and nothing is expunged.
 */
export async function expungeFolder(deps: ImapWriteDeps, folder: string, confirmedDeleted: number, signal?: Cancel): Promise<{ readonly expunged: number }> {
  const result = await deps.store.write(folder, undefined, signal, async (context) => {
    const deleted = await searchDeleted(context);
    if (deleted.length > confirmedDeleted) {
      throw new MailError(
        'conflict',
        `${deleted.length} message(s) in "${folder}" are marked \\Deleted now, more than the ${confirmedDeleted} you confirmed (another client marked more since): nothing was expunged. Look at the folder again and confirm the new count.`,
      );
    }
    if (deleted.length === 0) return { ids: [], seqs: [], uidValidity: uidValidityOf(context) };
    const reply = await runCommand(context.client, 'EXPUNGE', [], ['EXPUNGE']);
    return { ids: deleted.map(String), seqs: expungedSeqs(reply.untagged), uidValidity: uidValidityOf(context) };
  });
  emitExpunged(deps, folder, result.uidValidity, result.ids, result.seqs);
  return { expunged: result.seqs.length };
}

/**
 * APPEND with the flags (all but \Recent) and the internal date, the bytes as a literal exactly as given (a
 * synchronizing one above 4 KiB even with LITERAL+: imapflow sends `{n+}` only up to LITERAL-'s 4096 bytes, so the
 * server can refuse a big message before it is sent). The target is not selected: the server takes the flags as
 * they are; one that does not keep a keyword (no `\*` in its PERMANENTFLAGS) drops it or refuses the APPEND with
 * its words. The UID comes from APPENDUID only, never guessed.
 */
export async function appendMessage(deps: ImapWriteDeps, folder: string, bytes: Buffer, options: { readonly flags?: readonly string[]; readonly internalDate?: Date }, signal?: Cancel): Promise<AppendResult> {
  if (bytes.length === 0) throw new MailError('config', 'The message is empty: nothing was uploaded.');
  if (bytes.includes(0)) throw new MailError('unsupported', 'The message contains NUL bytes, which an IMAP literal cannot carry (RFC 3501): nothing was uploaded.');
  // Refused in plain words before anything is sent: what is no flag a client may set (flagNames.ts).
  const flags = (options.flags ?? []).filter((flag) => flag.toLowerCase() !== '\\recent').map(normalizeFlag);
  const date = options.internalDate ? imapDateTime(options.internalDate) : undefined;
  const features = await deps.features();
  const appended = await deps.store.write(undefined, undefined, signal, async (context) => {
    const limit = context.client.capabilities.get('APPENDLIMIT');
    if (typeof limit === 'number' && limit > 0 && bytes.length > limit) {
      throw new MailError('limit', `The message has ${bytes.length} bytes; the server accepts at most ${limit} (APPENDLIMIT): nothing was uploaded.`);
    }
    if ((options.flags ?? []).length !== flags.length) context.note('\\Recent is left out: only the server sets it');
    const attributes: ImapAttribute[] = [mailboxAttribute(context.client, folder)];
    if (flags.length > 0) attributes.push(flags.map((flag): ImapAttribute => ({ type: 'ATOM', value: flag })));
    if (date) attributes.push({ type: 'STRING', value: date });
    attributes.push({ type: 'LITERAL', value: bytes });
    try {
      const reply = await runCommand(context.client, 'APPEND', attributes);
      return features.supports('uidplus') ? parseAppendUid(reply.code) : undefined;
    } catch (error) {
      throw refused(`Uploading the message (${bytes.length} bytes) to "${folder}"`, error);
    }
  });
  deps.events.emit({ type: 'new', folder, uidValidity: appended?.uidValidity, ids: appended ? appended.uids.map(String) : [], exists: undefined });
  return { folder, uid: appended?.uids[0], uidValidity: appended?.uidValidity };
}

/** Undo by the ids COPYUID gave (in `plan`), never by guessing: move them back, or remove the copies. */
export async function undoMessages(deps: ImapWriteDeps, plan: Exclude<UndoPlan, { kind: 'flags' }>, signal?: Cancel): Promise<void> {
  if (plan.kind === 'moveBack') {
    await moveMessages(deps, { folder: plan.from, uidValidity: plan.fromUidValidity, ids: plan.ids }, plan.to, undefined, signal);
    return;
  }
  await removeMessages(deps, { folder: plan.folder, uidValidity: plan.uidValidity, ids: plan.ids }, signal);
}
