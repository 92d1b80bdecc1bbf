import { createHash } from 'node:crypto';
import { decodeTransferEncoding } from '../mime/decodePart';
import { partBytes } from '../mime/partBytes';
import { isMultipart, MimePart, PartTree, walkParts } from '../mime/partTree';

// Checksums of attachments, so a file can be compared with what a sender published or a scanner reported
// without saving it first. Taken over the decoded bytes (what "Save Part As…" writes), not the base64 text.

export interface PartChecksum {
  readonly section: string;
  readonly fileName?: string;
  readonly contentType: string;
  /** Decoded size in bytes. */
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
}

/** SHA-256 and MD5 of some decoded bytes. */
export function checksumsOf(bytes: Buffer): { sha256: string; md5: string } {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), md5: createHash('md5').update(bytes).digest('hex') };
}

/** A leaf that is an attachment: disposition attachment, a file name, or a body that is neither text nor multipart. */
export function isAttachment(part: MimePart): boolean {
  if (isMultipart(part) || part.contentType === 'message/rfc822') return false;
  return part.disposition === 'attachment' || part.fileName !== undefined || !/^text\//.test(part.contentType);
}

/** The checksums of every attachment of a tree parsed from `raw` (the root of a one-part text message is none). */
export function attachmentChecksums(raw: Buffer, tree: PartTree): PartChecksum[] {
  const sums: PartChecksum[] = [];
  for (const part of walkParts(tree.root)) {
    if (!isAttachment(part) || !part.bytes) continue;
    const bytes = decodeTransferEncoding(partBytes(raw, part), part.encoding).bytes;
    sums.push({ section: part.section, ...(part.fileName !== undefined ? { fileName: part.fileName } : {}), contentType: part.contentType, size: bytes.length, ...checksumsOf(bytes) });
  }
  return sums;
}
