import { decodeMailboxName } from '../imap/write/folderNames';
import type { Exchange } from './exchange';

/**
 * Which message (or part of one) a transcript is about: IMAP by folder and UID, POP3 by UIDL (or, on a server
 * without UIDL, by the message number the listing gave as its id). `section` narrows it to one MIME part.
 */
export type MessageIdentity =
  | { readonly protocol: 'imap'; readonly mailbox: string; readonly uid: number; readonly section?: string }
  | { readonly protocol: 'pop3'; readonly uidl: string; readonly section?: string };

/**
 * The identity of a message of an account as the tree and the documents name it (`messageId` is a UID for IMAP,
 * a UIDL for POP3), with the words a view shows for it; undefined for an IMAP id that is no UID.
 */
export function messageIdentityOf(
  protocol: 'imap' | 'pop3',
  folder: string,
  messageId: string,
  subject: string | undefined,
  section?: string,
): { identity: MessageIdentity; label: string } | undefined {
  const name = subject ? `"${subject}"` : 'message';
  const part = section ? `part ${section} of ` : '';
  if (protocol === 'pop3') return { identity: { protocol: 'pop3', uidl: messageId, ...(section ? { section } : {}) }, label: `${part}${name} (UIDL ${messageId})` };
  const uid = Number(messageId);
  if (!Number.isInteger(uid)) return undefined;
  return { identity: { protocol: 'imap', mailbox: folder, uid, ...(section ? { section } : {}) }, label: `${part}${name} (UID ${uid} in ${folder})` };
}

/** What an exchange did for the message: how the transcript labels it. */
export type TranscriptRole = 'listing' | 'structure' | 'headers' | 'body' | 'part' | 'flags' | 'write' | 'other';

export interface TranscriptEntry {
  readonly exchange: Exchange;
  readonly role: TranscriptRole;
  /** For `part`: the section it fetched ("2", "1.3"). */
  readonly section?: string;
}

/**
 * The exchanges that fetched (or touched) one message, in wire order, each with its role. IMAP: commands on the
 * message's folder whose UID set holds the UID (`UID FETCH 12:20`), or whose responses name it (`* 5 FETCH (UID 12 …)`,
 * how a page of the listing answers a FETCH by sequence numbers). POP3: commands on the message's number (RETR, TOP,
 * LIST n, UIDL n, DELE) once the connection learned the number from a UIDL reply, and UIDL/LIST listings that
 * carry its line. For a part, fetches of other parts are left out; the listing, structure and whole-message
 * fetches stay (they are how the part was reached).
 */
export function messageTranscript(exchanges: readonly Exchange[], identity: MessageIdentity): TranscriptEntry[] {
  const entries = identity.protocol === 'imap' ? imapEntries(exchanges, identity) : pop3Entries(exchanges, identity);
  const section = identity.section;
  if (section === undefined) return entries;
  return entries.filter((e) => e.role !== 'part' || e.section === undefined || related(e.section, section));
}

/** One section holds the other (a part fetch of "2" also fetched "2.1"; "2.1" is in what "2" fetched). */
function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

function imapEntries(exchanges: readonly Exchange[], id: { mailbox: string; uid: number }): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  const mailbox = normalizeMailbox(id.mailbox);
  for (const exchange of exchanges) {
    if (exchange.protocol !== 'imap') continue;
    const target = exchange.target;
    if (target?.mailbox === undefined || !sameMailbox(target.mailbox, mailbox)) continue;
    const bySet = target.uids !== undefined && uidSetHas(target.uids, id.uid);
    if (!bySet && !respondsWithUid(exchange, id.uid)) continue;
    out.push({ exchange, ...imapRole(exchange) });
  }
  return out;
}

/** Mailbox names as the server may quote them; INBOX is case-insensitive (RFC 9051 §5.1). */
/**
 * Whether a mailbox name as sent (quoted, in modified UTF-7 unless the session ENABLEd UTF8=ACCEPT) names the
 * tree's folder path (decoded by imapflow). Both readings are tried: a name sent as UTF-8 has no `&` to decode.
 */
function sameMailbox(sent: string, path: string): boolean {
  const name = normalizeMailbox(sent);
  if (name === path) return true;
  try {
    return name.includes('&') && normalizeMailbox(decodeMailboxName(name, false)) === path;
  } catch {
    return false;
  }
}

