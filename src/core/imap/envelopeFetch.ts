import type { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import { MailError } from '../errors';
import { MessageSummary } from '../mailStore';
import { toSummary, Token, Untagged } from './envelopeSummary';
import { readEnvelopeLine } from './envelopeLine';
import { scanFetch } from './fetchScanner';
import { frameLinesFast } from './lineFraming';

type UntaggedHandler = (untagged: Untagged) => void | Promise<void>;

interface ExecOptions {
  untagged: Record<string, UntaggedHandler>;
  [RAW_FETCH]?: LeanHandlers;
}

/** Where a lean FETCH line goes: read whole by envelopeLine.ts (summary), or else as tokens by fetchScanner.ts (untagged). */
interface LeanHandlers {
  summary(summary: MessageSummary): void | Promise<void>;
  untagged: UntaggedHandler;
}

interface ExecConnection {
  exec(command: string, attributes: unknown[], options: ExecOptions): Promise<{ next(): void }>;
  streamer?: unknown;
  currentRequest?: false | { options?: Partial<ExecOptions> };
  enabled: Set<string>;
  mailbox: false | { path: string; uidNext?: number; highestModseq?: bigint; noModseq?: boolean };
}

/**
 * The envelopes of a listing (`UID FETCH <set> (UID FLAGS ENVELOPE RFC822.SIZE [MODSEQ])`, or by sequence), read
 * straight from the wire (envelopeLine.ts), or else from tokens, into what the tree shows.
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
  readFetchLinesLean(connection);
  const mailbox = connection.mailbox;
  if (!mailbox) throw new MailError('protocol', 'No folder is open for FETCH.');
  const items: Token[] = [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: 'FLAGS' }, { type: 'ATOM', value: 'ENVELOPE' }, { type: 'ATOM', value: 'RFC822.SIZE' }];
  const modseq = connection.enabled.has('CONDSTORE') && !mailbox.noModseq;
  if (modseq) items.push({ type: 'ATOM', value: 'MODSEQ' });
  const messages: MessageSummary[] = [];
  let ranSince = performance.now();
  const onSummary = (summary: MessageSummary): void | Promise<void> => {
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
  };
  const onFetch: UntaggedHandler = (untagged) => {
    const summary = toSummary(untagged);
    return summary ? onSummary(summary) : undefined;
  };
  const response = await connection.exec(byUid ? 'UID FETCH' : 'FETCH', [{ type: 'SEQUENCE', value: range }, items], { untagged: { FETCH: onFetch }, [RAW_FETCH]: { summary: onSummary, untagged: onFetch } });
  response.next();
  return messages;
}

/** The exec option that asks for this command's FETCH lines to be read by envelopeLine.ts or fetchScanner.ts, with these handlers. */
const RAW_FETCH = Symbol('mailInspector.leanFetch');
const lean = new WeakSet<ExecConnection>();

/**
 * Lets a command take its own untagged FETCH lines straight from the connection's line framing (lineFraming.ts),
 * before imapflow's object stream and reader, and read them with envelopeLine.ts (straight into a summary) or else
 * fetchScanner.ts (tokens) instead of imapflow's tokenizer (issue 15: in a 10,000-envelope listing the tokenizer
 * was slower than imaplib's whole FETCH, and the stream's promises and ticks per line came next). While the
 * command on the wire (`currentRequest`, the one a FETCH line is dispatched to by imapflow too) carries the
 * RAW_FETCH option, a line either reader reads goes to its handlers. Everything else, and every line both decline,
 * is imapflow's as before. For an untagged FETCH line imapflow's handleResponse does nothing else the product uses
 * (no response codes, no state, no `response` event, a trace log that is off), so only the parse and the path
 * change. Throws if imapflow's shape changed.
 */
function readFetchLinesLean(connection: ExecConnection): void {
  if (lean.has(connection)) return;
  if (!('currentRequest' in connection)) throw new Error('imapflow no longer has currentRequest: envelopeFetch.ts needs updating.');
  frameLinesFast(connection.streamer, (payload, literals) => {
    const request = connection.currentRequest;
    const handlers = request ? request.options?.[RAW_FETCH] : undefined;
    if (!handlers) return undefined;
    const summary = readEnvelopeLine(payload, literals);
    if (summary) return handlers.summary(summary) ?? true;
    const scanned = scanFetch(payload, literals);
    if (!scanned) return undefined;
    return handlers.untagged(scanned as Untagged) ?? true;
  });
  lean.add(connection);
}

/** The longest stretch the listing runs before it lets the event loop take a turn (issue 15: no stall over 50 ms; at 20 ms, stalls of 30–70 ms remained, the turn coming late after imapflow’s own work). */
const YIELD_AFTER_MS = 5;
