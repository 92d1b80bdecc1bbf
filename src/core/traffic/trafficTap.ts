import { ExchangeRecord } from './exchangeRecord';
import { FramedLine, ImapLineFramer, LineFramer, Pop3LineFramer } from './lineFramer';
import { ImapMasker, LineMasker, Pop3Masker } from './masking';
import { Attribution, ImapPairing, Pairing, Pop3Pairing, pop3Multiline } from './pairing';
import type { TrafficRecord } from './exchange';
import { MASK, TrafficCounts, TrafficLine, TrafficSink } from './trafficLine';
import { lineEndMark, renderTrafficBytes } from './trafficText';

export interface TapOptions {
  /** Payloads (IMAP literals, POP3 multi-line bodies) longer than this are shown as their first bytes. */
  maxLiteralBytes: number;
  /** Events the record keeps (the oldest exchanges are dropped past it); 20,000 if unset. */
  recordEvents?: number;
  /**
   * false: bytes are only counted (no framing, masking, events or pairing; notes still go out). The floor
   * of what a tap costs, for the traffic benchmark's "capture off"; the product always captures.
   */
  capture?: boolean;
}

/**
 * The traffic tap of one account: every byte a session sends or receives passes through a
 * ConnectionTap, which counts it, frames it into lines, masks credentials, attributes each line to its
 * command and hands the events to the sinks (the output channel, a test's array, the traffic view) and
 * to the record, which pairs commands with their answers. Nothing reaches a sink or the record unmasked.
 */
export class TrafficTap {
  private next = 1;
  readonly totals: TrafficCounts = { sent: 0, received: 0 };
  private readonly sinks = new Set<TrafficSink>();
  private readonly exchanges: ExchangeRecord;

  constructor(sink: TrafficSink, private options: TapOptions) {
    this.sinks.add(sink);
    this.exchanges = new ExchangeRecord(options.recordEvents);
  }

  /** The account's paired exchanges, since the tap was made (bounded). */
  get record(): TrafficRecord {
    return this.exchanges;
  }

  setOptions(options: TapOptions): void {
    this.options = options;
  }

  /** More listeners than the constructor's sink; each gets every event from now on, masked. */
  subscribe(sink: TrafficSink): { dispose(): void } {
    this.sinks.add(sink);
    return { dispose: () => this.sinks.delete(sink) };
  }

  /**
   * `secrets` are scrubbed from every line as a last line of defence, whatever the masker did; a
   * secret known only later (a password asked for after the TLS handshake) is added with addSecret().
   */
  open(protocol: 'imap' | 'pop3', secrets: string[] = []): ConnectionTap {
    const id = `${protocol}#${this.next++}`;
    const words: string[] = [];
    const deliver: Delivery = (event, attribution) => {
      const shown = scrub(event, words);
      for (const sink of this.sinks) sink(shown);
      if (attribution) this.exchanges.add(shown, attribution);
      else this.exchanges.note(shown);
    };
    const connection = new ConnectionTap(id, protocol, deliver, this.options, this.totals, words, this.exchanges);
    for (const secret of secrets) connection.addSecret(secret);
    return connection;
  }
}

/** Where a ConnectionTap's events go: an attribution for protocol events, none for notes. */
type Delivery = (event: TrafficLine, attribution?: Attribution) => void;

/** The forms of a secret to scrub: lines show bytes rendered (renderTrafficBytes), so as written and as rendered. */
function scrubForms(secret: string): string[] {
  return [...new Set([secret, renderTrafficBytes(Buffer.from(secret, 'utf8'))])].filter((s) => s.length >= 3);
}

/** `words` is the connection's live list: a secret added later is scrubbed from the next line on. */
function scrub(event: TrafficLine, words: readonly string[]): TrafficLine {
  if (words.length === 0) return event;
  let text = event.text;
  for (const w of words) if (text.includes(w)) text = text.split(w).join(MASK);
  return text === event.text ? event : { ...event, text };
}

const now = (): number => performance.timeOrigin + performance.now();

export class ConnectionTap {
  readonly counts: TrafficCounts = { sent: 0, received: 0 };
  private readonly masker: LineMasker;
  private readonly pairing: Pairing;
  private readonly clientFramer: LineFramer;
  private readonly serverFramer: LineFramer;
  private closed = false;
  private seq = 0;
  /** POP3: the session says which replies are multi-line (expectMultiline); until it does, the command decides. */
  private explicitMultiline = false;
  private readonly capture: boolean;
  /** When the bytes being framed arrived or were written (one clock read per chunk: its lines came together). */
  private chunkAt = 0;