function normalizeMailbox(name: string): string {
  const unquoted = /^"(.*)"$/s.exec(name)?.[1]?.replace(/\\(["\\])/g, '$1') ?? name;
  return unquoted.toUpperCase() === 'INBOX' ? 'INBOX' : unquoted;
}

/** Whether an IMAP sequence-set of UIDs ("1:5,7,10:*") holds `uid`; `*` is the highest UID, so `n:*` holds all from n. */
export function uidSetHas(set: string, uid: number): boolean {
  for (const part of set.split(',')) {
    const m = /^\s*(\d+|\*)(?::(\d+|\*))?\s*$/.exec(part);
    if (!m) continue;
    const a = m[1] === '*' ? Infinity : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? Infinity : Number(m[2]);
    // `*` alone is the highest UID, which only the server knows: it does not say whether it is this one.
    if (a === Infinity && b === Infinity) continue;
    if (uid >= Math.min(a, b) && uid <= Math.max(a, b)) return true;
  }
  return false;
}

/** `* 5 FETCH (UID 12 …)` among the server's lines (quoted strings are skipped, so a subject saying "UID 12" does not count). */
function respondsWithUid(exchange: Exchange, uid: number): boolean {
  for (const event of exchange.events) {
    if (event.direction !== 'server' || event.kind !== 'line') continue;
    const m = /^\* \d+ FETCH \((.*)$/i.exec(event.text);
    if (!m) continue;
    const items = (m[1] ?? '').replace(/"(?:\\.|[^"\\])*"/g, '""');
    const found = /(?:^|[\s(])UID (\d+)\b/i.exec(items);
    if (found && Number(found[1]) === uid) return true;
  }
  return false;
}

function imapRole(exchange: Exchange): { role: TranscriptRole; section?: string } {
  const command = exchange.command;
  const text = exchange.commandText.toUpperCase();
  if (/^(UID )?(STORE|COPY|MOVE|EXPUNGE)$/.test(command)) return { role: 'write' };
  if (!/FETCH$/.test(command)) return { role: 'other' };
  if (/BODYSTRUCTURE/.test(text)) return { role: 'structure' };
  const part = /(?:BODY(?:\.PEEK)?|BINARY(?:\.PEEK)?)\[(\d+(?:\.\d+)*)(?:\.(?:MIME|HEADER|TEXT))?\]/.exec(text);
  if (part) return { role: 'part', section: part[1] };
  if (/(?:BODY(?:\.PEEK)?|BINARY(?:\.PEEK)?)\[\]|\bRFC822(?![.\w])|\bRFC822\.TEXT\b|BODY(?:\.PEEK)?\[TEXT\]/.test(text)) return { role: 'body' };
  if (/BODY(?:\.PEEK)?\[HEADER|\bRFC822\.HEADER\b/.test(text)) return { role: 'headers' };
  if (/ENVELOPE/.test(text)) return { role: 'listing' };
  if (/FLAGS/.test(text)) return { role: 'flags' };
  return { role: 'other' };
}

function pop3Entries(exchanges: readonly Exchange[], id: { uidl: string }): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  /** The message's number on each connection, once a UIDL reply said it (numbers are per session). */
  const numbers = new Map<string, number>();
  const numeric = /^\d+$/.test(id.uidl) ? Number(id.uidl) : undefined;
  const withUidl = new Set(exchanges.filter((e) => e.protocol === 'pop3' && e.command === 'UIDL' && e.status === 'ok').map((e) => e.connection));
  for (const exchange of exchanges) {
    if (exchange.protocol !== 'pop3') continue;
    const learned = learnNumber(exchange, id.uidl);
    if (learned !== undefined) numbers.set(exchange.connection, learned);
    const target = exchange.target;
    const known = numbers.get(exchange.connection);
    const byUidl = target?.pop3Uidl !== undefined && target.pop3Uidl === id.uidl;
    // A server without UIDL lists messages by number: then the id is the number (on a connection that never had a UIDL answer).
    const number = known ?? (withUidl.has(exchange.connection) ? undefined : numeric);
    const byNumber = target?.pop3Number !== undefined && target.pop3Uidl === undefined && number !== undefined && target.pop3Number === number;
    const inListing = target?.pop3Number === undefined && (learned !== undefined || (known !== undefined && exchange.command === 'LIST' && listsNumber(exchange, known)));
    if (!byUidl && !byNumber && !inListing) continue;
    out.push({ exchange, role: pop3Role(exchange) });
  }
  return out;
}

/** `UIDL` (multi-line `n uidl` lines) or `UIDL n` (`+OK n uidl`): the message's number, if this reply gives it. */
function learnNumber(exchange: Exchange, uidl: string): number | undefined {
  if (exchange.command !== 'UIDL') return undefined;
  for (const event of exchange.events) {
    if (event.direction !== 'server') continue;
    const m = /^(?:\+OK )?(\d+) (\S+)$/.exec(event.text);
    if (m && m[2] === uidl) return Number(m[1]);
  }
  return undefined;
}

function listsNumber(exchange: Exchange, n: number): boolean {
  return exchange.events.some((e) => e.direction === 'server' && e.kind === 'payload' && new RegExp(`^${n} \\d+$`).test(e.text));
}

function pop3Role(exchange: Exchange): TranscriptRole {
  switch (exchange.command) {
    case 'RETR':
      return 'body';
    case 'TOP':
      return 'headers';
    case 'LIST':
    case 'UIDL':
      return 'listing';
    case 'DELE':
      return 'write';
    default:
      return 'other';
  }
}

/** What the transcript's exchanges cost together. */
export interface TranscriptCost {
  readonly exchanges: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  /** Sum of the latencies of the finished ones, milliseconds. */
  readonly latencyMs: number;
}

export function transcriptCost(entries: readonly TranscriptEntry[]): TranscriptCost {
  let bytesOut = 0;
  let bytesIn = 0;
  let latencyMs = 0;
  for (const { exchange } of entries) {
    bytesOut += exchange.bytesOut;
    bytesIn += exchange.bytesIn;
    latencyMs += exchange.latencyMs ?? 0;
  }
  return { exchanges: entries.length, bytesOut, bytesIn, latencyMs };
}
