import { MailError } from '../errors';
import { MimePart, PartTree, ancestorsOf } from './partTree';
import { splitRaw } from './rawSplitter';

/** What "Open Raw Part" shows: the body as stored, or the part's MIME header block followed by its body. */
export type PartBytesMode = 'body' | 'headersAndBody';

/** A part's raw (still transfer-encoded) bytes, from a tree parsed from this same raw message. */
export function partBytes(raw: Buffer, part: MimePart, mode: PartBytesMode = 'body'): Buffer {
  if (!part.bytes) throw new MailError('config', `Part ${part.section} has no byte offsets: it was not parsed from a raw message.`);
  const { headerStart, bodyStart, end } = part.bytes;
  if (end > raw.length || headerStart > end) throw new MailError('config', `Part ${part.section} does not lie inside the given message: was the tree parsed from other bytes?`);
  return cut(raw, { headerStart, bodyStart, end }, mode);
}

/**
 * A part's raw bytes by IMAP section, found by splitting the message again: works for parts a tree left
 * out because of its limits. Rejects with MailError 'notFound' when the message has no such section.
 */
export async function partBytesBySection(raw: Buffer, section: string, mode: PartBytesMode = 'body', signal?: AbortSignal): Promise<Buffer> {
  let found: { headerStart: number; bodyStart: number; end: number } | undefined;
  await splitRaw(
    raw,
    {
      open() {},
      close(part) {
        if (!found && part.section === section) found = { headerStart: part.headerStart, bodyStart: part.bodyStart, end: part.end };
      },
    },
    Number.MAX_SAFE_INTEGER,
    signal,
  );
  if (!found) throw new MailError('notFound', `The message has no part ${section}.`);
  return cut(raw, found, mode);
}

/**
 * The IMAP FETCH section specifiers whose bytes, concatenated, equal partBytes(raw, part, mode):
 * e.g. ["1.2"] for a body, ["1.2.MIME", "1.2"] with headers; a message's root uses HEADER instead of MIME.
 */
export function imapSectionsFor(tree: PartTree, part: MimePart, mode: PartBytesMode = 'body'): string[] {
  if (mode === 'body') return [part.section];
  if (part === tree.root) return ['HEADER', part.section];
  const parents = ancestorsOf(tree.root, part);
  const parent = parents[parents.length - 1];
  if (parent?.message?.root === part) return [`${parent.section}.HEADER`, part.section];
  return [`${part.section}.MIME`, part.section];
}

function cut(raw: Buffer, range: { headerStart: number; bodyStart: number; end: number }, mode: PartBytesMode): Buffer {
  return mode === 'body' ? raw.subarray(range.bodyStart, Math.max(range.bodyStart, range.end)) : raw.subarray(range.headerStart, range.end);
}
