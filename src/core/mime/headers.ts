import { Headers } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { formatCount } from '../format';

// The header view: every field in order, as written and decoded. Splitting the block into fields (with
// folding) is done by mailsplit's Headers, encoded words by libmime, address lists by nodemailer's
// addressparser — the same code mailparser uses.

/** One mailbox of an address header; `group` names the RFC 5322 group it was listed in, if any. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
  readonly group?: string;
}

/** One header field. */
export interface HeaderField {
  /** Position in the block, from 0. */
  readonly index: number;
  /** Field name as written. */
  readonly name: string;
  /** Lower-case field name. */
  readonly key: string;
  /** The field exactly as written (folding kept); 8-bit bytes read as UTF-8 when valid, else as Latin-1. */
  readonly raw: string;
  /** The value unfolded, encoded words still encoded. */
  readonly value: string;
  /** The value unfolded with RFC 2047 encoded words decoded. */
  readonly decoded: string;
  /** Parsed addresses, for address fields (From, To, Cc, Reply-To, …). */
  readonly addresses: readonly MailAddress[] | undefined;
  /** Parsed date, for Date and Resent-Date. */
  readonly date: Date | undefined;
}

/** The header block of a message or part. */
export interface HeaderModel {
  readonly fields: readonly HeaderField[];
  /** Fields in the block, including those left out by the limits. */
  readonly totalFields: number;
  /** Size of the header block in bytes. */
  readonly totalBytes: number;
  /** Set when fields were left out: `shown` of `total` fields. */
  readonly truncated: { readonly shown: number; readonly total: number; readonly reason: 'headerLimit'; readonly message: string } | undefined;
}

/** Bounds on how much of a header block is turned into fields. */
export interface HeaderLimits {
  readonly maxFields: number;
  readonly maxBytes: number;
}

/** 1,000 fields or 1 MiB (mailparser's maxHeadSize), whichever comes first. */
export const DEFAULT_HEADER_LIMITS: HeaderLimits = { maxFields: 1000, maxBytes: 1024 * 1024 };

const ADDRESS_FIELDS = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc',
  'return-path', 'delivered-to', 'x-original-to', 'disposition-notification-to', 'errors-to', 'mail-followup-to', 'mail-reply-to',
]);
const DATE_FIELDS = new Set(['date', 'resent-date']);

/**
 * The bytes of a message's (or part's) header block, up to and including the blank line that ends it
 * (the whole input when there is none). Only the end of the block is looked for here; fields are split by
 * mailsplit.
 */
export function headerBlockOf(raw: Buffer): Buffer {
  if (raw.length > 0 && (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a))) return raw.subarray(0, raw[0] === 0x0a ? 1 : 2);
  let at = raw.indexOf(0x0a);
  while (at >= 0) {
    const next = raw[at + 1];
    if (next === 0x0a) return raw.subarray(0, at + 2);
    if (next === 0x0d && raw[at + 2] === 0x0a) return raw.subarray(0, at + 3);
    at = raw.indexOf(0x0a, at + 1);
  }
  return raw;
}

/** Every field of a header block, in order, unfolded and decoded, within the limits. */
export function parseHeaderBlock(block: Buffer, limits: HeaderLimits = DEFAULT_HEADER_LIMITS): HeaderModel {
  const lines = new Headers(block).getList();
  const fields: HeaderField[] = [];
  let bytes = 0;
  for (const line of lines) {
    // The splitter reads header bytes as Latin-1 ("binary"): that maps back to the exact bytes.
    const length = Buffer.byteLength(line.line, 'latin1') + 2;
    if (fields.length >= limits.maxFields || bytes + length > limits.maxBytes) break;
    bytes += length;
    fields.push(fieldOf(fields.length, line.line));
  }
  let truncated: HeaderModel['truncated'];
  if (fields.length < lines.length) {
    const why = fields.length >= limits.maxFields ? `the limit is ${formatCount(limits.maxFields)} fields` : `the limit is ${formatCount(limits.maxBytes)} bytes and the block has ${formatCount(block.length)}`;
    truncated = {
      shown: fields.length,
      total: lines.length,
      reason: 'headerLimit',
      message: `Showing ${formatCount(fields.length)} of ${formatCount(lines.length)} header fields: ${why}.`,
    };
  }
  return { fields, totalFields: lines.length, totalBytes: block.length, truncated };
}

/** The header fields of a whole raw message. */
export function parseMessageHeaders(raw: Buffer, limits?: HeaderLimits): HeaderModel {
  return parseHeaderBlock(headerBlockOf(raw), limits);
}

/** Splits an address list (display names decoded, groups flattened with their name kept). */
export function parseAddressList(value: string): MailAddress[] {
  const out: MailAddress[] = [];
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(value);
  } catch {
    return out;
  }
  for (const entry of parsed) {
    if (entry.group) {
      for (const member of entry.group) out.push({ name: safeDecode(member.name), address: member.address ?? '', group: safeDecode(entry.name) });
    } else {
      out.push({ name: safeDecode(entry.name), address: entry.address ?? '' });
    }
  }
  return out;
}

/** RFC 2047 decoding that never throws (an unknown charset leaves the word as written). */
export function safeDecode(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** Bytes read as a string: UTF-8 when they are valid UTF-8 (RFC 6532), otherwise Latin-1, never lossy. */
export function textOfHeaderBytes(latin1: string): string {
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}

function fieldOf(index: number, line: string): HeaderField {
  const raw = textOfHeaderBytes(line);
  const colon = raw.indexOf(':');
  const name = (colon >= 0 ? raw.slice(0, colon) : raw).trim();
  const key = name.toLowerCase();
  // Unfolding (RFC 5322 2.2.3): a line break followed by white space is removed, the white space kept.
  const value = (colon >= 0 ? raw.slice(colon + 1) : '').replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]/g, '').trim();
  const decoded = safeDecode(value);
  const addresses = ADDRESS_FIELDS.has(key) ? parseAddressList(value) : undefined;
  let date: Date | undefined;
  if (DATE_FIELDS.has(key)) date = parseMailDate(value);
  return { index, name, key, raw, value, decoded, addresses, date };
}

/** An RFC 5322 date (comments such as "(UTC)" ignored), or undefined when it cannot be read. */
export function parseMailDate(value: string): Date | undefined {
  const cleaned = value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (!cleaned) return undefined;
  const time = Date.parse(cleaned);
  return Number.isNaN(time) ? undefined : new Date(time);
}
