import type { ConnectionRecord, Exchange, ExchangeStatus, ResponseCode, TrafficRecord } from './exchange';
import { messageTranscript, type MessageIdentity, type TranscriptRole, transcriptCost, type TranscriptCost } from './messageTranscript';
import { formatTrafficLine } from './trafficTap';

// What the traffic view's webview is sent: plain JSON built from the account's TrafficRecord, filtered here (in the
// extension host, one implementation, tested) rather than in the page. The record is fed only masked events, so
// everything below is masked text; nothing else (no account definition, no credential) goes into it.

/** `failed`: NO, BAD, BYE, -ERR, or lost with the connection. */
export type StatusFilter = 'all' | 'ok' | 'failed' | 'pending';

export interface TrafficFilter {
  /** A connection id ("imap#3"); undefined: all. */
  readonly connection?: string;
  /** An upper-case command name ("UID FETCH"); undefined: all. */
  readonly command?: string;
  readonly status?: StatusFilter;
  /** Case-insensitive text in the command or any of its lines. */
  readonly text?: string;
  /** Only the exchanges that fetched this message (Show Traffic for This Message); `label` names it in the view. */
  readonly message?: { readonly identity: MessageIdentity; readonly label: string };
}

export interface ViewConnection {
  readonly id: string;
  readonly protocol: 'imap' | 'pop3';
  readonly opened: string;
  readonly closed?: string;
  readonly greeting?: string;
  readonly tls?: string;
  readonly login?: string;
  readonly sent: number;
  readonly received: number;
  /** Its exchanges that pass the filter. */
  readonly shown: number;
  readonly timeline: Timeline;
}

export interface ViewRow {
  readonly id: string;
  readonly connection: string;
  /** Local wall-clock time of the command, "14:03:07.123". */
  readonly time: string;
  readonly command: string;
  readonly commandText: string;
  readonly status: ExchangeStatus;
  /** NO, BAD, BYE, -ERR or lost: the row stands out. */
  readonly failed: boolean;
  /** "12.3 ms", "" while pending. */
  readonly latency: string;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly responseText?: string;
  readonly codes: readonly ResponseCode[];
  /** In a message transcript: what the exchange did for the message. */
  readonly role?: TranscriptRole;
  /** The exact lines (the output channel's rendering), for rows the user expanded. */
  readonly lines?: readonly string[];
}

/** A latency timeline: one bar per exchange, at its start time, as tall as its latency (log scale). viewBox 0 0 WIDTH HEIGHT. */
export interface Timeline {
  readonly spanMs: number;
  readonly bars: readonly TimelineBar[];
}

export interface TimelineBar {
  readonly id: string;
  readonly x: number;
  readonly width: number;
  readonly height: number;
  readonly failed: boolean;
  readonly pending: boolean;
  /** Tooltip: "A5 UID FETCH · 12.3 ms". */
  readonly title: string;
}

export const TIMELINE_WIDTH = 1000;
export const TIMELINE_HEIGHT = 40;
/** Rows sent at most (the newest that pass the filter); the rest is counted in `older`. */
export const MAX_ROWS = 2000;

export interface TrafficViewData {
  readonly connections: readonly ViewConnection[];
  readonly rows: readonly ViewRow[];
  /** Exchanges that pass the filter but are older than the rows sent. */
  readonly older: number;
  /** Exchanges that pass the filter, and in the record. */
  readonly matched: number;
  readonly total: number;
  /** Exchanges the record dropped because of its bound. */
  readonly dropped: number;
  /** Every command name in the record, for the filter's list. */
  readonly commands: readonly string[];
  readonly filter: TrafficFilter;
  /** For a message transcript: what its exchanges cost together. */
  readonly cost?: TranscriptCost;
}

const FAILED: ReadonlySet<ExchangeStatus> = new Set(['no', 'bad', 'bye', 'err', 'lost']);

export function isFailed(status: ExchangeStatus): boolean {
  return FAILED.has(status);
}

/** `expanded`: ids of the rows whose lines are sent. `maxRows` bounds what the page has to render. */
export function buildViewData(record: TrafficRecord, filter: TrafficFilter, expanded: ReadonlySet<string> = new Set(), maxRows = MAX_ROWS): TrafficViewData {
  const all = record.exchanges();
  const { exchanges, roles, cost } = filterExchanges(all, filter);
  const sent = exchanges.slice(Math.max(0, exchanges.length - maxRows));
  const byConnection = new Map<string, Exchange[]>();
  for (const e of exchanges) {
    let list = byConnection.get(e.connection);
    if (!list) byConnection.set(e.connection, (list = []));
    list.push(e);
  }
  const connections = record.connections().map((c) => viewConnection(c, byConnection.get(c.id) ?? []));
  return {
    connections,
    rows: sent.map((e) => viewRow(e, roles.get(e.id), expanded.has(e.id))),
    older: exchanges.length - sent.length,
    matched: exchanges.length,
    total: all.length,
    dropped: record.dropped,
    commands: [...new Set(all.map((e) => e.command))].sort(),
    filter,
    ...(cost ? { cost } : {}),
  };
}

