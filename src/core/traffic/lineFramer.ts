import type { LineEnd } from './trafficLine';

/**
 * Splits one direction of a byte stream into display lines, for the traffic log only (the protocol
 * libraries do the real parsing). Large payloads are elided: an IMAP literal (`{N}` at the end of a
 * line) or a POP3 multi-line body longer than `maxPayloadBytes` shows its first bytes and then one
 * "elided" line standing for the rest. Bytes are never held beyond what is shown.
 *
 * The lines are faithful to the wire: joining every line's bytes with its terminator (`end`), and
 * putting the elided bytes where an elided line stands, gives back the stream. So an IMAP literal that
 * does not end in CRLF (an ENVELOPE subject sent as a literal) continues the wire line it is part of,
 * rather than being cut into two log lines.
 */
export interface FramerOptions {
  maxPayloadBytes: number;
  /** Longest line kept whole; longer lines are cut with a note (a hostile server cannot make us buffer). */
  maxLineBytes?: number;
}

/** One display line, before rendering and masking. */
export interface FramedLine {
  /** `line`: starts a wire line or continues one after a literal; `payload`: starts inside a literal or body; `elided`: stands for left-out bytes. */
  readonly kind: 'line' | 'payload' | 'elided';
  /** The shown bytes, without the terminator (empty for `elided`). */
  readonly bytes: Buffer;
  readonly end: LineEnd;
  /** Bytes on the wire it stands for: shown bytes, terminator, and any bytes cut from it. */
  readonly wire: number;
  /** Bytes cut from an over-long line (shown as a note after the text). */
  readonly cut: number;
  /** IMAP: the line is part of the previous line's command or response (it starts inside or right after a literal). */
  readonly continued: boolean;
  /** IMAP: how many leading bytes of `bytes` are literal data (the rest is protocol text). */
  readonly literalBytes: number;
  /** IMAP: the literal whose data starts this line ends within it (what follows `literalBytes` is protocol text). */
  readonly literalEnds: boolean;
  /** For `elided`: the size of the payload it belongs to (an IMAP literal), if known. */
  readonly payloadTotal?: number;
  /** POP3: this line is the `.` that ends a multi-line body. */
  readonly terminator?: boolean;
  /** POP3: this +OK line opens a multi-line body. */
  readonly opensBody?: boolean;
}

export type FrameSink = (line: FramedLine) => void;

const LITERAL = /\{(\d{1,19})\+?\}$/;

/** Where a finished line's terminator starts, and what it is. */
function terminatorOf(bytes: Buffer, terminated: boolean): { length: number; end: LineEnd } {
  const n = bytes.length;
  if (terminated) return n >= 2 && bytes[n - 2] === 0x0d ? { length: n - 2, end: 'crlf' } : { length: n - 1, end: 'lf' };
  if (n > 0 && bytes[n - 1] === 0x0d) return { length: n - 1, end: 'cr' };
  return { length: n, end: 'none' };
}

export abstract class LineFramer {
  private parts: Buffer[] = [];
  protected lineLength = 0;
  private lineCut = 0;
  protected readonly maxLine: number;

  constructor(protected readonly options: FramerOptions, protected readonly emit: FrameSink) {
    this.maxLine = options.maxLineBytes ?? 64 * 1024;
  }

  abstract push(chunk: Buffer): void;

  /** Appends bytes to the current line without a length check (payload bytes, already bounded by the payload limit). */
  protected append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.lineLength += bytes.length;
  }

  /** Reads bytes up to and including the next LF into the current line; returns the index after it, or -1. */
  protected takeLine(chunk: Buffer, start: number): number {
    const lf = chunk.indexOf(0x0a, start);
    const end = lf === -1 ? chunk.length : lf + 1;
    const room = this.maxLine - this.lineLength;
    const keep = Math.max(0, Math.min(end - start, room));
    if (keep > 0) this.append(chunk.subarray(start, start + keep));
    this.lineCut += end - start - keep;
    return lf === -1 ? -1 : end;
  }

  /** The current line's bytes so far (terminator included if it has one). */
  protected pending(): Buffer {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? Buffer.alloc(0);
  }

  /** True when a line is under way. */
  protected get hasLine(): boolean {
    return this.lineLength > 0 || this.lineCut > 0;
  }

  /**
   * Finishes the current line (`terminated`: it ended at an LF; otherwise it is cut off there) and
   * resets. A line cut by the length limit loses its terminator with the cut bytes: it ends 'none'.
   */
  protected finish(terminated: boolean, extra: Partial<FramedLine> = {}): FramedLine {
    const all = this.pending();
    const cut = this.lineCut;
    const t = terminatorOf(all, terminated && cut === 0);
    const line: FramedLine = {
      kind: 'line',
      bytes: all.subarray(0, t.length),
      end: t.end,
      wire: all.length + cut,
      cut,
      continued: false,
      literalBytes: 0,
      literalEnds: false,
      ...extra,
    };
    this.parts = [];
    this.lineLength = 0;
    this.lineCut = 0;
    return line;
  }

  /** Emits whatever is pending (at connection close). */
  flush(): void {
    if (this.hasLine) this.emit(this.finish(false, this.flushExtra()));
  }

  protected flushExtra(): Partial<FramedLine> {
    return {};
  }
}

