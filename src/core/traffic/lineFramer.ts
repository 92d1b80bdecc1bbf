import { renderTrafficBytes } from './trafficText';

/**
 * Splits one direction of a byte stream into display lines, for the traffic log only (the protocol
 * libraries do the real parsing). Large payloads are elided: an IMAP literal (`{N}` at the end of a
 * line) or a POP3 multi-line body longer than `maxPayloadBytes` shows its first bytes and then
 * "… N bytes elided". Bytes are never held beyond what is shown. Each line's bytes are shown by
 * renderTrafficBytes (UTF-8 as text, anything else as `\xNN`).
 */
export interface FramerOptions {
  maxPayloadBytes: number;
  /** Longest line kept whole; longer lines are cut with a note (a hostile server cannot make us buffer). */
  maxLineBytes?: number;
}

type Emit = (text: string) => void;

const CRLF_LITERAL = /\{(\d{1,19})\+?\}$/;

/** A line's bytes for display, without its line terminator (CRLF or LF). */
function show(bytes: Buffer): string {
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
  return renderTrafficBytes(bytes.subarray(0, end));
}

/** The lines of a payload (split at LF, a CR before it dropped), without a final empty line. */
function payloadLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, lf + 1));
    start = lf + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

export abstract class LineFramer {
  protected line: Buffer[] = [];
  protected lineLength = 0;
  protected lineCut = 0;
  protected readonly maxLine: number;

  constructor(protected readonly options: FramerOptions, protected readonly emit: Emit) {
    this.maxLine = options.maxLineBytes ?? 64 * 1024;
  }

  abstract push(chunk: Buffer): void;

  /** Reads bytes up to and including the next LF into the current line; returns the index after it, or -1. */
  protected takeLine(chunk: Buffer, start: number): number {
    const lf = chunk.indexOf(0x0a, start);
    const end = lf === -1 ? chunk.length : lf + 1;
    const room = this.maxLine - this.lineLength;
    if (room > 0) {
      const piece = chunk.subarray(start, Math.min(end, start + room));
      this.line.push(piece);
      this.lineLength += piece.length;
    }
    this.lineCut += Math.max(0, end - start - Math.max(room, 0));
    return lf === -1 ? -1 : end;
  }

  /** Returns the finished line without CRLF, and resets. */
  protected finishLine(): string {
    let text = show(Buffer.concat(this.line));
    if (this.lineCut > 0) text += ` … ${this.lineCut} bytes of this line elided`;
    this.line = [];
    this.lineLength = 0;
    this.lineCut = 0;
    return text;
  }

  /** Emits whatever is pending (at connection close). */
  flush(): void {
    if (this.lineLength > 0 || this.lineCut > 0) this.emit(this.finishLine());
  }
}

/** IMAP: lines, with literals announced by `{N}` elided past the limit. */
export class ImapLineFramer extends LineFramer {
  private literalLeft = 0;
  private literalShown: Buffer[] = [];
  private literalShownLength = 0;
  private literalTotal = 0;

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        const room = Math.max(0, this.options.maxPayloadBytes - this.literalShownLength);
        if (room > 0) {
          const piece = chunk.subarray(pos, pos + Math.min(take, room));
          this.literalShown.push(piece);
          this.literalShownLength += piece.length;
        }
        this.literalLeft -= take;
        pos += take;
        if (this.literalLeft === 0) this.finishLiteral();
        continue;
      }
      const next = this.takeLine(chunk, pos);
      if (next === -1) return;
      pos = next;
      const text = this.finishLine();
      this.emit(text);
      const m = CRLF_LITERAL.exec(text);
      if (m) {
        this.literalTotal = Number(m[1]);
        this.literalLeft = this.literalTotal;
        if (this.literalLeft === 0) this.finishLiteral();
      }
    }
  }

  private finishLiteral(): void {
    for (const line of payloadLines(Buffer.concat(this.literalShown))) this.emit(show(line));
    const elided = this.literalTotal - this.literalShownLength;
    if (elided > 0) this.emit(`… ${elided} bytes elided (literal of ${this.literalTotal} bytes)`);
    this.literalShown = [];
    this.literalShownLength = 0;
    this.literalTotal = 0;
  }
}

/**
 * POP3: lines; after `expectMultiline()` the next +OK reply is followed by a body ending in CRLF.CRLF,
 * which is shown up to the limit. Works however the bytes are split across reads.
 */
export class Pop3LineFramer extends LineFramer {
  private multilinePending = 0;
  private inBody = false;
  private bodyShown = 0;
  private bodyElided = 0;

  /** The client sent a command whose success reply is multi-line (CAPA, LIST, UIDL, TOP, RETR …). */
  expectMultiline(): void {
    this.multilinePending++;
  }

  /** Multiline expectation cancelled (the command failed before being sent). */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const next = this.takeLine(chunk, pos);
      if (next === -1) return;
      pos = next;
      const size = this.lineLength + this.lineCut; // bytes on the wire, CRLF included
      const text = this.finishLine();
      if (!this.inBody) {
        this.emit(text);
        if (this.multilinePending > 0 && (text.startsWith('+OK') || text.startsWith('-ERR'))) {
          this.multilinePending--;
          if (text.startsWith('+OK')) {
            this.inBody = true;
            this.bodyShown = 0;
            this.bodyElided = 0;
          }
        }
        continue;
      }
      if (text === '.') {
        if (this.bodyElided > 0) this.emit(`… ${this.bodyElided} bytes elided`);
        this.emit('.');
        this.inBody = false;
        continue;
      }
      if (this.bodyShown + size <= this.options.maxPayloadBytes) {
        this.bodyShown += size;
        this.emit(text);
      } else {
        this.bodyElided += size;
      }
    }
  }
}