  constructor(
    readonly id: string,
    readonly protocol: 'imap' | 'pop3',
    private readonly deliver: Delivery,
    options: TapOptions,
    private readonly totals: TrafficCounts,
    /** The scrubbing list of this connection's events (see TrafficTap.open). */
    private readonly secrets: string[] = [],
    private readonly record?: ExchangeRecord,
  ) {
    const framerOptions = { maxPayloadBytes: options.maxLiteralBytes };
    this.capture = options.capture !== false;
    this.masker = protocol === 'imap' ? new ImapMasker() : new Pop3Masker();
    this.pairing = protocol === 'imap' ? new ImapPairing(id) : new Pop3Pairing(id);
    const emitClient = (line: FramedLine): void => {
      const text = this.masker.client(line);
      if (line.kind !== 'elided' && this.protocol === 'pop3' && !this.explicitMultiline && pop3Multiline(text) && this.serverFramer instanceof Pop3LineFramer) this.serverFramer.expectMultiline();
      this.protocolEvent('client', line, line.kind === 'elided' ? elidedText(line) : withCut(text, line));
    };
    const emitServer = (line: FramedLine): void => {
      const text = line.kind === 'elided' ? elidedText(line) : withCut(renderTrafficBytes(line.bytes), line);
      if (line.kind !== 'elided') this.masker.server(text, line.continued);
      this.protocolEvent('server', line, text);
    };
    this.clientFramer = protocol === 'imap' ? new ImapLineFramer(framerOptions, emitClient) : new Pop3LineFramer(framerOptions, emitClient);
    this.serverFramer = protocol === 'imap' ? new ImapLineFramer(framerOptions, emitServer) : new Pop3LineFramer(framerOptions, emitServer);
    this.record?.openConnection(id, protocol, this.counts, now());
  }

  /** From now on `secret` is scrubbed from every line of this connection (forms under 3 characters are not: they would mask ordinary text). */
  addSecret(secret: string): void {
    for (const form of scrubForms(secret)) if (!this.secrets.includes(form)) this.secrets.push(form);
  }

  /** Bytes the client wrote. */
  client(chunk: Buffer): void {
    this.counts.sent += chunk.length;
    this.totals.sent += chunk.length;
    if (!this.capture) return;
    this.chunkAt = now();
    this.clientFramer.push(chunk);
  }

  /**
   * A client write whose bytes a protocol library withheld from us because it carries credentials;
   * `described` is the library's own masked rendering. It is masked again here all the same. (Both
   * protocols are tapped at the socket now; kept for a transport that cannot be.)
   */
  clientWithheld(described: string, byteLength = 0): void {
    this.counts.sent += byteLength;
    this.totals.sent += byteLength;
    const bytes = Buffer.from(described, 'utf8');
    const line: FramedLine = { kind: 'line', bytes, end: 'crlf', wire: byteLength, cut: 0, continued: false, literalBytes: 0, literalEnds: false };
    this.protocolEvent('client', line, this.masker.client(line), now());
  }

  /** Bytes the server sent. */
  server(chunk: Buffer): void {
    this.counts.received += chunk.length;
    this.totals.received += chunk.length;
    if (!this.capture) return;
    this.chunkAt = now();
    this.serverFramer.push(chunk);
  }

  /** POP3: the next +OK reply is multi-line (the session knows; without these calls the tap goes by the command). */
  expectMultiline(): void {
    this.explicitMultiline = true;
    if (this.serverFramer instanceof Pop3LineFramer) this.serverFramer.expectMultiline();
  }

  /** A note about the connection (connected, TLS, closed), shown between the protocol lines. */
  info(text: string): void {
    this.deliver({ connection: this.id, direction: 'info', text, seq: ++this.seq, at: now(), bytes: 0, end: 'crlf', kind: 'note' });
  }

  private protocolEvent(direction: 'client' | 'server', line: FramedLine, text: string, at = this.chunkAt): void {
    const seq = ++this.seq;
    // Attributed on the masked text, scrubbed later by the delivery: the pairing reads tags and command names, never secrets.
    const a = this.pairing.attribute(direction, text, line, seq);
    const event: { -readonly [K in keyof TrafficLine]: TrafficLine[K] } = {
      connection: this.id,
      direction,
      text,
      seq,
      at,
      bytes: line.wire,
      end: line.kind === 'elided' ? 'crlf' : line.end,
      kind: line.kind,
    };
    // Set only when known (no `tag: undefined`), without a spread of a new object per line.
    if (a.tag !== undefined) event.tag = a.tag;
    if (a.command !== undefined) event.command = a.command;
    this.deliver(event, a);
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.chunkAt = now();
    this.clientFramer.flush();
    this.serverFramer.flush();
    this.info(`${reason} (sent ${this.counts.sent} bytes, received ${this.counts.received} bytes)`);
    this.record?.closeConnection(this.id, now());
  }
}

/** The text of an elided event. */
function elidedText(line: FramedLine): string {
  return line.payloadTotal !== undefined ? `… ${line.wire} bytes elided (literal of ${line.payloadTotal} bytes)` : `… ${line.wire} bytes elided`;
}

/** A line cut by the length limit says so after its text. */
function withCut(text: string, line: FramedLine): string {
  return line.cut > 0 ? `${text} … ${line.cut} bytes of this line elided` : text;
}

/**
 * The output channel's line: the connection id, `C:`, `S:` or `--` (a note), the text, and for a protocol
 * line that did not end in exactly CRLF on the wire its mark (lineEndMark: ` ⏎LF`, ` ⏎CR`, ` ⏎none`).
 */
export function formatTrafficLine(line: { connection: string; direction: string; text: string; end?: TrafficLine['end']; kind?: TrafficLine['kind'] }): string {
  const arrow = line.direction === 'client' ? 'C:' : line.direction === 'server' ? 'S:' : '--';
  const mark = line.end !== undefined && (line.kind === 'line' || line.kind === 'payload') ? lineEndMark(line.end) : '';
  return `[${line.connection}] ${arrow} ${line.text}${mark}`;
}
