import { Splitter } from '@zone-eu/mailsplit';
import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import type { MimeNode, SplitterChunk } from '@zone-eu/mailsplit';
import { MailError } from '../errors';
import { childSection, rootSection } from './partTree';

// Walks a raw message with mailparser's own splitter (@zone-eu/mailsplit) and reports every MIME node with
// its IMAP section and byte offsets. Three things are added around the library, on the splitter instance
// (its internals are checked first, so a mailsplit that changes them fails loudly, not silently):
// 1. Offsets. The splitter emits the message back as node headers and data/body chunks that add up to the
//    input byte for byte; counting them gives where each part's headers and body start.
// 2. Delimiter lines are matched as IMAP servers match them (Dovecot's message-parser, RFC 2046 5.1.1):
//    a line that starts with "--" + boundary is a delimiter whatever follows on the line ("--" then makes it
//    the close delimiter), the longest boundary of the open multiparts wins, and trailing transport padding
//    is allowed. mailsplit 5.4 compares the whole line (it accepts padding but not "--boundaryXYZ"), so its
//    checkBoundary is replaced. The same hook records which parts each delimiter ends, and where: mailsplit
//    merges adjacent data lines of different nodes into one chunk, so chunk boundaries cannot tell.
// 3. IMAP nests every message/rfc822 part, but the splitter only descends into inline ones. It decides
//    right after parsing a node's headers by reading `node.disposition`, so each node's parseHeaders is
//    wrapped to record the real disposition and report message/rfc822 parts as inline. (Each node's
//    getPartNr is also made constant-time: see patchEveryNode.)
// The walk keeps the event loop (the extension host's) responsive: the splitter and the visitor calls both
// yield every SLICE_MS, so a message of 10,000 parts or 5,000 levels never blocks it for long (npm run bench).

/** One MIME node met while splitting. */
export interface RawPart {
  readonly node: MimeNode;
  readonly parent: RawPart | undefined;
  readonly section: string;
  readonly depth: number;
  readonly headerStart: number;
  readonly bodyStart: number;
  /** The disposition as written (the splitter's own `node.disposition` is changed for message/rfc822). */
  readonly disposition: string | undefined;
  /** True when the splitter descends into this message/rfc822 part. */
  readonly nests: boolean;
  /** Set when the part is closed; below bodyStart when the body is empty and the blank line after the header is the delimiter's. */
  end: number;
  childCount: number;
}

/**
 * Told about each part, in document order, once the whole message is split: `open` (parent before child),
 * then `close` with its end known. The calls come in slices with a turn of the event loop between them.
 */
export interface RawVisitor {
  open(part: RawPart): void;
  close(part: RawPart): void;
}

/** How the walk ended. */
export interface RawSplitOutcome {
  /** False when a hard limit stopped the walk before the end of the message. */
  readonly complete: boolean;
  /** The header block that was too large to read, when that stopped the walk. */
  readonly stoppedAt: number | undefined;
  /** Bytes the splitter handed back; equal to the input length unless the library lost or added some. */
  readonly bytesCounted: number;
}

type BoundaryMatch = 1 | 2 | 3 | 4 | false;

/** Longest stretch of synchronous work (splitting, or visitor calls) before the event loop gets a turn. */
const SLICE_MS = 8;

type LineCallback = (...result: unknown[]) => void;

interface SplitterInternals {
  node: MimeNode;
  inEpilogue: boolean;
  delimiterOwner: MimeNode | false;
  newNode(parent?: MimeNode | false): void;
  checkBoundary(line: Buffer): BoundaryMatch;
  processLine(line: Buffer | false, final: boolean, next: LineCallback): void;
}

function internalsOf(splitter: Splitter): SplitterInternals {
  const internals = splitter as unknown as SplitterInternals;
  if (
    typeof internals.newNode !== 'function' ||
    typeof internals.checkBoundary !== 'function' ||
    typeof internals.processLine !== 'function' ||
    !internals.node ||
    typeof internals.inEpilogue !== 'boolean'
  ) {
    throw new MailError('protocol', 'The installed @zone-eu/mailsplit no longer has the internals the part tree relies on.');
  }
  return internals;
}

