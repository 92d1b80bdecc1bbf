import type { MessageEnvelopeObject, MessageStructureObject } from 'imapflow';
import { Address } from '../mailStore';
import { DEFAULT_PART_TREE_LIMITS, PartTree, PartTreeLimits, childSection, rootSection } from './partTree';
import { EnvelopeFields, PartFields, PartHandle, PartTreeBuilder } from './treeBuilder';
import { formatBytes } from '../format';

// imapflow parses BODYSTRUCTURE into MessageStructureObject and numbers parts itself (`part`), but it gives
// the single-part body of an encapsulated message the section of the message/rfc822 part (e.g. "2"
// instead of "2.1"). Sections are therefore computed here with the same rules as for raw messages, so both
// sources name every part identically.

interface Pending {
  readonly node: MessageStructureObject;
  readonly parent: PartHandle | undefined;
  readonly section: string;
  readonly depth: number;
  readonly envelope: EnvelopeFields | undefined;
}

/** The part tree of a message from its IMAP BODYSTRUCTURE, without downloading the body. */
export function partTreeFromBodyStructure(structure: MessageStructureObject, messageSize: number, limits: PartTreeLimits = DEFAULT_PART_TREE_LIMITS): PartTree {
  const builder = new PartTreeBuilder('bodystructure', messageSize, limits);
  // An explicit stack instead of recursion: nesting depth is chosen by whoever wrote the message.
  const stack: Pending[] = [{ node: structure, parent: undefined, section: rootSection(undefined, isMultipartNode(structure)), depth: 0, envelope: undefined }];
  let leafBytes = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Pending;
    const { node } = item;
    const handle = builder.add(item.parent, item.section, item.depth, fieldsOf(node), undefined, item.envelope);
    if (!isMultipartNode(node) && node.size !== undefined && (node.type !== 'message/rfc822' || !node.childNodes?.length)) leafBytes += node.size;
    const children: Pending[] = [];
    // Parts below a part left out are only counted: no section strings (5,000 levels of "1.1.1…" add up).
    const kept = handle.kept;
    if (isMultipartNode(node)) {
      (node.childNodes ?? []).forEach((child, i) => {
        children.push({ node: child, parent: handle, section: kept ? childSection(item.section, i + 1) : '', depth: item.depth + 1, envelope: undefined });
      });
    } else if (node.type === 'message/rfc822' && node.childNodes?.[0]) {
      const body = node.childNodes[0];
      children.push({ node: body, parent: handle, section: kept ? rootSection(item.section, isMultipartNode(body)) : '', depth: item.depth + 1, envelope: kept ? envelopeOf(node.envelope) : undefined });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  if (leafBytes > messageSize) {
    builder.notice({
      kind: 'sizeMismatch',
      message: `The server's structure lists ${formatBytes(leafBytes)} of part bodies, more than the message's size of ${formatBytes(messageSize)}.`,
    });
  }
  return builder.finish({ contentType: 'text/plain', charset: undefined, encoding: '7bit', size: messageSize, fileName: undefined, disposition: undefined, contentId: undefined, flowed: undefined });
}

function isMultipartNode(node: MessageStructureObject): boolean {
  return node.type.startsWith('multipart/') || (node.childNodes !== undefined && node.type !== 'message/rfc822');
}

function fieldsOf(node: MessageStructureObject): PartFields {
  const params = node.parameters ?? {};
  const dispositionParams = node.dispositionParameters ?? {};
  const multipart = isMultipartNode(node);
  const format = params.format?.toLowerCase();
  return {
    contentType: node.type || 'text/plain',
    charset: params.charset || undefined,
    encoding: multipart ? undefined : node.encoding?.toLowerCase() || '7bit',
    size: multipart ? undefined : node.size,
    fileName: dispositionParams.filename || params.name || undefined,
    disposition: node.disposition?.toLowerCase() || undefined,
    contentId: stripAngles(node.id),
    flowed: format === 'flowed' ? { delSp: params.delsp?.toLowerCase() === 'yes' } : undefined,
  };
}

function envelopeOf(envelope: MessageEnvelopeObject | undefined): EnvelopeFields {
  const date = envelope?.date === undefined ? undefined : new Date(envelope.date);
  return {
    subject: envelope?.subject || undefined,
    from: (envelope?.from ?? []).map((a): Address => ({ name: a.name ?? '', address: a.address ?? '' })),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: envelope?.messageId || undefined,
  };
}

/** "<abc@x>" → "abc@x". */
export function stripAngles(id: string | undefined): string | undefined {
  const trimmed = id?.trim();
  if (!trimmed) return undefined;
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1).trim() || undefined : trimmed;
}
