/**
 * Faster line framing for one imapflow connection (issue 15), and a way for a command to take its own untagged
 * responses before they enter imapflow's object stream.
 *
 * imapflow 2.10.2's ImapStream finds line ends by testing every received byte in a JavaScript loop
 * (`processChunkSegment`, LINE state). In a 10,000-envelope listing (about 5 MB) that loop alone was the largest
 * single item of the profile, about 15% of our time. This replaces that one state of that one method, per
 * connection (an own property of the connection's stream, the prototype untouched), with the same steps around
 * `Buffer.indexOf` (memchr): the same line and response limits through the stream's own checkLineLength and
 * checkResponseSize, literal markers through its own checkLiteralMarker, the same items pushed with the same
 * backpressure. The LITERAL state and everything else stay imapflow's. test/unit/lineFraming.test.ts holds it to
 * the original on the same bytes split at every position, limits and literals included.
 *
 * A {@link DirectTaker} sees each complete response (payload without its CRLF, and its literals) before it is
 * pushed; one it takes is not pushed. That is only safe because the stream pushes one item at a time and waits
 * for imapflow to release it before it reads on: when the taker is asked, imapflow has finished with everything
 * before, so order is kept. It spares a listing's thousands of FETCH lines the object stream, the reader loop and
 * their promises and ticks (the second largest item after the parse).
 */

const LINE = 0x01;
const LF = 0x0a;
const CR = 0x0d;

/** What a taker answers: `undefined` to leave the response to imapflow, `true` when it was handled at once, or a promise to wait for (backpressure). */
export type Taken = undefined | true | Promise<unknown>;
export type DirectTaker = (payload: Buffer, literals: Buffer[]) => Taken;

/** The parts of imapflow's ImapStream this patch uses (dist/cjs/handler/imap-stream.js). */
interface ImapStreamShape {
  state: number;
  destroyed: boolean;
  lineBuffer: Buffer[];
  lineBytes: number;
  inputBuffer: Buffer[];
  literals: Buffer[];
  literalWaiting: number;
  responseBytes: number;
  inputQueue: unknown[];
  pendingPush: ((value?: unknown) => void) | null;
  checkLineLength(length: number): boolean;
  checkResponseSize(additional: number, peek?: boolean): boolean;
  checkLiteralMarker(line: Buffer): boolean;
  push(item: unknown): boolean;
  processChunkSegment(chunk: Buffer, startPos: number): Promise<number | null>;
}

const SHAPE: readonly (keyof ImapStreamShape)[] = ['lineBuffer', 'inputBuffer', 'literals', 'inputQueue', 'checkLineLength', 'checkResponseSize', 'checkLiteralMarker', 'push', 'processChunkSegment'];

interface Framed {
  taker: DirectTaker | undefined;
}
const framed = new WeakMap<object, Framed>();

/**
 * Frames this stream's lines with Buffer.indexOf from now on (idempotent) and, given one, sets who may take its
 * responses (there is one taker per stream; without one, every response is pushed). Throws if imapflow's
 * ImapStream no longer has the shape this was written for.
 */
export function frameLinesFast(streamer: unknown, taker?: DirectTaker): void {
  if (typeof streamer !== 'object' || streamer === null) throw new Error('imapflow has no stream on this connection: lineFraming.ts needs updating.');
  const known = framed.get(streamer);
  if (known) {
    if (taker) known.taker = taker;
    return;
  }
  const stream = streamer as ImapStreamShape;
  for (const key of SHAPE) if (!(key in stream)) throw new Error(`imapflow's ImapStream no longer has ${key}: lineFraming.ts needs updating.`);
  if (stream.state !== LINE) throw new Error("imapflow's ImapStream no longer starts in its LINE state (0x01): lineFraming.ts needs updating.");
  const state: Framed = { taker };
  framed.set(streamer, state);
  const original = stream.processChunkSegment;
  stream.processChunkSegment = function (this: ImapStreamShape, chunk: Buffer, startPos: number): Promise<number | null> {
    if (this.state !== LINE || this.destroyed || startPos >= chunk.length) return original.call(this, chunk, startPos);
    return frameLines(this, chunk, startPos, state);
  };
}

/** imapflow's LINE state with indexOf; returns where to go on after a literal marker, or null when the chunk is done. */
async function frameLines(stream: ImapStreamShape, chunk: Buffer, startPos: number, state: Framed): Promise<number | null> {
  let lineStart = startPos;
  for (let lf = chunk.indexOf(LF, lineStart); lf >= 0; lf = chunk.indexOf(LF, lineStart)) {
    const segment = chunk.subarray(lineStart, lf + 1);
    if (!stream.checkLineLength(stream.lineBytes + segment.length)) return null;
    lineStart = lf + 1;
    // The buffers are only used (and replaced by new ones, as imapflow does) when a line or response spans
    // chunks or literals; a line that is a whole response, nearly all of a listing, goes through without them.
    let line = segment;
    if (stream.lineBuffer.length > 0) {
      stream.lineBuffer.push(segment);
      line = Buffer.concat(stream.lineBuffer);
      stream.lineBuffer = [];
    }
    stream.lineBytes = 0;
    const literalMarker = stream.checkLiteralMarker(line);
    if (stream.destroyed) return null;
    if (!stream.checkResponseSize(line.length + (literalMarker ? stream.literalWaiting : 0))) return null;
    if (literalMarker) {
      stream.inputBuffer.push(line);
      return lineStart;
    }
    let payload = line;
    if (stream.inputBuffer.length > 0) {
      stream.inputBuffer.push(line);
      payload = Buffer.concat(stream.inputBuffer);
      stream.inputBuffer = [];
    }
    // A taker reads the literals at once; an empty array stays the stream's (see the push below).
    const literals = stream.literals;
    if (literals.length > 0) stream.literals = [];
    stream.responseBytes = 0;
    let end = payload.length - 1; // payload ends with LF here
    if (end > 0 && payload[end - 1] === CR) end--;
    payload = payload.subarray(0, end);
    if (!payload.length) continue;
    const taken = state.taker?.(payload, literals);
    if (taken === true) continue;
    if (taken !== undefined) {
      await taken;
      if (stream.destroyed) return null;
      continue;
    }
    const trailingAfterLine = lineStart < chunk.length || stream.inputQueue.length > 0;
    await new Promise((resolve) => {
      stream.pendingPush = resolve;
      // An item imapflow keeps gets an array of its own (the stream's empty one is still the stream's, see above).
      stream.push({ payload, literals: literals === stream.literals ? [] : literals, next: resolve, trailingAfterLine });
    });
    stream.pendingPush = null;
    if (stream.destroyed) return null;
  }
  if (lineStart < chunk.length) {
    const tail = chunk.subarray(lineStart);
    if (!stream.checkLineLength(stream.lineBytes + tail.length) || !stream.checkResponseSize(stream.lineBytes + tail.length, true)) return null;
    stream.lineBytes += tail.length;
    stream.lineBuffer.push(tail);
  }
  return null;
}