const originalDisposition = new WeakMap<MimeNode, string | false>();

const NO_PART_NUMBER: string[] = [];

function patchEveryNode(internals: SplitterInternals): void {
  const patch = (node: MimeNode): void => {
    // mailsplit's own part numbering (node.partNr) copies the whole path for every node, quadratic in the
    // nesting (5,000 levels: seconds); it is not used here, sections come from the walk.
    (node as unknown as { getPartNr: () => string[] }).getPartNr = () => NO_PART_NUMBER;
    const parse = node.parseHeaders.bind(node);
    node.parseHeaders = () => {
      parse();
      if (!originalDisposition.has(node)) originalDisposition.set(node, node.disposition);
      if (node.contentType === 'message/rfc822') node.disposition = 'inline';
    };
  };
  patch(internals.node);
  const newNode = internals.newNode.bind(internals);
  internals.newNode = (parent) => {
    newNode(parent);
    patch(internals.node);
  };
}

/**
 * Replaces the splitter's delimiter test (see the file comment, point 2). `ended` is told, for each
 * delimiter line, the offset where the delimiter starts (its leading line break included) and the nodes
 * it ends. Same return codes as mailsplit: 1 next child / 2 close, of the current node; 3 next sibling /
 * 4 close, of the ancestor left in `delimiterOwner`.
 */
function matchDelimitersAsServers(internals: SplitterInternals, raw: Buffer, ended: (node: MimeNode, at: number) => void, lost: () => void): void {
  let lastCloseEnd = -1;
  const open = new OpenBoundaries();
  internals.checkBoundary = (line: Buffer): BoundaryMatch => {
    let start = 0;
    if (line[0] === 0x0d || line[0] === 0x0a) start = line[0] === 0x0d && line[1] === 0x0a ? 2 : 1;
    if (line.length < start + 3 || line[start] !== 0x2d || line[start + 1] !== 0x2d) return false;
    const current = internals.node;
    // Innermost first; a longer boundary further out still wins (Dovecot: "use the longest matching one").
    let best = open.longestMatch(current._parentBoundaryOwner, line, start + 2);
    const own = internals.inEpilogue ? false : current._boundary;
    if (own && own.length >= (best?._boundary ? best._boundary.length : 0) && line.length >= start + 2 + own.length && line.compare(own, 0, own.length, start + 2, start + 2 + own.length) === 0) {
      best = current;
    }
    const bestLength = best?._boundary ? best._boundary.length : 0;
    if (!best) return false;
    const after = start + 2 + bestLength;
    const closing = line[after] === 0x2d && line[after + 1] === 0x2d;
    const lineStart = offsetIn(raw, line);
    if (lineStart < 0) {
      lost();
      return false;
    }
    const closedBefore = lineStart === lastCloseEnd;
    if (closing) lastCloseEnd = lineStart + line.length;
    if (best === current) return closing ? 2 : 1;
    // The line break in front of a delimiter belongs to it (RFC 2046), except right after a close
    // delimiter: with no epilogue in between, that line break ends the close-delimiter line and stays
    // with the multipart it closed (and any message/rfc822 part around it), as Dovecot counts it.
    const at = start > 0 || closedBefore ? lineStart : lineStart - lineBreakBefore(raw, lineStart);
    for (let node: MimeNode | false = current; node && node !== best; node = node.parentNode) ended(node, at);
    internals.delimiterOwner = best;
    return closing ? 4 : 3;
  };
}

/**
 * Makes the splitter hand the event loop back every SLICE_MS: mailsplit yields only every 16 KiB of input,
 * and 16 KiB of a message of thousands of tiny parts is hundreds of header blocks, tens of milliseconds.
 * A line whose result is handed over asynchronously makes mailsplit continue on a later turn (it supports
 * that: "a line that completed asynchronously always reschedules").
 */
