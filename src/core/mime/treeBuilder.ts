import { Address } from '../mailStore';
import { ByteRange, MimePart, PartTree, PartTreeLimits, PartTreeSource, TreeNotice, TruncationReason, truncationMessage } from './partTree';

// Shared by fromBodyStructure.ts and fromRawMessage.ts: both meet parts in document order and hand them
// here, so the limits (parts kept, nesting depth) and the notices are applied the same way to both sources.

/** What a source knows about one part. */
export interface PartFields {
  /** Lower-case "type/subtype"; text/plain when the part does not say (RFC 2045). */
  readonly contentType: string;
  /** Charset parameter as written (not normalised), if any. */
  readonly charset: string | undefined;
  /** Lower-case Content-Transfer-Encoding ("base64", "quoted-printable", "7bit", …); undefined when absent. */
  readonly encoding: string | undefined;
  /** Octets of the body as stored (still transfer-encoded), as IMAP counts them; undefined for multiparts from BODYSTRUCTURE. */
  readonly size: number | undefined;
  /** File name from Content-Disposition filename or Content-Type name, RFC 2231/2047 decoded; NOT safe for a path. */
  readonly fileName: string | undefined;
  /** Lower-case disposition ("inline", "attachment"), if any. */
  readonly disposition: string | undefined;
  /** Content-ID without the angle brackets, if any (used to resolve `cid:` links). */
  readonly contentId: string | undefined;
  /** Set for text with format=flowed (RFC 3676). */
  readonly flowed: { readonly delSp: boolean } | undefined;
}

/** Envelope facts of an encapsulated message. */
export interface EnvelopeFields {
  readonly subject: string | undefined;
  readonly from: readonly Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
}

interface MutableRange {
  headerStart: number;
  bodyStart: number;
  end: number;
}

interface MutablePart extends Omit<PartFields, 'size'> {
  size: number | undefined;
  section: string;
  depth: number;
  children: MutablePart[];
  message: { subject: string | undefined; from: readonly Address[]; date: Date | undefined; messageId: string | undefined; root: MutablePart } | undefined;
  bytes: MutableRange | undefined;
}

/** A part as the builder holds it; `kept` is false for parts counted but left out by a limit. */
export interface PartHandle {
  readonly section: string;
  readonly depth: number;
  readonly kept: boolean;
  /** @internal */ readonly part: MutablePart | undefined;
}

/** Collects parts in document order, keeps those within the limits, and counts the others. */
export class PartTreeBuilder {
  private root: MutablePart | undefined;
  private kept = 0;
  private total = 0;
  private reason: TruncationReason | undefined;
  private stoppedEarly = false;
  private readonly notices: TreeNotice[] = [];

  constructor(
    private readonly source: PartTreeSource,
    private readonly messageSize: number,
    private readonly limits: PartTreeLimits,
  ) {}

  /**
   * Adds a part. `parent` is the multipart it belongs to, or the message/rfc822 part whose body it is
   * (`asMessageBody`); undefined for the message's root.
   */
  add(parent: PartHandle | undefined, section: string, depth: number, fields: PartFields, bytes?: ByteRange, asMessageBody?: EnvelopeFields): PartHandle {
    this.total++;
    if (parent !== undefined && !parent.kept) return { section, depth, kept: false, part: undefined };
    if (depth > this.limits.maxDepth) {
      this.limit('depthLimit');
      return { section, depth, kept: false, part: undefined };
    }
    // The root is the message itself: the limit counts the parts below it, so a message of 10,000 parts fits 10,000.
    if (parent !== undefined && this.kept - 1 >= this.limits.maxParts) {
      this.limit('partLimit');
      return { section, depth, kept: false, part: undefined };
    }
    // Fields copied one by one: an object spread costs microseconds per part here, which 10,000 parts add up.
    const part: MutablePart = {
      contentType: fields.contentType,
      charset: fields.charset,
      encoding: fields.encoding,
      size: fields.size,
      fileName: fields.fileName,
      disposition: fields.disposition,
      contentId: fields.contentId,
      flowed: fields.flowed,
      section,
      depth,
      children: [],
      message: undefined,
      bytes: bytes ? { headerStart: bytes.headerStart, bodyStart: bytes.bodyStart, end: bytes.end } : undefined,
    };
    this.kept++;
    const container = parent?.part;
    if (!container) this.root = part;
    else if (asMessageBody) container.message = { ...asMessageBody, root: part };
    else container.children.push(part);
    return { section, depth, kept: true, part };
  }

  /** Records where a part's body ends (raw trees: known only when the next boundary is met), and so its size. */
  setEnd(handle: PartHandle, end: number): void {
    const part = handle.part;
    if (!part?.bytes) return;
    part.bytes.end = end;
    part.size = Math.max(0, end - part.bytes.bodyStart);
  }

  /** Adds a notice for the user. */
  notice(notice: TreeNotice): void {
    if (this.notices.length < 100) this.notices.push(notice);
  }

  /** Parsing stopped before the end of the message (a hard limit): the total is unknown. */
  stop(reason: TruncationReason): void {
    this.stoppedEarly = true;
    this.reason ??= reason;
  }

  get partCount(): number {
    return this.kept;
  }

  /** The finished tree; `fallbackRoot` is used when not even the root could be read. */
  finish(fallbackRoot: PartFields): PartTree {
    const root = this.root ?? { ...fallbackRoot, section: '1', depth: 0, children: [], message: undefined, bytes: undefined };
    const totalParts = this.stoppedEarly ? undefined : this.total;
    let truncated: PartTree['truncated'];
    if (this.reason !== undefined) {
      // Counted as people count a message's parts: the root (the message itself) left out.
      const shown = Math.max(0, this.kept - 1);
      const total = totalParts === undefined ? undefined : totalParts - 1;
      truncated = { shown, total, reason: this.reason };
      this.notices.unshift({ kind: this.reason, message: truncationMessage(shown, total, this.reason, this.limits) });
    }
    return { source: this.source, root: root as MimePart, partCount: this.root ? this.kept : 1, totalParts, messageSize: this.messageSize, truncated, notices: this.notices };
  }

  private limit(reason: TruncationReason): void {
    this.reason ??= reason;
  }
}
