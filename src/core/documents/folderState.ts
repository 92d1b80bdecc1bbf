import { SessionEvent, SessionEvents, Subscription } from '../session/sessionEvents';

/** What the server said about one folder at one moment (EXAMINE and STATUS, or a POP3 STAT). */
export interface FolderSnapshot {
  readonly folder: string;
  readonly takenAt: Date;
  /** How it was learnt, for the reader: e.g. "EXAMINE and STATUS on the command connection". */
  readonly source: string;
  readonly uidValidity?: number;
  readonly uidNext?: number;
  /** HIGHESTMODSEQ as a decimal string (64-bit values do not fit a number). */
  readonly highestModseq?: string;
  /** The server answered NOMODSEQ (RFC 7162): the folder keeps no MODSEQs. */
  readonly noModseq?: boolean;
  readonly exists?: number;
  readonly recent?: number;
  readonly unseen?: number;
  /** PERMANENTFLAGS as announced (`\*` means any keyword can be stored). */
  readonly permanentFlags?: readonly string[];
  /** FLAGS: the flags the folder knows. */
  readonly flags?: readonly string[];
}

/** One event of the folder's timeline. */
export interface TimelineEntry {
  readonly at: Date;
  /** Undefined for the account's connection events, which belong to every folder's timeline. */
  readonly folder: string | undefined;
  readonly event: string;
  readonly ids: readonly string[];
  readonly modseq?: string;
  readonly details: string;
  /** Values of the folder the event tells: the new UIDVALIDITY, the message count. */
  readonly values?: { readonly uidValidity?: number; readonly exists?: number };
  /** Set when the server did something it should not: UIDVALIDITY changed, a MODSEQ went backwards. */
  readonly anomaly?: string;
}

export interface FolderTimelineOptions {
  /** Entries kept per account (oldest dropped first). Default 2000. */
  maxEntries?: number;
  /** Per-message MODSEQs remembered to tell one going backwards. Default 50,000. */
  maxModseqs?: number;
  now?: () => Date;
}

/**
 * The timeline of one account's session events, per folder, for the folder-state document: what arrived,
 * when, with which UIDs and MODSEQs. It marks server anomalies: a UIDVALIDITY change, a message whose MODSEQ
 * is lower than one reported for it before (a message's MODSEQ only grows, RFC 7162 3.1.2), a HIGHESTMODSEQ
 * lower than an earlier one of the same generation, and whatever the session itself reports as an anomaly.
 * The order in which FETCH responses arrive is not an anomaly (servers report changes in UID order).
 */
export class FolderTimeline {
  private readonly list: TimelineEntry[] = [];
  private readonly modseqs = new Map<string, bigint>();
  private readonly snapshots = new Map<string, FolderSnapshot>();
  private readonly listeners = new Set<(entry: TimelineEntry) => void>();
  private readonly maxEntries: number;
  private readonly maxModseqs: number;
  private readonly now: () => Date;