function yieldEverySlice(internals: SplitterInternals): void {
  const processLine = internals.processLine.bind(internals);
  let sliceStart = performance.now();
  internals.processLine = (line, final, next) => {
    processLine(line, final, (...result) => {
      if (performance.now() - sliceStart < SLICE_MS) return next(...result);
      setImmediate(() => {
        sliceStart = performance.now();
        next(...result);
      });
    });
  };
}

/**
 * The boundaries of the multiparts open around the current node (its `_parentBoundaryOwner` chain), kept in
 * step with the splitter incrementally and indexed by boundary text: a delimiter line is matched with one
 * lookup per distinct boundary length, not one comparison per open multipart (5,000 nested multiparts made
 * that quadratic).
 */
class OpenBoundaries {
  private readonly chain: MimeNode[] = [];
  private readonly position = new Map<MimeNode, number>();
  private readonly byText = new Map<string, number[]>();
  private readonly lengths = new Map<number, number>();

  /** The innermost open multipart, at or above `owner`, with the longest boundary that `line` has at `at`. */
  longestMatch(owner: MimeNode | false, line: Buffer, at: number): MimeNode | undefined {
    this.sync(owner);
    let best: MimeNode | undefined;
    let bestLength = 0;
    for (const length of this.lengths.keys()) {
      if (length <= bestLength || line.length < at + length) continue;
      const found = this.byText.get(line.toString('latin1', at, at + length));
      if (found && found.length > 0) {
        best = this.chain[found[found.length - 1]];
        bestLength = length;
      }
    }
    return best;
  }

  /** Makes the chain the path from the root to `owner`, reusing what it shares with the previous one. */
  private sync(owner: MimeNode | false): void {
    const added: MimeNode[] = [];
    let node = owner;
    while (node && !this.position.has(node)) {
      added.push(node);
      node = node._parentBoundaryOwner;
    }
    const keep = node ? (this.position.get(node) as number) + 1 : 0;
    while (this.chain.length > keep) this.pop();
    for (let i = added.length - 1; i >= 0; i--) this.push(added[i]);
  }

  private push(node: MimeNode): void {
    this.position.set(node, this.chain.length);
    const boundary = node._boundary;
    if (boundary) {
      const text = boundary.toString('latin1');
      const list = this.byText.get(text);
      if (list) list.push(this.chain.length);
      else this.byText.set(text, [this.chain.length]);
      this.lengths.set(boundary.length, (this.lengths.get(boundary.length) ?? 0) + 1);
    }
    this.chain.push(node);
  }

  private pop(): void {
    const node = this.chain.pop() as MimeNode;
    this.position.delete(node);
    const boundary = node._boundary;
    if (!boundary) return;
    const text = boundary.toString('latin1');
    const list = this.byText.get(text) as number[];
    list.pop();
    if (list.length === 0) this.byText.delete(text);
    const count = (this.lengths.get(boundary.length) as number) - 1;
    if (count === 0) this.lengths.delete(boundary.length);
    else this.lengths.set(boundary.length, count);
  }
}

/**
 * Where a line the splitter hands over starts in the input (the whole input is one write, so every line is
 * a view of it), or -1 when it is not a view: never thrown here, the splitter calls this from its own loop.
 */
function offsetIn(raw: Buffer, line: Buffer): number {
  const at = line.byteOffset - raw.byteOffset;
  return line.buffer === raw.buffer && at >= 0 && at + line.length <= raw.length ? at : -1;
}

