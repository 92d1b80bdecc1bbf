import type { ExpungeEvent, FlagsEvent, ImapFlow } from 'imapflow';
import { MailError } from '../errors';
import { formatUidSet, parseUidSet } from './uidSet';

/** What a watcher knows of its folder: enough to tell, after a reconnect, what changed while it was away. */
export interface KnownFolder {
  readonly uidValidity: number;
  /** HIGHESTMODSEQ when last synced (CONDSTORE); undefined without it or with NOMODSEQ. */
  readonly highestModseq: bigint | undefined;
  /** Every UID of the folder, ascending: `uids[seq - 1]` is the UID of sequence number `seq`. */
  readonly uids: number[];
  /** Flags of the messages the user has loaded (pages shown), by UID: what a diff without CONDSTORE compares. */
  readonly flags: Map<number, readonly string[]>;
}

export type ResyncMethod = 'qresync' | 'condstore' | 'diff';

export interface FlagChange {
  readonly uid: number;
  readonly flags: readonly string[];
  readonly modseq: bigint | undefined;
}

export type ResyncOutcome =
  | {
      readonly kind: 'resynced';
      readonly method: ResyncMethod;
      readonly added: readonly number[];
      readonly removed: readonly number[];
      readonly flags: readonly FlagChange[];
      /** Things the server should not have done (HIGHESTMODSEQ going backwards). */
      readonly anomalies: readonly string[];
      readonly known: KnownFolder;
      readonly exists: number;
    }
  /** The folder has another UIDVALIDITY: nothing of the old generation carries over; `known` is the new one, fresh. */
  | { readonly kind: 'newGeneration'; readonly previous: number; readonly known: KnownFolder; readonly exists: number };

/**
 * EXAMINEs `folder` afresh (read-only: no flag, not even \Recent, changes) and learns every UID (UID SEARCH ALL,
 * compact with ESEARCH).
 */
export async function openFolder(client: ImapFlow, folder: string): Promise<{ known: KnownFolder; exists: number }> {
  const mailbox = await client.mailboxOpen(folder, { readOnly: true });
  const uids = await allUids(client);
  return { known: { uidValidity: Number(mailbox.uidValidity), highestModseq: modseqOf(client), uids, flags: new Map() }, exists: mailbox.exists };
}

/**
 * After a reconnect, EXAMINEs `folder` again and works out what changed since `known`, by the best means the
 * session has: QRESYNC (`EXAMINE folder (QRESYNC (uidvalidity modseq))`, answered with VANISHED (EARLIER) and
 * FETCH FLAGS), else CONDSTORE (`UID FETCH … (CHANGEDSINCE modseq)` plus a UID SEARCH ALL for expunges), else
 * a diff: UID SEARCH ALL for arrivals and expunges and the FLAGS of the messages loaded so far.
 */
