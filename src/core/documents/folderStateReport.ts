import { ConnectionState } from '../session/sessionEvents';
import { FolderSnapshot, TimelineEntry } from './folderState';

export interface FolderStateInput {
  readonly accountLabel: string;
  readonly folder: string;
  /** The latest snapshot, if one could be taken. */
  readonly snapshot: FolderSnapshot | undefined;
  /** Why no (new) snapshot could be taken, in plain words with the server's own. */
  readonly snapshotError?: string;
  /** The capabilities in force on the live connection (as announced), if one was made. */
  readonly capabilities: readonly string[] | undefined;
  readonly state: ConnectionState | undefined;
  /** True while this folder is the account's watched one (IDLE or polling). */
  readonly watched: boolean;
  /** The folder's timeline, oldest first. */
  readonly entries: readonly TimelineEntry[];
  /** Timeline rows shown (newest first). Default 500. */
  readonly maxRows?: number;
}

/** The values of the snapshot brought up to date by the events that arrived after it. */
export interface LiveValues {
  readonly uidValidity: number | undefined;
  readonly uidNext: number | undefined;
  readonly highestModseq: string | undefined;
  readonly exists: number | undefined;
  /** Which of them come from events rather than from the snapshot. */
  readonly fromEvents: ReadonlySet<'uidValidity' | 'uidNext' | 'highestModseq' | 'exists'>;
}

/** Applies the timeline's events after the snapshot to its values (EXISTS from counts, MODSEQ from flags, …). */
export function liveValues(snapshot: FolderSnapshot | undefined, entries: readonly TimelineEntry[]): LiveValues {
  let uidValidity = snapshot?.uidValidity;
  let uidNext = snapshot?.uidNext;
  let highest = snapshot?.highestModseq !== undefined && /^\d+$/.test(snapshot.highestModseq) ? BigInt(snapshot.highestModseq) : undefined;
  let exists = snapshot?.exists;
  const fromEvents = new Set<'uidValidity' | 'uidNext' | 'highestModseq' | 'exists'>();
  const since = snapshot?.takenAt.getTime() ?? -Infinity;
  for (const entry of entries) {
    if (entry.at.getTime() < since || entry.folder === undefined) continue;
    const told = entry.values;
    if (told?.uidValidity !== undefined && told.uidValidity !== uidValidity) {
      // A new generation: what the snapshot said of UIDs and MODSEQs belongs to the old one.
      uidValidity = told.uidValidity;
      uidNext = undefined;
      highest = undefined;
      fromEvents.add('uidValidity');
    }
    if (told?.exists !== undefined) {
      exists = told.exists;
      fromEvents.add('exists');
    }
    if (entry.event === 'new' && uidValidity !== undefined) {
      for (const id of entry.ids) {
        const uid = Number(id);
        if (Number.isInteger(uid) && uid >= (uidNext ?? 0)) {
          uidNext = uid + 1;
          fromEvents.add('uidNext');
        }
      }
    }
    if (entry.event === 'flags' && entry.modseq !== undefined && /^\d+$/.test(entry.modseq)) {
      const m = BigInt(entry.modseq);
      if (highest === undefined || m > highest) {
        highest = m;
        fromEvents.add('highestModseq');
      }
    }
  }
  return { uidValidity, uidNext, highestModseq: highest?.toString(), exists, fromEvents };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text).replace(/`/g, "'")}\``;
}

function time(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** UIDs as compact ranges ("3:7, 9"), at most `max` ranges shown. */
export function formatIds(ids: readonly string[], max = 12): string {
  if (ids.length === 0) return '';
  const numbers = ids.map(Number);
  if (!numbers.every((n) => Number.isInteger(n) && n > 0)) {
    const shown = ids.slice(0, max).join(', ');
    return ids.length > max ? `${shown} … (${ids.length} in all)` : shown;
  }
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0]!;
  let end = start;
  for (const n of sorted.slice(1)) {
    if (n === end + 1) {
      end = n;
      continue;
    }
    ranges.push(start === end ? `${start}` : `${start}:${end}`);
    start = end = n;
  }
  ranges.push(start === end ? `${start}` : `${start}:${end}`);
  const shown = ranges.slice(0, max).join(', ');
  return ranges.length > max ? `${shown} … (${sorted.length} in all)` : shown;
}

