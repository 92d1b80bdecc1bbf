import { Address } from '../mailStore';
import type { PartFields } from './treeBuilder';
import { formatCount } from '../format';

/** Where a tree came from: IMAP BODYSTRUCTURE (no body downloaded) or a parse of the raw bytes. */
export type PartTreeSource = 'bodystructure' | 'raw';

/** Summary of an encapsulated message (a message/rfc822 part) and the root of its own part tree. */
export interface EmbeddedMessage {
  readonly subject: string | undefined;
  readonly from: readonly Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
  /** The encapsulated message's body: a multipart (section "<S>.TEXT") or a single part (section "<S>.1"). */
  readonly root: MimePart;
}

/** Offsets of a part inside the raw message; only trees parsed from raw bytes have them. */
export interface ByteRange {
  /** First byte of the part's MIME header block. */
  readonly headerStart: number;
  /** First byte of the body (after the blank line that ends the header block). */
  readonly bodyStart: number;
  /**
   * One past the last byte of the part; the line break in front of the next boundary is not part of it
   * (RFC 2046). For an empty body that line break can be the blank line after the header: `end` is then
   * below bodyStart, and the part's header block stops before that blank line, as IMAP servers cut it.
   */
  readonly end: number;
}

/** One node of a message's MIME structure, the same whether it came from BODYSTRUCTURE or from raw bytes. */
export interface MimePart extends PartFields {
  /**
   * IMAP section specifier of the part's body, usable as-is in `BODY.PEEK[<section>]`: "1", "1.2", … for
   * parts; "TEXT" for a multipart message root; "<S>.TEXT" / "<S>.1" for the body of the message/rfc822 part S.
   */
  readonly section: string;
  /** 0 for the message's root, +1 per multipart or encapsulated message level. */
  readonly depth: number;
  /** Sub-parts of a multipart, in order; empty for other parts. */
  readonly children: readonly MimePart[];
  /** Set for message/rfc822 parts whose content is an encapsulated message. */
  readonly message: EmbeddedMessage | undefined;
  /** Byte offsets inside the raw message (trees from raw bytes only). */
  readonly bytes: ByteRange | undefined;
}

/** Something the user should know about a tree: a limit that cut it, or a disagreement in the message. */
export interface TreeNotice {
  readonly kind: 'partLimit' | 'depthLimit' | 'headerLimit' | 'sizeMismatch' | 'structureMismatch' | 'malformed' | 'structureUnreadable';
  /** The part concerned, if it is one part. */
  readonly section?: string;
  /** A sentence for people, e.g. "Showing 10,000 of 10,001 MIME parts: the limit is 10,000 parts." */
  readonly message: string;
}

/** Why a tree holds fewer parts than the message has. */
export type TruncationReason = 'partLimit' | 'depthLimit' | 'headerLimit';

/** A message's MIME structure. */
export interface PartTree {
  readonly source: PartTreeSource;
  readonly root: MimePart;
  /** Parts in this tree (every node: multiparts, leaves, encapsulated message bodies). */
  readonly partCount: number;
  /** Parts in the message, counted even past the limits; undefined when parsing had to stop early. */
  readonly totalParts: number | undefined;
  /** Size of the whole message in bytes (RFC822.SIZE, or the raw length). */
  readonly messageSize: number;
  /** Set when parts were left out: never a silently shortened tree. Counts parts below the root, as the notice does. */
  readonly truncated: { readonly shown: number; readonly total: number | undefined; readonly reason: TruncationReason } | undefined;
  /** Everything noteworthy: limits hit, size or structure disagreements, malformed structure. */
  readonly notices: readonly TreeNotice[];
}

/** Bounds on the work and memory a hostile message can cost. */
export interface PartTreeLimits {
  /** Parts kept in the tree (Dovecot describes up to 10,000: max_total_mime_parts); the rest are counted. */
  readonly maxParts: number;
  /** Nesting kept in the tree; deeper parts are counted, not kept. */
  readonly maxDepth: number;
  /** A part header block larger than this is reported (mailparser's maxHeadSize default is 1 MiB). */
  readonly maxHeaderBytes: number;
  /** A header block larger than this stops the parse (bounded work); the tree so far is returned, marked truncated. */
  readonly hardMaxHeaderBytes: number;
}

/** Default limits: 10,000 parts and nesting 100 deep (where Dovecot's parser stops too), mailparser's 1 MiB header. */
export const DEFAULT_PART_TREE_LIMITS: PartTreeLimits = {
  maxParts: 10_000,
  maxDepth: 100,
  maxHeaderBytes: 1024 * 1024,
  hardMaxHeaderBytes: 16 * 1024 * 1024,
};

/** Section of the root of a body: "TEXT" (or "<S>.TEXT") for a multipart, "1" (or "<S>.1") otherwise. */
export function rootSection(messageSection: string | undefined, multipart: boolean): string {
  const leaf = multipart ? 'TEXT' : '1';
  return messageSection === undefined ? leaf : `${messageSection}.${leaf}`;
}

/** Section of the n-th (1-based) child of a multipart whose own section is given. */
export function childSection(parentSection: string, n: number): string {
  if (parentSection === 'TEXT') return String(n);
  if (parentSection.endsWith('.TEXT')) return `${parentSection.slice(0, -'.TEXT'.length)}.${n}`;
  return `${parentSection}.${n}`;
}

/** Every part of a tree in document order (children, then an encapsulated message's parts); iterative, any depth. */
export function* walkParts(root: MimePart): Generator<MimePart> {
  const stack: MimePart[] = [root];
  while (stack.length > 0) {
    const part = stack.pop() as MimePart;
    yield part;
    const next = part.message ? [part.message.root] : part.children;
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
}

/** The part with this section, or undefined. */
export function findPart(tree: PartTree | MimePart, section: string): MimePart | undefined {
  const root = 'root' in tree ? tree.root : tree;
  for (const part of walkParts(root)) if (part.section === section) return part;
  return undefined;
}

/** The parts that contain `part`, outermost first (empty for the root). */
export function ancestorsOf(root: MimePart, part: MimePart): MimePart[] {
  const parents = new Map<MimePart, MimePart>();
  for (const p of walkParts(root)) {
    for (const c of p.message ? [p.message.root] : p.children) parents.set(c, p);
    if (p === part) break;
  }
  const chain: MimePart[] = [];
  for (let p = parents.get(part); p; p = parents.get(p)) chain.unshift(p);
  return chain;
}

/** True for multipart/* parts. */
export function isMultipart(part: MimePart): boolean {
  return part.contentType.startsWith('multipart/');
}

/** The notice for parts left out, e.g. "Showing 10,000 of 10,001 MIME parts: the limit is 10,000 parts." */
export function truncationMessage(shown: number, total: number | undefined, reason: TruncationReason, limits: PartTreeLimits): string {
  const of = total === undefined ? `${formatCount(shown)} MIME parts; the rest could not be read` : `${formatCount(shown)} of ${formatCount(total)} MIME parts`;
  switch (reason) {
    case 'partLimit':
      return `Showing ${of}: the limit is ${formatCount(limits.maxParts)} parts.`;
    case 'depthLimit':
      return `Showing ${of}: parts nested deeper than ${formatCount(limits.maxDepth)} levels are left out.`;
    case 'headerLimit':
      return `Showing ${of}: a header block is larger than ${formatCount(limits.hardMaxHeaderBytes)} bytes.`;
  }
}
