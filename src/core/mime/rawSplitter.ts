import { Splitter } from '@zone-eu/mailsplit';
import type { Transform } from 'node:stream';
import type { MimeNode, SplitterChunk } from '@zone-eu/mailsplit';
import { MailError } from '../errors';
import { childSection, rootSection } from './partTree';

// Walks a raw message with mailparser's own splitter (@zone-eu/mailsplit) and reports every MIME node with
// its IMAP section and byte offsets. Two things are added around the library, without changing it:
// 1. Offsets. The splitter emits the message back as node headers and data/body chunks that add up to the
//    input byte for byte; counting them gives where each part's headers and body start. A part ends where
//    the chunk that closes it (the next boundary line, which carries the line break in front of it) starts.
// 2. IMAP nests every message/rfc822 part, but the splitter only descends into inline ones. It decides
//    right after parsing a node's headers by reading `node.disposition`, so each node's parseHeaders is
//    wrapped to record the real disposition and report message/rfc822 parts as inline.

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

/** Told about each part when its headers are read (`open`) and when its body ends (`close`). */
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

interface SplitterInternals {
  node: MimeNode;
  newNode(parent?: MimeNode | false): void;
}

const originalDisposition = new WeakMap<MimeNode, string | false>();

function nestEveryMessage(splitter: Splitter): void {
  const internals = splitter as unknown as SplitterInternals;
  const patch = (node: MimeNode): void => {
    const parse = node.parseHeaders.bind(node);
    node.parseHeaders = () => {
      parse();
      if (!originalDisposition.has(node)) originalDisposition.set(node, node.disposition);
      if (node.contentType === 'message/rfc822') node.disposition = 'inline';
    };
  };
  if (typeof internals.newNode !== 'function' || !internals.node) {
    throw new MailError('protocol', 'The installed @zone-eu/mailsplit no longer has the internals the part tree relies on.');
  }
  patch(internals.node);
  const newNode = internals.newNode.bind(splitter);
  internals.newNode = (parent) => {
    newNode(parent);
    patch(internals.node);
  };
}

/** Splits `raw`, calling the visitor for every part in document order; bounded by `maxHeaderBytes` per header block. */
export function splitRaw(raw: Buffer, visitor: RawVisitor, maxHeaderBytes: number, signal?: AbortSignal): Promise<RawSplitOutcome> {
  return new Promise((resolve, reject) => {
    // Parts are counted by the caller, so the splitter's own part limit is lifted: it would abort, not truncate.
    const splitter = new Splitter({ maxChildNodes: Number.MAX_SAFE_INTEGER, maxHeadSize: maxHeaderBytes });
    nestEveryMessage(splitter);
    const open: RawPart[] = [];
    const byNode = new Map<MimeNode, RawPart>();
    let pos = 0;
    let settled = false;

    // `boundaryAt` is true when a delimiter line starts at `at` without the line break in front of it: the
    // splitter leaves that line break on a multipart's epilogue, but it belongs to the delimiter (RFC 2046).
    const closeAbove = (anchor: RawPart | undefined, at: number, boundaryAt = false): void => {
      while (open.length > 0 && open[open.length - 1] !== anchor) {
        const part = open.pop() as RawPart;
        part.end = boundaryAt ? Math.max(part.headerStart, at - lineBreakBefore(raw, at)) : at;
        byNode.delete(part.node);
        visitor.close(part);
      }
    };
    const anchorFor = (node: MimeNode): RawPart | undefined => byNode.get(node) ?? (node.parentNode ? byNode.get(node.parentNode) : undefined);
    const finish = (outcome: RawSplitOutcome): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      closeAbove(undefined, outcome.complete ? raw.length : pos);
      resolve(outcome);
    };
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      splitter.destroy();
      reject(new MailError('cancelled'));
    };

    splitter.on('data', (chunk: SplitterChunk) => {
      if (settled) return;
      try {
        if (chunk.type === 'node') {
          const parent = chunk.parentNode ? byNode.get(chunk.parentNode) : undefined;
          closeAbove(parent, pos);
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
          open.push(part);
          byNode.set(chunk, part);
          visitor.open(part);
        } else {
          const first = chunk.value[0];
          closeAbove(anchorFor(chunk.node), pos, chunk.type === 'data' && first !== 0x0d && first !== 0x0a);
          pos += chunk.value.length;
        }
      } catch (err) {
        settled = true;
        splitter.destroy();
        reject(err);
      }
    });
    // mailsplit's typings only declare 'data' listeners; the stream events are Transform's own.
    const stream = splitter as unknown as Transform;
    stream.once('end', () => finish({ complete: true, stoppedAt: undefined, bytesCounted: pos }));
    stream.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'EMAXLEN') finish({ complete: false, stoppedAt: pos, bytesCounted: pos });
      else if (!settled) {
        settled = true;
        reject(new MailError('protocol', `The message could not be split into parts: ${err.message}`, undefined, { cause: err }));
      }
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    splitter.end(raw);
  });
}

/** Length of the line break (CRLF or LF) that ends just before `at`, or 0. */
function lineBreakBefore(raw: Buffer, at: number): number {
  if (at >= 2 && raw[at - 2] === 0x0d && raw[at - 1] === 0x0a) return 2;
  return at >= 1 && raw[at - 1] === 0x0a ? 1 : 0;
}
