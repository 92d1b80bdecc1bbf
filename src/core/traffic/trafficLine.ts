/** Who sent the bytes: the client (`C:`) or the server (`S:`). */
export type Direction = 'client' | 'server';

/**
 * How a shown line ended on the wire: `crlf` is the protocol's terminator; anything else is marked in the
 * rendering (`lf` a bare LF, `cr` a bare CR, `none` bytes that end without a terminator: the end of a
 * literal that does not end in CRLF, or of the connection).
 */
export type LineEnd = 'crlf' | 'lf' | 'cr' | 'none';

/**
 * What a traffic event stands for:
 * - `line`: a protocol line (command, response, continuation request, untagged response);
 * - `payload`: a line inside an IMAP literal or a POP3 multi-line body;
 * - `elided`: the "… N bytes elided" marker (its `bytes` are the elided bytes);
 * - `note`: a note the tap adds (connecting, TLS negotiated, login method, closed); `bytes` 0.
 */
export type TrafficKind = 'line' | 'payload' | 'elided' | 'note';

/**
 * One event of a protocol conversation, as it is shown: already masked and elided. The output channel's
 * line is rendered from it (formatTrafficLine); the traffic view and the exchange record subscribe to the
 * same events. Nothing unmasked is ever in an event.
 */
export interface TrafficLine {
  /** Connection id, unique within the extension's life (e.g. "imap#3"). */
  readonly connection: string;
  /** `client`, `server`, or `info` for notes the tap adds (connected, TLS negotiated, closed). */
  readonly direction: Direction | 'info';
  /** The line as shown, without its terminator (see LineEnd). */
  readonly text: string;
  /** Order within the connection, from 1, in the order the bytes crossed the wire (both directions). */
  readonly seq: number;
  /** When the bytes were seen: milliseconds since the epoch with sub-millisecond fraction (performance.timeOrigin + performance.now()). */
  readonly at: number;
  /** Bytes on the wire this event stands for, terminator included (for `elided`, the bytes left out; for `note`, 0). */
  readonly bytes: number;
  readonly end: LineEnd;
  readonly kind: TrafficKind;
  /**
   * IMAP: the tag of the command this event belongs to (a client command's lines and literals, its tagged
   * response; untagged responses and continuation requests while it is in flight); POP3: unset.
   */
  readonly tag?: string;
  /** The command this event belongs to, upper case: IMAP "UID FETCH", "LOGIN", "IDLE"; POP3 "RETR", "PASS". */
  readonly command?: string;
}

/** The events of a traffic tap, as they happen. */
export type TrafficSink = (line: TrafficLine) => void;

/** Bytes moved in each direction (protocol bytes, before TLS). */
export interface TrafficCounts {
  sent: number;
  received: number;
}

export const MASK = '****';