export async function resyncFolder(client: ImapFlow, folder: string, known: KnownFolder): Promise<ResyncOutcome> {
  const canQresync = client.enabled.has('QRESYNC') && known.highestModseq !== undefined;
  const vanished: number[] = [];
  const changed = new Map<number, FlagChange>();
  const seqFlags: FlagsEvent[] = [];
  const onExpunge = (event: ExpungeEvent): void => {
    if (event.uid !== undefined) vanished.push(event.uid);
  };
  const onFlags = (event: FlagsEvent): void => {
    if (event.uid !== undefined) changed.set(event.uid, { uid: event.uid, flags: [...event.flags], modseq: event.modseq });
    else seqFlags.push(event);
  };
  if (canQresync) {
    client.on('expunge', onExpunge);
    client.on('flags', onFlags);
  }
  let mailbox;
  try {
    mailbox = await client.mailboxOpen(folder, canQresync ? { readOnly: true, uidValidity: known.uidValidity, changedSince: known.highestModseq } : { readOnly: true });
  } finally {
    client.off('expunge', onExpunge);
    client.off('flags', onFlags);
  }
  const uidValidity = Number(mailbox.uidValidity);
  if (uidValidity !== known.uidValidity) {
    const fresh = { uidValidity, highestModseq: modseqOf(client), uids: await allUids(client), flags: new Map<number, readonly string[]>() };
    return { kind: 'newGeneration', previous: known.uidValidity, known: fresh, exists: mailbox.exists };
  }
  const highestModseq = modseqOf(client);
  const anomalies: string[] = [];
  if (known.highestModseq !== undefined && highestModseq !== undefined && highestModseq < known.highestModseq) {
    anomalies.push(`HIGHESTMODSEQ went backwards in "${folder}": ${known.highestModseq} before the reconnect, ${highestModseq} now (same UIDVALIDITY ${uidValidity}).`);
  }
  const knownSet = new Set(known.uids);
  const maxKnown = known.uids[known.uids.length - 1] ?? 0;
  let method: ResyncMethod;
  let current: number[];
  // imapflow marks the mailbox `qresync` when the server accepted the QRESYNC parameters (same UIDVALIDITY, a
  // HIGHESTMODSEQ, no NOMODSEQ); its type does not declare the field.
  if (canQresync && (mailbox as { qresync?: boolean }).qresync === true) {
    method = 'qresync';
    const gone = new Set(vanished.filter((uid) => knownSet.has(uid)));
    const arrived = await uidsFrom(client, maxKnown + 1);
    current = [...known.uids.filter((uid) => !gone.has(uid)), ...arrived];
    // VANISHED (EARLIER) may be shortened by a server; the count tells. Then the full list settles it.
    if (current.length !== mailbox.exists) current = await allUids(client);
  } else {
    method = client.enabled.has('CONDSTORE') && known.highestModseq !== undefined && !mailbox.noModseq ? 'condstore' : 'diff';
    current = await allUids(client);
    if (method === 'condstore' && maxKnown > 0) {
      for await (const msg of client.fetch(`1:${maxKnown}`, { uid: true, flags: true }, { uid: true, changedSince: known.highestModseq })) {
        if (msg.flags) changed.set(msg.uid, { uid: msg.uid, flags: [...msg.flags], modseq: msg.modseq });
      }
    }
  }
  const currentSet = new Set(current);
  const removed = known.uids.filter((uid) => !currentSet.has(uid));
  const added = current.filter((uid) => !knownSet.has(uid));
  // Flags reported by sequence number only (a server not sending UID in FETCH): mapped on the new list.
  for (const event of seqFlags) {
    const uid = current[event.seq - 1];
    if (uid !== undefined) changed.set(uid, { uid, flags: [...event.flags], modseq: event.modseq });
  }
  if (method === 'diff') {
    const loaded = [...known.flags.keys()].filter((uid) => currentSet.has(uid));
    if (loaded.length > 0) {
      for await (const msg of client.fetch(formatUidSet(loaded), { uid: true, flags: true }, { uid: true })) {
        if (msg.flags) changed.set(msg.uid, { uid: msg.uid, flags: [...msg.flags], modseq: msg.modseq });
      }
    }
  }
  const flags: FlagChange[] = [];
  const nextFlags = new Map<number, readonly string[]>();
  for (const [uid, list] of known.flags) if (currentSet.has(uid)) nextFlags.set(uid, list);
  for (const change of changed.values()) {
    // New messages are reported as new, not as flag changes; unchanged loaded flags (diff) are not changes.
    if (!knownSet.has(change.uid) || !currentSet.has(change.uid)) continue;
    const before = known.flags.get(change.uid);
    if (method === 'diff' && before !== undefined && sameFlags(before, change.flags)) continue;
    if (known.flags.has(change.uid)) nextFlags.set(change.uid, change.flags);
    flags.push(change);
  }
  flags.sort((a, b) => a.uid - b.uid);
  return {
    kind: 'resynced',
    method,
    added,
    removed,
    flags,
    anomalies,
    known: { uidValidity, highestModseq: highestModseq ?? known.highestModseq, uids: current, flags: nextFlags },
    exists: mailbox.exists,
  };
}

/** Every UID of the open folder, ascending. */
export async function allUids(client: ImapFlow): Promise<number[]> {
  const result = await client.search({ all: true }, { uid: true, returnOptions: ['ALL'] });
  if (result === false || result === undefined) throw new MailError('server', 'The server refused to list the folder\'s UIDs (UID SEARCH ALL).');
  if (Array.isArray(result)) return [...result].sort((a, b) => a - b);
  const uids: number[] = [];
  for (const [a, b] of parseUidSet(result.all ?? '')) for (let uid = a; uid <= b; uid++) uids.push(uid);
  return uids;
}

/** UIDs from `first` up (`UID FETCH first:* (UID)`); `*` names the last message even when its UID is lower, which is left out. */
export async function uidsFrom(client: ImapFlow, first: number): Promise<number[]> {
  if (!client.mailbox || client.mailbox.exists === 0) return [];
  const uids: number[] = [];
  for await (const msg of client.fetch(`${first}:*`, { uid: true }, { uid: true })) if (msg.uid >= first) uids.push(msg.uid);
  return uids.sort((a, b) => a - b);
}

function modseqOf(client: ImapFlow): bigint | undefined {
  const mailbox = client.mailbox;
  if (!mailbox || mailbox.noModseq) return undefined;
  return mailbox.highestModseq;
}

/** Same flags, \Recent aside: it belongs to one session (the first to see a message), not to the message. */
function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  const norm = (list: readonly string[]): string[] => list.map((f) => f.toLowerCase()).filter((f) => f !== '\\recent').sort();
  return norm(a).join(' ') === norm(b).join(' ');
}