/** Splits `raw`, calling the visitor for every part in document order; bounded by `maxHeaderBytes` per header block. */
export function splitRaw(raw: Buffer, visitor: RawVisitor, maxHeaderBytes: number, signal?: AbortSignal): Promise<RawSplitOutcome> {
  return new Promise((resolve, reject) => {
    // Parts are counted by the caller, so the splitter's own part limit is lifted: it would abort, not truncate.
    const splitter = new Splitter({ maxChildNodes: Number.MAX_SAFE_INTEGER, maxHeadSize: maxHeaderBytes });
    const parts: RawPart[] = [];
    const byNode = new Map<MimeNode, RawPart>();
    const ends = new Map<MimeNode, number>();
    let pos = 0;
    let settled = false;
    let lostOffsets = false;
    let finishing = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      splitter.destroy();
      reject(err);
    };
    try {
      const internals = internalsOf(splitter);
      patchEveryNode(internals);
      yieldEverySlice(internals);
      matchDelimitersAsServers(internals, raw, (node, at) => {
        if (!ends.has(node)) ends.set(node, at);
      }, () => (lostOffsets = true));
    } catch (err) {
      reject(err);
      return;
    }

    const finish = (outcome: RawSplitOutcome): void => {
      if (lostOffsets) return fail(new MailError('protocol', 'The installed @zone-eu/mailsplit no longer hands over lines as views of the input.'));
      if (settled || finishing) return;
      finishing = true;
      const last = outcome.complete ? raw.length : pos;
      for (const part of parts) {
        const at = ends.get(part.node);
        part.end = at === undefined ? last : Math.max(part.headerStart, at);
      }
      // The visitor's work is done here, in slices, not inside the splitter's own batches: with both in one
      // batch, a message of thousands of parts blocked the event loop for tens of milliseconds at a time.
      let next = 0;
      const slice = (): void => {
        if (settled) return;
        try {
          const started = performance.now();
          while (next < parts.length && performance.now() - started < SLICE_MS) {
            const end = Math.min(parts.length, next + 64);
            for (; next < end; next++) visitor.open(parts[next]);
          }
          if (next < parts.length) return void setImmediate(slice);
          for (const part of parts) visitor.close(part);
        } catch (err) {
          return fail(err);
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      slice();
    };
    const onAbort = (): void => fail(new MailError('cancelled'));

    splitter.on('data', (chunk: SplitterChunk) => {
      if (settled) return;
      try {
        if (chunk.type !== 'node') {
          pos += chunk.value.length;
          return;
        }
        const parent = chunk.parentNode ? byNode.get(chunk.parentNode) : undefined;
        const multipart = chunk.multipart !== false;
        let section: string;
        if (!parent) section = rootSection(undefined, multipart);
        else if (parent.nests) section = rootSection(parent.section, multipart);
        else section = childSection(parent.section, ++parent.childCount);
        const written = originalDisposition.get(chunk);
        const part: RawPart = {
          node: chunk,
          parent,
          section,
          depth: parent ? parent.depth + 1 : 0,
          headerStart: pos,
          bodyStart: pos + chunk._headerlen,
          disposition: written ? written : undefined,
          nests: chunk.messageNode === true,
          end: raw.length,
          childCount: 0,
        };
        pos += chunk._headerlen;
        parts.push(part);
        byNode.set(chunk, part);
      } catch (err) {
        fail(err);
      }
    });
    // mailsplit's typings only declare 'data' listeners; the stream events are Transform's own.
    const stream = splitter as unknown as Transform;
    stream.once('end', () => finish({ complete: true, stoppedAt: undefined, bytesCounted: pos }));
    stream.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'EMAXLEN') finish({ complete: false, stoppedAt: pos, bytesCounted: pos });
      else fail(MailError.is(err) ? err : new MailError('protocol', `The message could not be split into parts: ${err.message}`, undefined, { cause: err }));
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    // One write: every line the splitter handles is then a view of `raw` (offsetIn relies on it).
    splitter.end(raw);
  });
}

/** Length of the line break (CRLF or LF) that ends just before `at`, or 0. */
function lineBreakBefore(raw: Buffer, at: number): number {
  if (at >= 2 && raw[at - 2] === 0x0d && raw[at - 1] === 0x0a) return 2;
  return at >= 1 && raw[at - 1] === 0x0a ? 1 : 0;
}