/** IMAP: lines, with literals announced by `{N}` (or `{N+}`) elided past the limit. */
export class ImapLineFramer extends LineFramer {
  private literalLeft = 0;
  private literalTotal = 0;
  private literalShown = 0;
  private literalElided = 0;
  /** The current line starts inside a literal. */
  private lineInLiteral = false;
  /** Leading bytes of the current line that are literal data, and whether that literal ended in it. */
  private lineLiteralBytes = 0;
  private lineLiteralEnds = false;
  /** The current line continues a wire line begun before a literal. */
  private lineContinued = false;

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        this.literal(chunk.subarray(pos, pos + take));
        this.literalLeft -= take;
        pos += take;
        if (this.literalLeft === 0) this.finishLiteral();
        continue;
      }
      const protocolStart = this.lineLiteralBytes;
      let line: FramedLine;
      const lf = this.hasLine ? -1 : chunk.indexOf(0x0a, pos);
      if (lf !== -1 && lf + 1 - pos <= this.maxLine) {
        // A whole line in this chunk and none under way (nearly every line): framed as takeLine() and
        // finishHere() frame it, without collecting its pieces first.
        const crlf = lf > pos && chunk[lf - 1] === 0x0d;
        line = {
          kind: this.lineInLiteral ? 'payload' : 'line',
          bytes: chunk.subarray(pos, crlf ? lf - 1 : lf),
          end: crlf ? 'crlf' : 'lf',
          wire: lf + 1 - pos,
          cut: 0,
          continued: this.lineContinued,
          literalBytes: this.lineLiteralBytes,
          literalEnds: this.lineLiteralEnds,
        };
        this.nextLine();
        pos = lf + 1;
      } else {
        const next = this.takeLine(chunk, pos);
        if (next === -1) return;
        pos = next;
        line = this.finishHere(true);
      }
      this.emit(line);
      // An announcement ends the protocol part of a whole line (not literal data that happens to end in "{3}").
      // (Only a line that ends in "}" can announce one: most lines are not read again.)
      const last = line.bytes.length > protocolStart ? line.bytes[line.bytes.length - 1] : undefined;
      const m = line.cut > 0 || last !== 0x7d ? null : LITERAL.exec(line.bytes.subarray(protocolStart).toString('latin1'));
      if (m) {
        this.literalTotal = Number(m[1]);
        this.literalLeft = this.literalTotal;
        this.lineInLiteral = true;
        this.lineContinued = true;
        if (this.literalLeft === 0) this.finishLiteral();
      }
    }
  }

  protected override flushExtra(): Partial<FramedLine> {
    if (this.lineInLiteral && !this.lineLiteralEnds) this.lineLiteralBytes = this.lineLength;
    return this.lineExtra();
  }

  private lineExtra(): Partial<FramedLine> {
    return { kind: this.lineInLiteral ? 'payload' : 'line', continued: this.lineContinued, literalBytes: this.lineLiteralBytes, literalEnds: this.lineLiteralEnds };
  }

  /** Finishes the current line and sets up the next one: inside the literal if one is still being read. */
  private finishHere(terminated: boolean): FramedLine {
    const line = this.finish(terminated, this.lineExtra());
    this.nextLine();
    return line;
  }

  /** The state of the line after the one just finished: inside the literal if one is still being read. */
  private nextLine(): void {
    this.lineInLiteral = this.literalLeft > 0;
    this.lineContinued = this.literalLeft > 0;
    this.lineLiteralBytes = 0;
    this.lineLiteralEnds = false;
  }

  /** Literal data: shown line by line up to the payload limit, the rest counted. */
  private literal(data: Buffer): void {
    const room = Math.max(0, this.options.maxPayloadBytes - this.literalShown);
    const shown = data.subarray(0, Math.min(data.length, room));
    this.literalShown += shown.length;
    let start = 0;
    for (let lf = shown.indexOf(0x0a); lf !== -1; lf = shown.indexOf(0x0a, start)) {
      this.append(shown.subarray(start, lf + 1));
      this.lineLiteralBytes = this.lineLength;
      this.emit(this.finishLiteralLine(true));
      start = lf + 1;
    }
    this.append(shown.subarray(start));
    this.lineLiteralBytes = this.lineLength;
    const elided = data.length - shown.length;
    if (elided > 0) {
      // The shown part ends here: what is pending of it is a line cut at the elision.
      if (this.hasLine) this.emit(this.finishLiteralLine(false));
      this.literalElided += elided;
    }
  }

  /** A line of literal data (all of it literal: the literal started at a line's start). */
  private finishLiteralLine(terminated: boolean): FramedLine {
    const line = this.finishHere(terminated);
    return { ...line, literalBytes: line.bytes.length };
  }

  private finishLiteral(): void {
    if (this.literalElided > 0) {
      this.emit({ kind: 'elided', bytes: Buffer.alloc(0), end: 'none', wire: this.literalElided, cut: 0, continued: true, literalBytes: 0, literalEnds: true, payloadTotal: this.literalTotal });
    }
    if (this.hasLine) {
      // A literal that did not end in an LF (and was not elided): the wire line goes on after it.
      this.lineLiteralBytes = this.lineLength;
      this.lineLiteralEnds = true;
    } else {
      // What follows is protocol text continuing the same command or response.
      this.lineInLiteral = false;
      this.lineLiteralBytes = 0;
    }
    this.lineContinued = true;
    this.literalTotal = 0;
    this.literalShown = 0;
    this.literalElided = 0;
  }
}

