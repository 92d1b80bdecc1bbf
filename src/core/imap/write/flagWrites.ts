import { MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { FlagChange, FlagConflict, FlagResult, LoadedFlags, UndoAvailability } from '../../write/mailWriter';
import { WriteContext } from '../imapStore';
import { parseUidSet } from '../uidSet';
import { filterByPermanentFlags, normalizeChange, sameFlag } from './flagNames';
import { ImapAttribute, runCommand, uidSequence } from './imapCommand';
import { fetchedFlags } from './untaggedReplies';
import { ImapWriteDeps } from './writeContext';

// STORE +FLAGS (…) and -FLAGS (…) by UID, never FLAGS (…) (which would replace what other clients set). With
// CONDSTORE ENABLEd and a MODSEQ for every loaded message, each STORE carries UNCHANGEDSINCE: IMAP allows one value
// per command, so messages are grouped by the MODSEQ they were loaded with, one STORE per group. `[MODIFIED set]`
// in the tagged OK names the messages another client changed since: nothing is stored on them, and their flags now
// are fetched and returned as conflicts.
//
// Adding and removing are two commands. When +FLAGS was stored and -FLAGS is then refused, nothing is rolled back
// (a rollback is one more write that can fail too): the result is MailError 'partial' naming the command that was
// done and the one refused, and the 'flags' events of what was stored are emitted first, so the tree shows the truth.

type Loaded = { readonly folder: string; readonly uidValidity: number | undefined; readonly messages: readonly LoadedFlags[] };

interface MessageState {
  flags: string[];
  modseq: string | undefined;
}

/** STORE +FLAGS/-FLAGS (UID STORE, UNCHANGEDSINCE with CONDSTORE). */
export async function storeFlags(deps: ImapWriteDeps, loaded: Loaded, change: FlagChange, signal?: Cancel): Promise<FlagResult> {
  const wanted = normalizeChange(change);
  if (wanted.add.length + wanted.remove.length === 0) throw new MailError('config', 'No flag to add or remove.');
  const ids = [...new Set(loaded.messages.map((m) => m.id))];
  if (ids.length === 0) throw new MailError('config', 'No message to change.');
  uidSequence(ids);
  return deps.store.write(loaded.folder, loaded.uidValidity, signal, async (ctx) => {
    const mailbox = ctx.mailbox;
    if (!mailbox) throw new MailError('protocol', `"${loaded.folder}" was not selected for the write.`);
    const { add, remove, refused } = filterByPermanentFlags(wanted, mailbox.permanentFlags);
    if (refused.length > 0) ctx.note(`left out of the STORE (not in the folder's PERMANENTFLAGS): ${refused.join(' ')}`);
    if (add.length + remove.length === 0) {
      return { changed: [], conflicts: [], refusedFlags: refused, undo: { possible: false, why: `The folder "${loaded.folder}" does not keep ${refused.join(' ')}, so nothing was stored.` } };
    }
    const guarded = ctx.client.enabled.has('CONDSTORE') && mailbox.noModseq !== true && loaded.messages.every((m) => m.modseq !== undefined && /^\d+$/.test(m.modseq));
    // The flags before the change: as loaded when UNCHANGEDSINCE proves them current, else as the server has them now.
    const before = guarded ? new Map(loaded.messages.map((m) => [m.id, { flags: [...m.flags], modseq: m.modseq }])) : await currentFlags(ctx, ids);
    if (!guarded) ctx.note(ctx.client.enabled.has('CONDSTORE') ? 'STORE without UNCHANGEDSINCE: not every message was loaded with a MODSEQ' : 'STORE without UNCHANGEDSINCE: CONDSTORE is not enabled on this connection');
    const current = new Map<string, MessageState>([...before].map(([id, s]) => [id, { flags: [...s.flags], modseq: s.modseq }]));
    const conflicted = new Set<string>();
    const done: string[] = [];
    const steps = ([['+FLAGS', add], ['-FLAGS', remove]] as const).filter(([, flags]) => flags.length > 0);
    for (const [operation, flags] of steps) {
      const targets = ids.filter((id) => current.has(id) && !conflicted.has(id));
      for (const [modseq, group] of groupBy(targets, (id) => (guarded ? current.get(id)?.modseq : undefined))) {
        const set = uidSequence(group);
        const text = `UID STORE ${set}${modseq ? ` (UNCHANGEDSINCE ${modseq})` : ''} ${operation} (${flags.join(' ')})`;
        const attributes: ImapAttribute[] = [{ type: 'SEQUENCE', value: set }];
        if (modseq) attributes.push([{ type: 'ATOM', value: 'UNCHANGEDSINCE' }, { type: 'ATOM', value: modseq }]);
        attributes.push({ type: 'ATOM', value: operation }, flags.map((flag): ImapAttribute => ({ type: 'ATOM', value: flag })));
        let reply;
        try {
          reply = await runCommand(ctx.client, 'UID STORE', attributes, ['FETCH']);
        } catch (error) {
          if (done.length === 0) throw error;
          emitChanges(deps, loaded, before, current, add, remove);
          throw partialError(error, done, text);
        }
        done.push(text);
        for (const fetched of fetchedFlags(reply.untagged)) {
          const state = fetched.uid !== undefined ? current.get(String(fetched.uid)) : undefined;
          if (!state) continue;
          // \Recent is the session's, not the message's (our own SELECT gave it): never reported as a flag of the message.
          state.flags = fetched.flags.filter((f) => !sameFlag(f, '\\Recent'));
          if (fetched.modseq) state.modseq = fetched.modseq;
        }
        if (reply.code?.[0]?.toUpperCase() === 'MODIFIED' && reply.code[1]) {
          for (const [from, to] of parseUidSet(reply.code[1])) for (let uid = from; uid <= to; uid++) if (current.has(String(uid))) conflicted.add(String(uid));
        }
      }
    }
    const conflicts = conflicted.size > 0 ? await conflictsNow(ctx, [...conflicted]) : [];
    if (conflicts.length > 0) ctx.note(`changed by another client since loaded, so not stored: UID ${conflicts.map((c) => c.id).join(', ')}`);
    const changed = emitChanges(deps, loaded, before, current, add, remove);
    return { changed: changed.map(({ id, flags, modseq }) => ({ id, flags, ...(modseq ? { modseq } : {}) })), conflicts, refusedFlags: refused, undo: undoOf(loaded, changed) };
  });
}

interface Changed {
  readonly id: string;
  readonly flags: string[];
  readonly modseq: string | undefined;
  readonly gained: string[];
  readonly lost: string[];
}

/** The messages whose flags our STORE changed (what they gained and lost), each reported as a 'flags' event. */
function emitChanges(deps: ImapWriteDeps, loaded: Loaded, before: ReadonlyMap<string, MessageState>, current: ReadonlyMap<string, MessageState>, add: readonly string[], remove: readonly string[]): Changed[] {
  const changed: Changed[] = [];
  for (const [id, now] of current) {
    const was = before.get(id)?.flags ?? [];
    const gained = add.filter((f) => !has(was, f) && has(now.flags, f));
    const lost = remove.filter((f) => has(was, f) && !has(now.flags, f));
    if (gained.length === 0 && lost.length === 0) continue;
    changed.push({ id, flags: now.flags, modseq: now.modseq, gained, lost });
    deps.events.emit({ type: 'flags', folder: loaded.folder, uidValidity: loaded.uidValidity, id, flags: now.flags, ...(now.modseq ? { modseq: now.modseq } : {}) });
  }
  return changed;
}

/** Undo puts back exactly what changed: possible when every changed message changed the same way. */
function undoOf(loaded: Loaded, changed: readonly Changed[]): UndoAvailability {
  if (changed.length === 0) return { possible: false, why: 'No message changed (each already had these flags), so there is nothing to undo.' };
  const key = (c: Changed): string => `${c.gained.join(' ')}|${c.lost.join(' ')}`;
  const first = changed[0]!;
  if (changed.some((c) => key(c) !== key(first))) {
    return { possible: false, why: 'The messages changed in different ways (some already had some of these flags), so one Undo cannot restore each of them exactly.' };
  }
  const change: FlagChange = { ...(first.gained.length > 0 ? { add: first.gained } : {}), ...(first.lost.length > 0 ? { remove: first.lost } : {}) };
  return { possible: true, plan: { kind: 'flags', folder: loaded.folder, uidValidity: loaded.uidValidity, change, ids: changed.map((c) => c.id) } };
}

/** UID FETCH set (FLAGS [MODSEQ]): the messages' flags now; messages no longer in the folder are left out. */
async function currentFlags(ctx: WriteContext, ids: readonly string[]): Promise<Map<string, MessageState>> {
  const items: ImapAttribute[] = [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: 'FLAGS' }];
  if (ctx.client.enabled.has('CONDSTORE')) items.push({ type: 'ATOM', value: 'MODSEQ' });
  const reply = await runCommand(ctx.client, 'UID FETCH', [{ type: 'SEQUENCE', value: uidSequence(ids) }, items], ['FETCH']);
  const wanted = new Set(ids);
  const states = new Map<string, MessageState>();
  for (const fetched of fetchedFlags(reply.untagged)) {
    if (fetched.uid === undefined || !wanted.has(String(fetched.uid))) continue;
    states.set(String(fetched.uid), { flags: fetched.flags.filter((f) => !sameFlag(f, '\\Recent')), modseq: fetched.modseq });
  }
  const gone = ids.filter((id) => !states.has(id));
  if (gone.length > 0) ctx.note(`no longer in the folder, so not changed: UID ${gone.join(', ')}`);
  return states;
}

async function conflictsNow(ctx: WriteContext, ids: readonly string[]): Promise<FlagConflict[]> {
  const now = await currentFlags(ctx, ids);
  return ids.map((id) => ({ id, current: now.get(id)?.flags ?? [], ...(now.get(id)?.modseq ? { modseq: now.get(id)?.modseq } : {}) }));
}

function partialError(error: unknown, done: readonly string[], failed: string): MailError {
  const server = MailError.is(error) ? error.serverText : undefined;
  return new MailError('partial', `The server stored ${done.join('; ')} but refused ${failed}: the flags were added, the flags to remove are still set.`, server, { cause: error, detail: { kind: 'partial', done, failed } });
}

function groupBy<K>(ids: readonly string[], key: (id: string) => K): Map<K, string[]> {
  const groups = new Map<K, string[]>();
  for (const id of ids) {
    const k = key(id);
    const group = groups.get(k);
    if (group) group.push(id);
    else groups.set(k, [id]);
  }
  return groups;
}

function has(flags: readonly string[], flag: string): boolean {
  return flags.some((f) => sameFlag(f, flag));
}