const STATE_WORDS: Record<ConnectionState, string> = {
  live: 'live (IDLE)',
  polling: 'polling',
  connected: 'connected',
  offline: 'offline',
  reconnecting: 'reconnecting',
  closed: 'closed',
};

/**
 * The "Show Folder State" document (Markdown): the folder's UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ (or
 * NOMODSEQ), EXISTS, RECENT, PERMANENTFLAGS, the capabilities in force, and the timeline of the session's
 * events for the folder, newest first. Server anomalies (UIDVALIDITY changed, MODSEQ backwards) are listed
 * at the top and marked in the timeline.
 */
export function folderStateReport(input: FolderStateInput): string {
  const s = input.snapshot;
  const live = liveValues(s, input.entries);
  const out: string[] = [`# Folder state: ${cell(input.folder)}`, ''];
  const session = input.state ? `session ${STATE_WORDS[input.state]}${input.watched ? ', watching this folder' : ', not watching this folder'}` : 'no session';
  out.push(`Account ${cell(input.accountLabel)} · ${session}.`);
  if (s) out.push('', `Values as of ${time(s.takenAt)} (${cell(s.source)}); those marked "live" were updated since by the session's events.`);
  if (input.snapshotError) out.push('', `> **The state could not be read${s ? ' again' : ''}.** ${cell(input.snapshotError)}`);
  const anomalies = input.entries.filter((e) => e.anomaly !== undefined);
  if (anomalies.length > 0) {
    out.push('', `## ⚠ Server anomalies (${anomalies.length})`, '');
    for (const a of anomalies) out.push(`- **${time(a.at)}**: ${cell(a.anomaly ?? '')}`);
  }
  const mark = (key: 'uidValidity' | 'uidNext' | 'highestModseq' | 'exists'): string => (live.fromEvents.has(key) ? ' (live)' : '');
  const value = (v: number | string | undefined): string => (v === undefined ? '—' : String(v));
  const modseq = s?.noModseq ? 'NOMODSEQ (this folder keeps no MODSEQs)' : live.highestModseq === undefined ? '— (no CONDSTORE)' : `${live.highestModseq}${mark('highestModseq')}`;
  out.push('', '| Item | Value |', '|---|---|');
  out.push(`| UIDVALIDITY | ${value(live.uidValidity)}${mark('uidValidity')} |`);
  out.push(`| UIDNEXT | ${value(live.uidNext)}${mark('uidNext')} |`);
  out.push(`| HIGHESTMODSEQ | ${modseq} |`);
  out.push(`| EXISTS | ${value(live.exists)}${mark('exists')} |`);
  out.push(`| RECENT | ${value(s?.recent)} |`);
  if (s?.unseen !== undefined) out.push(`| UNSEEN | ${s.unseen} |`);
  out.push(`| PERMANENTFLAGS | ${s?.permanentFlags ? (s.permanentFlags.length > 0 ? s.permanentFlags.map(code).join(' ') : '(none: the folder is open read-only (EXAMINE))') : '—'} |`);
  if (s?.flags) out.push(`| FLAGS | ${s.flags.map(code).join(' ') || '(none)'} |`);
  out.push(`| Capabilities | ${input.capabilities ? input.capabilities.map(code).join(' ') || '(none announced)' : '— (not connected yet)'} |`);
  const rows = [...input.entries].reverse().slice(0, input.maxRows ?? 500);
  out.push('', `## Timeline (${input.entries.length} event${input.entries.length === 1 ? '' : 's'}, newest first)`, '');
  if (rows.length === 0) {
    out.push(input.watched ? 'No events yet: changes by other clients appear here as they arrive.' : 'No events yet. Events arrive while the folder is expanded in the tree (watched).');
  } else {
    out.push('| Time (UTC) | Event | UIDs | MODSEQ | Details |', '|---|---|---|---:|---|');
    for (const e of rows) {
      const event = e.anomaly !== undefined ? `**⚠ ${e.event}**` : e.event;
      out.push(`| ${time(e.at)} | ${event} | ${cell(formatIds(e.ids))} | ${e.modseq ?? ''} | ${cell(e.details)}${e.anomaly !== undefined ? ` — **server anomaly**` : ''} |`);
    }
    if (input.entries.length > rows.length) out.push('', `(${input.entries.length - rows.length} older events not shown.)`);
  }
  out.push('');
  return out.join('\n');
}
