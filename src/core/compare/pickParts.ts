import { isTextPart } from '../mime/partPresentation';
import { MimePart, PartTree, walkParts } from '../mime/partTree';

/** The parts the comparison opens: the message's text and its largest attachment (either may be missing). */
export interface PickedParts {
  readonly text: MimePart | undefined;
  readonly attachment: MimePart | undefined;
}

/** Bytes of a part as stored: IMAP's count, or the span in the raw message. */
export function storedSize(part: MimePart): number {
  if (part.size !== undefined) return part.size;
  return part.bytes ? Math.max(0, part.bytes.end - part.bytes.bodyStart) : 0;
}

/**
 * Picks the same parts from a tree whether it came from BODYSTRUCTURE (IMAP) or from the raw bytes (POP3): the
 * text is the first inline text leaf (text/plain before any other text type), the attachment the largest leaf
 * that is marked as one (disposition attachment or a file name), else the largest other non-text leaf.
 */
export function pickParts(tree: PartTree): PickedParts {
  const leaves = [...walkParts(tree.root)].filter((p) => p.children.length === 0 && !p.message);
  const inlineText = leaves.filter((p) => isTextPart(p) && p.disposition !== 'attachment' && p.fileName === undefined);
  const text = inlineText.find((p) => p.contentType === 'text/plain') ?? inlineText[0];
  const others = leaves.filter((p) => p !== text);
  const marked = others.filter((p) => p.disposition === 'attachment' || p.fileName !== undefined);
  const candidates = marked.length > 0 ? marked : others.filter((p) => !isTextPart(p));
  let attachment: MimePart | undefined;
  for (const p of candidates) if (!attachment || storedSize(p) > storedSize(attachment)) attachment = p;
  return { text, attachment };
}
