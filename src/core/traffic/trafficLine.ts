/** Who sent the bytes: the client (`C:`) or the server (`S:`). */
export type Direction = 'client' | 'server';

/** One line of a protocol conversation as it is shown: already masked and elided, without its CRLF. */
export interface TrafficLine {
  /** Connection id, unique within the extension's life (e.g. "imap#3"). */
  readonly connection: string;
  /** `client`, `server`, or `info` for notes the tap adds (connected, TLS negotiated, closed). */
  readonly direction: Direction | 'info';
  readonly text: string;
}

export type TrafficSink = (line: TrafficLine) => void;

/** Bytes moved in each direction (protocol bytes, before TLS). */
export interface TrafficCounts {
  sent: number;
  received: number;
}

export const MASK = '****';
