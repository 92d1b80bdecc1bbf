import { MailError } from '../errors';

/**
 * Decodes the body of one POP3 multi-line reply (RFC 1939 §3) byte for byte.
 *
 * Why it exists: node-pop3 0.11.0 pushes the body to its stream as it comes and only recognises the end
 * when one TCP read ends in CRLF.CRLF, so a terminator split across two reads never completes (its
 * issue #36); it also leaves the stuffed dots in place. This decoder keeps every byte (CRLF, 8-bit),
 * removes the dot that the server added to lines starting with ".", finds the terminating CRLF.CRLF
 * however the bytes are split, and refuses to hold more than `limit` bytes.
 *
 * Lines end in CRLF (a bare LF does not start a line); the CRLF before the terminating "." belongs to
 * the body, so "a\r\n.\r\n" decodes to "a\r\n".
 */
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const LONE_CR = Buffer.from([CR]);

const enum State {
  /** After CRLF (or at the start of the body). */
  LineStart,
  /** Inside a line. */
  Mid,
  /** Inside a line, right after a CR. */
  Cr,
  /** A "." at the start of a line, withheld until we know whether it is stuffing or the terminator. */
  Dot,
  /** ".\r" at the start of a line, both withheld. */
  DotCr,
}

export class MultilineBody {
  private state = State.LineStart;
  private size = 0;
  private done = false;

  /** `limit`: most body bytes (after unstuffing) accepted; more throws MailError('limit'). */
  constructor(private readonly limit: number) {}

  /** Body bytes decoded so far. */
  get length(): number {
    return this.size;
  }

  /**
   * Feeds the next bytes from the server. Decoded body bytes go to `onData` (as sub-arrays of `chunk`
   * where possible). Returns the bytes after the terminator once the body is complete (possibly
   * empty), or undefined while more is needed.
   */
  push(chunk: Buffer, onData: (bytes: Buffer) => void): Buffer | undefined {
    if (this.done) throw new Error('MultilineBody: body already complete');
    const out = (bytes: Buffer): void => {
      if (bytes.length === 0) return;
      this.size += bytes.length;
      if (this.size > this.limit) throw new MailError('limit', `The server's reply is larger than the limit of ${this.limit} bytes.`);
      onData(bytes);
    };
    let segment = 0; // start of the bytes not yet handed to onData
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case State.LineStart:
          if (chunk[i] === DOT) {
            out(chunk.subarray(segment, i));
            this.state = State.Dot;
            segment = ++i;
          } else {
            this.state = State.Mid;
          }
          break;
        case State.Mid: {
          const cr = chunk.indexOf(CR, i);
          if (cr === -1) i = chunk.length;
          else {
            this.state = State.Cr;
            i = cr + 1;
          }
          break;
        }
        case State.Cr:
          if (chunk[i] === LF) {
            this.state = State.LineStart;
            i++;
          } else {
            this.state = State.Mid; // re-read this byte (it may be another CR)
          }
          break;
        case State.Dot:
          if (chunk[i] === CR) {
            this.state = State.DotCr;
            segment = ++i;
          } else {
            this.state = State.Mid; // the dot was stuffing: dropped; this byte is content
          }
          break;
        case State.DotCr:
          if (chunk[i] === LF) {
            // Everything before the "." was handed on already; ".\r" was withheld and is dropped.
            this.done = true;
            return chunk.subarray(i + 1);
          }
          // ".\r" then something else: the dot was stuffing, the CR is content.
          out(LONE_CR);
          this.state = State.Cr;
          break;
      }
    }
    // A withheld "." or ".\r" at the end of the chunk lies before `segment`, so it is not handed on.
    out(chunk.subarray(segment));
    return undefined;
  }
}