/**
 * POP3: lines; after `expectMultiline()` the next +OK reply is followed by a body ending in CRLF.CRLF,
 * which is shown up to the limit: once one line does not fit, everything up to the terminator is
 * elided (later short lines are not shown out of order). Works however the bytes are split across reads.
 */
export class Pop3LineFramer extends LineFramer {
  private multilinePending = 0;
  private inBody = false;
  private bodyShown = 0;
  private bodyElided = 0;
  private eliding = false;

  /** The client sent a command whose success reply is multi-line (CAPA, LIST, UIDL, TOP, RETR …). */
  expectMultiline(): void {
    this.multilinePending++;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.inBody && this.eliding && this.lineLength === 0) {
        // The rest of a long body is counted, not shown: whole lines of this chunk are skipped up to the "."
        // line (no line objects made: a 25 MB RETR has 340,000 lines); a line the chunk cuts off is framed below.
        const lf = chunk.indexOf(0x0a, pos);
        if (lf !== -1 && !(chunk[pos] === 0x2e && (lf - pos === 1 || (lf - pos === 2 && chunk[pos + 1] === 0x0d)))) {
          this.bodyElided += lf + 1 - pos;
          pos = lf + 1;
          continue;
        }
      }
      const next = this.takeLine(chunk, pos);
      if (next === -1) return;
      pos = next;
      const line = this.finish(true, { kind: this.inBody ? 'payload' : 'line' });
      if (!this.inBody) {
        const text = line.bytes.toString('latin1');
        if (this.multilinePending > 0 && (text.startsWith('+OK') || text.startsWith('-ERR'))) {
          this.multilinePending--;
          if (text.startsWith('+OK')) {
            this.inBody = true;
            this.bodyShown = 0;
            this.bodyElided = 0;
            this.eliding = false;
            this.emit({ ...line, opensBody: true });
            continue;
          }
        }
        this.emit(line);
        continue;
      }
      if (line.cut === 0 && line.bytes.length === 1 && line.bytes[0] === 0x2e) {
        if (this.bodyElided > 0) this.emit({ kind: 'elided', bytes: Buffer.alloc(0), end: 'none', wire: this.bodyElided, cut: 0, continued: false, literalBytes: 0, literalEnds: false });
        this.emit({ ...line, kind: 'line', terminator: true });
        this.inBody = false;
        continue;
      }
      if (!this.eliding && this.bodyShown + line.wire <= this.options.maxPayloadBytes) {
        this.bodyShown += line.wire;
        this.emit(line);
      } else {
        this.eliding = true;
        this.bodyElided += line.wire;
      }
    }
  }

  protected override flushExtra(): Partial<FramedLine> {
    return { kind: this.inBody ? 'payload' : 'line' };
  }
}
