import type { MessageStructureObject } from 'imapflow';
import { MailError } from '../errors';
import { Cancel, PartFetch } from '../mailStore';
import { compareTrees } from '../mime/compareTrees';
import { decodePartContent, decodeTransferEncoding, DecodedContent } from '../mime/decodePart';
import { partTreeFromBodyStructure } from '../mime/fromBodyStructure';
import { partTreeFromRaw } from '../mime/fromRawMessage';
import { headerBlockOf, HeaderModel, parseHeaderBlock } from '../mime/headers';
import { imapSectionsFor, partBytes, partBytesBySection, PartBytesMode } from '../mime/partBytes';
import { findPart, MimePart, PartTree, walkParts } from '../mime/partTree';
import { formatBytes } from '../format';

/**
 * Where a message's bytes come from. Every source can give the whole message; IMAP can also describe it
 * (BODYSTRUCTURE) and give one part, so opening a text part never downloads the attachments.
 */
export interface MessageSource {
  /** Whole raw message (cached by the caller as it sees fit). */
  raw(signal?: Cancel): Promise<Buffer>;
  /** The raw message if it is already at hand (no fetch): lets a BODYSTRUCTURE tree be checked against it. */
  cachedRaw?(): Buffer | undefined;
  /** The size the server announced (POP3 LIST, IMAP RFC822.SIZE): a raw message of another size is reported. */
  expectedSize?: number;
  /** imapflow's BODYSTRUCTURE object; `structure` undefined when the message exists but its structure could not be read. */
  structure?(signal?: Cancel): Promise<{ structure: unknown; size: number }>;
  part?(section: string, signal?: Cancel): Promise<PartFetch>;
}

/** A part's content and what it cost to get it. */
export interface PartContent {
  readonly part: MimePart;
  /** Decoded text or binary (decoded view), or the stored bytes (raw view). */
  readonly decoded?: DecodedContent;
  readonly raw?: Buffer;
  /** Protocol bytes received to get it; undefined when it came from the whole message. */
  readonly wireBytes: number | undefined;
  /** Size of the whole message, to compare the cost against. */
  readonly messageSize: number;
}

/** The part tree, part contents and headers of one message, from whatever source it has. */
export class MessageInspector {
  private treePromise: Promise<PartTree> | undefined;
  /** Set when the server could not describe the message and the tree was parsed from its downloaded bytes. */
  private fellBack = false;

  constructor(private readonly source: MessageSource) {}

  /** True when a part opens by fetching that part alone (IMAP, with a readable BODYSTRUCTURE). */
  get partial(): boolean {
    return typeof this.source.structure === 'function' && typeof this.source.part === 'function' && !this.fellBack;
  }

  /** The MIME tree: from BODYSTRUCTURE when the source can describe the message, else parsed from its bytes. */
  tree(signal?: Cancel): Promise<PartTree> {
    if (!this.treePromise) {
      this.treePromise = this.buildTree(signal);
      this.treePromise.catch(() => (this.treePromise = undefined));
    }
    return this.treePromise;
  }

  private async buildTree(signal?: Cancel): Promise<PartTree> {
    if (this.source.structure) {
      const { structure, size } = await this.source.structure(signal);
      if (!isStructure(structure)) return this.treeFromDownload(size, signal);
      const tree = partTreeFromBodyStructure(structure, size);
      // When the bytes are at hand anyway, say where the server's description and the bytes disagree.
      const raw = this.source.cachedRaw?.();
      if (!raw) return tree;
      const parsed = await partTreeFromRaw(raw, { signal, expectedSize: size });
      const disagreements = [...parsed.notices.filter((n) => n.kind === 'sizeMismatch' && n.section === undefined), ...compareTrees(tree, parsed)];
      return disagreements.length === 0 ? tree : { ...tree, notices: [...tree.notices, ...disagreements] };
    }
    return partTreeFromRaw(await this.source.raw(signal), { signal, ...(this.source.expectedSize !== undefined ? { expectedSize: this.source.expectedSize } : {}) });
  }