  constructor(options: FolderTimelineOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.maxModseqs = options.maxModseqs ?? 50_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Records every event of a session until the subscription is disposed. */
  follow(events: SessionEvents): Subscription {
    return events.on((event) => this.record(event));
  }

  /** Told of every entry recorded (the document re-renders). */
  onDidRecord(listener: (entry: TimelineEntry) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The folder's entries (and the account's connection events), oldest first. */
  entries(folder: string): TimelineEntry[] {
    return this.list.filter((e) => e.folder === undefined || e.folder === folder);
  }

  /** The latest snapshot noted for the folder. */
  snapshot(folder: string): FolderSnapshot | undefined {
    return this.snapshots.get(folder);
  }

  record(event: SessionEvent): TimelineEntry {
    return this.add(describe(event, (folder, uidValidity, id, modseq) => this.checkModseq(folder, uidValidity, id, modseq)));
  }

  /** A new snapshot of the folder; compared with the previous one (a UIDVALIDITY change, HIGHESTMODSEQ going backwards). */
  noteSnapshot(snapshot: FolderSnapshot): TimelineEntry | undefined {
    const previous = this.snapshots.get(snapshot.folder);
    this.snapshots.set(snapshot.folder, snapshot);
    if (!previous) return undefined;
    if (previous.uidValidity !== undefined && snapshot.uidValidity !== undefined && previous.uidValidity !== snapshot.uidValidity) {
      this.forgetModseqs(snapshot.folder);
      // The session reported this change already (its uidValidity event): one anomaly, not two.
      if (this.list.some((e) => e.folder === snapshot.folder && e.event === 'uidValidity' && e.values?.uidValidity === snapshot.uidValidity)) return undefined;
      return this.add({
        at: snapshot.takenAt,
        folder: snapshot.folder,
        event: 'state',
        ids: [],
        details: `UIDVALIDITY is ${snapshot.uidValidity} now (was ${previous.uidValidity})`,
        anomaly: `UIDVALIDITY changed from ${previous.uidValidity} to ${snapshot.uidValidity}: every UID of the earlier generation is void.`,
      });
    }
    const before = toBigInt(previous.highestModseq);
    const after = toBigInt(snapshot.highestModseq);
    if (previous.uidValidity === snapshot.uidValidity && before !== undefined && after !== undefined && after < before) {
      return this.add({
        at: snapshot.takenAt,
        folder: snapshot.folder,
        event: 'state',
        ids: [],
        modseq: snapshot.highestModseq,
        details: `HIGHESTMODSEQ is ${after} now (was ${before})`,
        anomaly: `HIGHESTMODSEQ went backwards from ${before} to ${after} without a new UIDVALIDITY (a server restored from a backup?).`,
      });
    }
    return undefined;
  }

  private add(entry: Omit<TimelineEntry, 'at'> & { at?: Date }): TimelineEntry {
    const full: TimelineEntry = { ...entry, at: entry.at ?? this.now() };
    this.list.push(full);
    if (this.list.length > this.maxEntries) this.list.splice(0, this.list.length - this.maxEntries);
    for (const listener of [...this.listeners]) listener(full);
    return full;
  }

  private checkModseq(folder: string, uidValidity: number | undefined, id: string, modseq: string): string | undefined {
    const value = toBigInt(modseq);
    if (value === undefined) return undefined;
    const key = `${folder}\0${uidValidity ?? ''}\0${id}`;
    const before = this.modseqs.get(key);
    this.modseqs.delete(key);
    this.modseqs.set(key, before !== undefined && before > value ? before : value);
    if (this.modseqs.size > this.maxModseqs) this.modseqs.delete(this.modseqs.keys().next().value as string);
    if (before !== undefined && value < before) return `The MODSEQ of UID ${id} went backwards from ${before} to ${value}.`;
    return undefined;
  }

  private forgetModseqs(folder: string): void {
    for (const key of [...this.modseqs.keys()]) if (key.startsWith(`${folder}\0`)) this.modseqs.delete(key);
  }
}

type ModseqCheck = (folder: string, uidValidity: number | undefined, id: string, modseq: string) => string | undefined;

function describe(event: SessionEvent, checkModseq: ModseqCheck): Omit<TimelineEntry, 'at'> {
  switch (event.type) {
    case 'new':
      return { folder: event.folder, event: 'new', ids: event.ids, details: `${plural(event.ids.length, 'message')} arrived${event.exists !== undefined ? `; EXISTS ${event.exists}` : ''}`, ...(event.exists !== undefined ? { values: { exists: event.exists } } : {}) };
    case 'expunged':
      return {
        folder: event.folder,
        event: event.vanished ? 'vanished' : 'expunged',
        ids: event.ids,
        details: `${plural(event.ids.length || (event.seqs?.length ?? 0), 'message')} removed${event.ids.length === 0 && event.seqs ? ` (sequence numbers ${event.seqs.join(', ')})` : ''}${event.vanished ? ' (VANISHED)' : ''}`,
      };
    case 'flags': {
      const anomaly = event.modseq !== undefined ? checkModseq(event.folder, event.uidValidity, event.id, event.modseq) : undefined;
      return { folder: event.folder, event: 'flags', ids: [event.id], ...(event.modseq !== undefined ? { modseq: event.modseq } : {}), details: event.flags.length > 0 ? event.flags.join(' ') : '(no flags)', ...(anomaly ? { anomaly } : {}) };
    }
    case 'uidValidity':
      return {
        folder: event.folder,
        event: 'uidValidity',
        ids: [],
        details: `UIDVALIDITY ${event.previous} → ${event.current}`,
        values: { uidValidity: event.current },
        anomaly: `UIDVALIDITY changed from ${event.previous} to ${event.current}: every UID of the earlier generation is void.`,
      };
    case 'counts':
      return { folder: event.folder, event: 'counts', ids: [], details: [event.total !== undefined ? `EXISTS ${event.total}` : '', event.unseen !== undefined ? `UNSEEN ${event.unseen}` : ''].filter(Boolean).join(', '), ...(event.total !== undefined ? { values: { exists: event.total } } : {}) };
    case 'resynced':
      return {
        folder: event.folder,
        event: 'resynced',
        ids: [],
        details: `by ${event.method.toUpperCase()}: ${event.added.length} new, ${event.removed.length} removed, ${event.flagsChanged.length} with other flags`,
      };
    case 'connection':
      return {
        folder: undefined,
        event: 'connection',
        ids: [],
        details: `${event.state}${event.reason ? `: ${event.reason}` : ''}${event.retryInMs !== undefined ? ` (next try in ${formatMs(event.retryInMs)})` : ''}`,
      };
    case 'anomaly':
      return { folder: event.folder, event: 'anomaly', ids: [], details: event.message, anomaly: event.message };
    case 'folders':
      return { folder: event.path, event: 'folders', ids: [], details: `${event.change}${event.newPath !== undefined ? ` → ${event.newPath}` : ''} (by this session)` };
    case 'access':
      return { folder: undefined, event: 'access', ids: [], details: `this session is ${event.mode} now` };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function toBigInt(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return BigInt(text);
}
