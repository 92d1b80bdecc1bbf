import type { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import libmime from 'libmime';
import { MailError } from '../errors';
import { Address, MessageSummary } from '../mailStore';

/** A token of imapflow's parsed response: an atom, string or literal (`value`), or a list (an array). */
type Token = { type?: string; value?: unknown } | Token[] | null | undefined;

interface Untagged {
  command?: string;
  attributes?: Token[];
}

interface ExecConnection {
  exec(command: string, attributes: unknown[], options: { untagged: Record<string, (untagged: Untagged) => void | Promise<void>> }): Promise<{ next(): void }>;
  enabled: Set<string>;
  mailbox: false | { path: string; uidNext?: number; highestModseq?: bigint; noModseq?: boolean };
}

/**
 * The envelopes of a listing (`UID FETCH <set> (UID FLAGS ENVELOPE RFC822.SIZE [MODSEQ])`, or by sequence), read
 * straight from imapflow's parsed tokens into what the tree shows.
 *
 * Why not `client.fetch()`: imapflow 2.10.2 turns every FETCH response into its full message object first
 * (formatMessageResponse): it serialises each attribute name back to text to find its key, hashes an `id` (MD5) for
 * every message, decodes every address name and subject through libmime even when there is nothing encoded, and
 * builds sender, reply-to, cc, bcc and in-reply-to that the list never shows. In a 10,000-envelope listing that was
 * most of our own time after the parser. The command goes through imapflow's own `exec` with an untagged FETCH
 * handler (what its fetch command does), so tagging, the queue, literals, limits and mailbox state stay imapflow's;
 * the two pieces of mailbox state its formatter keeps up to date (uidNext, highestModseq) are kept here the same way.
 */
export async function fetchEnvelopes(client: ImapFlow, range: string, byUid: boolean): Promise<MessageSummary[]> {
  const connection = client as unknown as ExecConnection;
  if (typeof connection.exec !== 'function') throw new Error('imapflow no longer has exec(): envelopeFetch.ts needs updating.');
  const mailbox = connection.mailbox;
  if (!mailbox) throw new MailError('protocol', 'No folder is open for FETCH.');
  const items: Token[] = [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: 'FLAGS' }, { type: 'ATOM', value: 'ENVELOPE' }, { type: 'ATOM', value: 'RFC822.SIZE' }];
  const modseq = connection.enabled.has('CONDSTORE') && !mailbox.noModseq;
  if (modseq) items.push({ type: 'ATOM', value: 'MODSEQ' });
  const messages: MessageSummary[] = [];
  let ranSince = performance.now();
  const response = await connection.exec(byUid ? 'UID FETCH' : 'FETCH', [{ type: 'SEQUENCE', value: range }, items], {
    untagged: {
      FETCH: (untagged) => {
        const summary = toSummary(untagged);
        if (!summary) return;
        const uid = Number(summary.id);
        if (!mailbox.uidNext || mailbox.uidNext <= uid) mailbox.uidNext = uid + 1;
        if (summary.modseq !== undefined) {
          const value = BigInt(summary.modseq);
          if (!mailbox.highestModseq || mailbox.highestModseq < value) mailbox.highestModseq = value;
        }
        messages.push(summary);
        // imapflow reads a burst of answers in microtasks, which never let the event loop run: a 10,000-envelope
        // answer that arrived whole was one synchronous stretch of 100–200 ms. imapflow awaits this handler, so
        // pausing here for a turn of the event loop (setImmediate) now and then lets timers and input through.
        if (performance.now() - ranSince < YIELD_AFTER_MS) return undefined;
        return new Promise<void>((resolve) =>
          setImmediate(() => {
            ranSince = performance.now();
            resolve();
          }),
        );
      },
    },
  });
  response.next();
  return messages;
}

function text(token: Token): string | undefined {
  if (!token || Array.isArray(token)) return undefined;
  const value = token.value;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}

/** libmime.decodeWords changes only text with an encoded word in it; everything else is returned as is, without the regexes. */
function decoded(value: string | undefined): string {
  if (!value) return '';
  return value.includes('=?') ? libmime.decodeWords(value) : value;
}

/** imapflow's processName: a name some servers leave in double quotes loses them. */
function unquoted(value: string): string {
  return value.length > 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** An ENVELOPE address list as imapflow's parseEnvelope reads it (a NIL host is group syntax: the name only). */
function addresses(list: Token): Address[] {
  if (!Array.isArray(list)) return [];
  const out: Address[] = [];
  for (const entry of list) {
    if (!Array.isArray(entry)) continue;
    const name = unquoted(decoded(text(entry[0])));
    const mailbox = text(entry[2]) ?? '';
    const host = text(entry[3]) ?? '';
    const address = host ? { name, address: `${mailbox}@${host}` } : { name: name || (mailbox && unquoted(decoded(mailbox))), address: '' };
    if (address.name || address.address) out.push(address);
  }
  return out;
}

const DIGITS = /^\d{1,20}$/;

/** The longest stretch the listing runs before it lets the event loop take a turn (issue 15: no stall over 50 ms). */
const YIELD_AFTER_MS = 20;

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** `[Day, ]DD Mon YYYY HH:MM[:SS] ±HHMM`, the form nearly every Date header has (RFC 5322 §3.3). */
const RFC5322_DATE = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})(?:\s|$)/;

/**
 * The Date header's instant. The common form is read by hand: V8's Date parser costs several microseconds a call,
 * which in a 10,000-envelope listing is noticeable; anything else goes to `new Date()`, as imapflow does.
 */
function parseDate(value: string): Date {
  const m = RFC5322_DATE.exec(value);
  const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  if (!m || month === undefined) return new Date(value);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offset * 60_000);
}

function toSummary(untagged: Untagged): MessageSummary | undefined {
  const seq = Number(untagged.command);
  const list = untagged.attributes?.[1];
  if (!Array.isArray(list)) return undefined;
  let uid: number | undefined;
  let size = 0;
  let flags: string[] = [];
  let modseq: string | undefined;
  let envelope: Token[] | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = text(list[i])?.toUpperCase();
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
        flags = Array.isArray(value) ? [...new Set(value.map(text).filter((f): f is string => !!f))] : [];
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
  const dateText = envelope ? text(envelope[0]) : undefined;
  const date = dateText ? parseDate(dateText) : undefined;
  const messageId = envelope ? text(envelope[9])?.trim() : undefined;
  return {
    id: String(uid),
    seq,
    subject: envelope ? decoded(text(envelope[1])) : '',
    from: envelope ? addresses(envelope[2]) : [],
    to: envelope ? addresses(envelope[5]) : [],
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: messageId || undefined,
    size,
    flags,
    ...(modseq !== undefined ? { modseq } : {}),
  };
}
