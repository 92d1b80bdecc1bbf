import libmime from 'libmime';
import { Address, MessageSummary } from '../mailStore';
import { envelopeDate } from './envelopeDate';

/** A token of a parsed response (imapflow's parser or fetchScanner.ts): an atom, string or literal (`value`), or a list. */
export type Token = { type?: string; value?: unknown } | Token[] | null | undefined;

/** An untagged response as parsed: the sequence number as `command`, then `FETCH` and the list of items. */
export interface Untagged {
  command?: string;
  attributes?: Token[];
}

/**
 * What the tree shows of one `* n FETCH (UID FLAGS ENVELOPE RFC822.SIZE [MODSEQ])` answer, read from its tokens the
 * way imapflow's formatter reads them (test/integration/envelopeFetch.test.ts holds it to imapflow's message objects).
 * Undefined for a FETCH without a UID.
 */
export function toSummary(untagged: Untagged): MessageSummary | undefined {
  const seq = Number(untagged.command);
  const list = untagged.attributes?.[1];
  if (!Array.isArray(list)) return undefined;
  let uid: number | undefined;
  let size = 0;
  let flags: string[] = [];
  let modseq: string | undefined;
  let envelope: Token[] | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = text(list[i]);
    const key = name === undefined || ITEMS.has(name) ? name : name.toUpperCase();
    const value = list[i + 1];
    switch (key) {
      case 'UID': {
        const s = text(value);
        if (s && DIGITS.test(s)) uid = Number(s);
        break;
      }
      case 'RFC822.SIZE': {
        const s = text(value);
        size = s && DIGITS.test(s) ? Number(s) : 0;
        break;
      }
      case 'FLAGS':
        flags = Array.isArray(value) ? flagList(value) : [];
        break;
      case 'MODSEQ': {
        const s = Array.isArray(value) ? text(value[0]) : undefined;
        if (s && DIGITS.test(s)) modseq = s;
        break;
      }
      case 'ENVELOPE':
        if (Array.isArray(value)) envelope = value;
        break;
    }
  }
  if (uid === undefined || !Number.isInteger(seq)) return undefined;
  const messageId = envelope ? text(envelope[9]) : undefined;
  return summaryOf(seq, uid, size, flags, modseq, envelope ? text(envelope[0]) : undefined, envelope ? text(envelope[1]) : undefined, envelope ? addresses(envelope[2]) : [], envelope ? addresses(envelope[5]) : [], messageId);
}

/** The summary of one FETCH answer from its fields as sent (date, subject and Message-ID as their texts): shared with envelopeLine.ts. */
export function summaryOf(seq: number, uid: number, size: number, flags: string[], modseq: string | undefined, dateText: string | undefined, subjectText: string | undefined, from: Address[], to: Address[], messageIdText: string | undefined): MessageSummary {
  const date = dateText ? envelopeDate(dateText) : undefined;
  const messageId = messageIdText?.trim();
  const subject = decoded(subjectText);
  const shownDate = date && !Number.isNaN(date.getTime()) ? date : undefined;
  const shownId = messageId || undefined;
  // `modseq` only where the server sent one (no `modseq: undefined`). Two literals, not a property added to one:
  // a literal's hidden class lives as long as the code that makes it, an added property's only while some object
  // has it, and when every summary of a listing was gone a full garbage collection dropped it and threw away the
  // optimised code built on it (see envelopeLine.ts's reader).
  if (modseq !== undefined) return { id: String(uid), seq, subject, from, to, date: shownDate, messageId: shownId, size, flags, modseq };
  return { id: String(uid), seq, subject, from, to, date: shownDate, messageId: shownId, size, flags };
}

/** The item names as servers send them (Dovecot and most others: upper case); any other spelling is upper-cased. */
const ITEMS = new Set(['UID', 'RFC822.SIZE', 'FLAGS', 'MODSEQ', 'ENVELOPE']);
const DIGITS = /^\d{1,20}$/;

/**
 * The flags once each, in the server's order. A listing holds one array per message and nearly every message has
 * one or two flags, so the array is made to size (an array grown by push() keeps room for 16), and the flag names
 * are shared strings, not one copy each per message.
 */
function flagList(tokens: readonly Token[]): string[] {
  if (tokens.length === 0) return [];
  if (tokens.length === 1) {
    const flag = text(tokens[0]);
    return flag ? [shared(flag)] : [];
  }
  const out: string[] = [];
  for (const token of tokens) {
    const flag = text(token);
    if (flag && !out.includes(flag)) out.push(shared(flag));
  }
  return out.slice();
}

const sharedFlags = new Map<string, string>();
const SHARED_FLAGS_KEPT = 1_000;

/** One string per distinct flag name, shared by every message that has it. */
export function shared(flag: string): string {
  const known = sharedFlags.get(flag);
  if (known !== undefined) return known;
  if (sharedFlags.size >= SHARED_FLAGS_KEPT) sharedFlags.clear();
  sharedFlags.set(flag, flag);
  return flag;
}

function text(token: Token): string | undefined {
  if (!token || Array.isArray(token)) return undefined;
  const value = token.value;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}

/**
 * libmime.decodeWords changes only text with an encoded word in it; everything else is returned as is, without
 * its regexes. A listing meets the same encoded sender names over and over, so the last {@link DECODED_KEPT}
 * decodings are kept (the decoding depends on nothing but the text).
 */
function decoded(value: string | undefined): string {
  if (!value) return '';
  if (!value.includes('=?')) return value;
  let result = decodedWords.get(value);
  if (result === undefined) {
    result = libmime.decodeWords(value);
    if (decodedWords.size >= DECODED_KEPT) decodedWords.clear();
    decodedWords.set(value, result);
  }
  return result;
}

const DECODED_KEPT = 2_000;
const decodedWords = new Map<string, string>();

/** imapflow's processName: a name some servers leave in double quotes loses them. */
function unquoted(value: string): string {
  return value.length > 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** An ENVELOPE address list as imapflow's parseEnvelope reads it (a NIL host is group syntax: the name only); made to size, as flagList(). */
function addresses(list: Token): Address[] {
  if (!Array.isArray(list) || list.length === 0) return [];
  if (list.length === 1) {
    const one = address(list[0]);
    return one ? [one] : [];
  }
  const out: Address[] = [];
  for (const entry of list) {
    const one = address(entry);
    if (one) out.push(one);
  }
  return out.slice();
}

function address(entry: Token): Address | undefined {
  if (!Array.isArray(entry)) return undefined;
  return addressOf(text(entry[0]), text(entry[2]), text(entry[3]));
}

/** One ENVELOPE address from its name, mailbox and host as sent (NIL: undefined); undefined when it says nothing. Shared with envelopeLine.ts. */
export function addressOf(nameText: string | undefined, mailboxText: string | undefined, hostText: string | undefined): Address | undefined {
  const name = unquoted(decoded(nameText));
  const mailbox = mailboxText ?? '';
  const host = hostText ?? '';
  const address = host ? { name, address: `${mailbox}@${host}` } : { name: name || (mailbox && unquoted(decoded(mailbox))), address: '' };
  return address.name || address.address ? address : undefined;
}