  /**
   * The server has the message but its BODYSTRUCTURE could not be read (nested deeper than imapflow's parser
   * accepts, or malformed): the whole message is fetched once and parsed here, so every part stays reachable.
   */
  private async treeFromDownload(size: number, signal?: Cancel): Promise<PartTree> {
    const raw = await this.source.raw(signal);
    const tree = await partTreeFromRaw(raw, { signal, expectedSize: size });
    this.fellBack = true;
    const notice = {
      kind: 'structureUnreadable' as const,
      message: `The server's description of this message (BODYSTRUCTURE) could not be read, so the whole message (${formatBytes(raw.length)}) was downloaded once and its parts are read from it.`,
    };
    return { ...tree, notices: [notice, ...tree.notices] };
  }

  async part(section: string, signal?: Cancel): Promise<MimePart> {
    const part = findPart(await this.tree(signal), section);
    if (!part) throw new MailError('notFound', `The message has no part ${section}.`);
    return part;
  }

  /** The whole raw message. */
  raw(signal?: Cancel): Promise<Buffer> {
    return this.source.raw(signal);
  }

  /** A part decoded (transfer encoding and charset undone) or as stored ('raw': its MIME headers and encoded body). */
  async content(section: string, view: 'decoded' | 'raw', signal?: Cancel): Promise<PartContent> {
    const tree = await this.tree(signal);
    const part = findPart(tree, section);
    if (!part) throw new MailError('notFound', `The message has no part ${section}.`);
    const { bytes, wireBytes } = await this.bytesOf(tree, part, view === 'raw' ? 'headersAndBody' : 'body', signal);
    if (view === 'raw') return { part, raw: bytes, wireBytes, messageSize: tree.messageSize };
    return { part, decoded: decodePartContent(part, bytes), wireBytes, messageSize: tree.messageSize };
  }

  /**
   * A part's body with only the transfer encoding undone (text stays in its charset): the bytes "Save Part As…"
   * writes, which checksums are taken over. IMAP fetches this part alone.
   */
  async bodyBytes(section: string, signal?: Cancel): Promise<Buffer> {
    const tree = await this.tree(signal);
    const part = findPart(tree, section);
    if (!part) throw new MailError('notFound', `The message has no part ${section}.`);
    return decodeTransferEncoding((await this.bytesOf(tree, part, 'body', signal)).bytes, part.encoding).bytes;
  }

  private async bytesOf(tree: PartTree, part: MimePart, mode: PartBytesMode, signal?: Cancel): Promise<{ bytes: Buffer; wireBytes: number | undefined }> {
    if (this.source.part && tree.source === 'bodystructure') {
      const fetched: Buffer[] = [];
      let wireBytes = 0;
      for (const s of imapSectionsFor(tree, part, mode)) {
        const got = await this.source.part(s, signal);
        fetched.push(got.bytes);
        wireBytes += got.wireBytes;
      }
      return { bytes: Buffer.concat(fetched), wireBytes };
    }
    const raw = await this.source.raw(signal);
    return { bytes: part.bytes ? partBytes(raw, part, mode) : await partBytesBySection(raw, part.section, mode, signal), wireBytes: undefined };
  }

  /** The message's header block, parsed (IMAP fetches only the header). */
  async headers(signal?: Cancel): Promise<HeaderModel> {
    if (this.source.part) return parseHeaderBlock((await this.source.part('HEADER', signal)).bytes);
    return parseHeaderBlock(headerBlockOf(await this.source.raw(signal)));
  }

  /** Parts a person would call attachments: a file name, or a non-text, non-multipart leaf with disposition attachment. */
  async attachments(signal?: Cancel): Promise<MimePart[]> {
    const tree = await this.tree(signal);
    return [...walkParts(tree.root)].filter(
      (p) => p.children.length === 0 && !p.message && !p.contentType.startsWith('multipart/') && (p.fileName !== undefined || p.disposition === 'attachment'),
    );
  }
}

/** An imapflow BODYSTRUCTURE object (anything else means the server's structure could not be read). */
function isStructure(value: unknown): value is MessageStructureObject {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