/** The exchanges that pass the filter, in wire order, with their roles when the filter is a message's. */
export function filterExchanges(
  all: readonly Exchange[],
  filter: TrafficFilter,
): { exchanges: Exchange[]; roles: Map<string, TranscriptRole>; cost?: TranscriptCost } {
  const roles = new Map<string, TranscriptRole>();
  let candidates: readonly Exchange[] = all;
  let cost: TranscriptCost | undefined;
  if (filter.message) {
    const entries = messageTranscript(all, filter.message.identity);
    for (const entry of entries) roles.set(entry.exchange.id, entry.role);
    candidates = entries.map((e) => e.exchange);
    cost = transcriptCost(entries);
  }
  const text = filter.text?.trim().toLowerCase();
  const status = filter.status ?? 'all';
  const exchanges = candidates.filter(
    (e) =>
      (filter.connection === undefined || e.connection === filter.connection) &&
      (filter.command === undefined || e.command === filter.command) &&
      (status === 'all' || (status === 'failed' ? isFailed(e.status) : e.status === status)) &&
      (!text || mentions(e, text)),
  );
  return { exchanges, roles, ...(cost ? { cost } : {}) };
}

function mentions(e: Exchange, lowerText: string): boolean {
  if (e.commandText.toLowerCase().includes(lowerText) || e.command.toLowerCase().includes(lowerText)) return true;
  return e.events.some((line) => line.text.toLowerCase().includes(lowerText));
}

function viewConnection(c: ConnectionRecord, shown: readonly Exchange[]): ViewConnection {
  return {
    id: c.id,
    protocol: c.protocol,
    opened: clockTime(c.openedAt),
    ...(c.closedAt !== undefined ? { closed: clockTime(c.closedAt) } : {}),
    ...(c.greeting !== undefined ? { greeting: c.greeting } : {}),
    ...(c.tls !== undefined ? { tls: c.tls } : {}),
    ...(c.login !== undefined ? { login: c.login } : {}),
    sent: c.counts.sent,
    received: c.counts.received,
    shown: shown.length,
    timeline: timeline(c, shown),
  };
}

function viewRow(e: Exchange, role: TranscriptRole | undefined, expanded: boolean): ViewRow {
  return {
    id: e.id,
    connection: e.connection,
    time: clockTime(e.startedAt),
    command: e.command,
    // The greeting and unsolicited responses have no command line: their name stands in.
    commandText: e.commandText || e.command,
    status: e.status,
    failed: isFailed(e.status),
    latency: e.latencyMs === undefined ? '' : formatLatency(e.latencyMs),
    bytesOut: e.bytesOut,
    bytesIn: e.bytesIn,
    ...(e.responseText !== undefined ? { responseText: e.responseText } : {}),
    codes: e.codes,
    ...(role ? { role } : {}),
    ...(expanded ? { lines: exchangeLines(e) } : {}),
  };
}

/** The exchange's lines exactly as the output channel shows them. */
export function exchangeLines(e: Exchange): string[] {
  return e.events.map((line) => formatTrafficLine(line));
}

/** "0.42 ms", "12.3 ms", "1,234 ms". */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** Local wall-clock time with milliseconds: "14:03:07.123". */
export function clockTime(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Bars over the connection's life (from its opening to its close, or its last answer): x is when the command was
 * sent, the width how long it took (at least one unit, so a fast command still shows), the height its latency on
 * a log scale (1 ms and less: a sliver; 10 s: full height).
 */
export function timeline(c: ConnectionRecord, exchanges: readonly Exchange[]): Timeline {
  const start = c.openedAt;
  let end = c.closedAt ?? start;
  for (const e of exchanges) end = Math.max(end, e.endedAt ?? e.startedAt);
  const spanMs = Math.max(end - start, 1);
  const scale = TIMELINE_WIDTH / spanMs;
  const bars = exchanges.map((e): TimelineBar => {
    const latency = e.latencyMs ?? (e.endedAt ?? end) - e.startedAt;
    const x = Math.min(Math.max((e.startedAt - start) * scale, 0), TIMELINE_WIDTH - 1);
    const width = Math.min(Math.max(latency * scale, 1), TIMELINE_WIDTH - x);
    const height = Math.max(2, Math.min(TIMELINE_HEIGHT, (Math.log10(Math.max(latency, 1)) / 4) * TIMELINE_HEIGHT));
    return {
      id: e.id,
      x: round(x),
      width: round(width),
      height: round(height),
      failed: isFailed(e.status),
      pending: e.status === 'pending',
      title: `${e.tag ? `${e.tag} ` : ''}${e.command} · ${e.latencyMs === undefined ? e.status : formatLatency(e.latencyMs)}`,
    };
  });
  return { spanMs, bars };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** What the traffic view's page may send back; checked field by field (it comes from another process). */
export type PageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'filter'; readonly connection?: string; readonly command?: string; readonly status: StatusFilter; readonly text?: string }
  | { readonly type: 'clearMessage' }
  | { readonly type: 'toggle'; readonly id: string; readonly expanded: boolean }
  | { readonly type: 'export' };

const STATUSES: readonly StatusFilter[] = ['all', 'ok', 'failed', 'pending'];

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 500) : undefined;
}

/** The page's message, or undefined for anything not in PageMessage's shape. */
export function parsePageMessage(raw: unknown): PageMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'clearMessage':
    case 'export':
      return { type: m.type };
    case 'filter': {
      const status = STATUSES.find((s) => s === m.status) ?? 'all';
      const connection = optionalString(m.connection);
      const command = optionalString(m.command);
      const text = optionalString(m.text);
      return { type: 'filter', status, ...(connection ? { connection } : {}), ...(command ? { command } : {}), ...(text ? { text } : {}) };
    }
    case 'toggle':
      return typeof m.id === 'string' && typeof m.expanded === 'boolean' ? { type: 'toggle', id: m.id, expanded: m.expanded } : undefined;
    default:
      return undefined;
  }
}
