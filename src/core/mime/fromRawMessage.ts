import type { MimeNode } from '@zone-eu/mailsplit';
import { stripAngles } from './fromBodyStructure';
import { parseAddressList, parseMailDate, safeDecode } from './headers';
import { DEFAULT_PART_TREE_LIMITS, PartTree, PartTreeLimits } from './partTree';
import { RawPart, splitRaw } from './rawSplitter';
import { EnvelopeFields, PartFields, PartHandle, PartTreeBuilder } from './treeBuilder';
import { formatBytes } from '../format';

/** Options for partTreeFromRaw. */
export interface RawTreeOptions {
  readonly limits?: Partial<PartTreeLimits>;
  /** The size the server announced (RFC822.SIZE, POP3 LIST); a different raw length is reported. */
  readonly expectedSize?: number;
  readonly signal?: AbortSignal;
}

/** The part tree of a raw RFC 5322 message (POP3, local .eml files, or IMAP after a full download). */
export async function partTreeFromRaw(raw: Buffer, options: RawTreeOptions = {}): Promise<PartTree> {
  const limits: PartTreeLimits = { ...DEFAULT_PART_TREE_LIMITS, ...options.limits };
  const builder = new PartTreeBuilder('raw', raw.length, limits);
  const handles = new Map<RawPart, PartHandle>();
  const outcome = await splitRaw(
    raw,
    {
      open(part) {
        const headerBytes = part.bodyStart - part.headerStart;
        if (headerBytes > limits.maxHeaderBytes) {
          builder.notice({
            kind: 'headerLimit',
            section: part.section,
            message: `The header block of ${part.parent ? `part ${part.section}` : 'the message'} is ${formatBytes(headerBytes)}, over the ${formatBytes(limits.maxHeaderBytes)} most mail parsers accept (mailparser refuses such a message).`,
          });
        }
        const parent = part.parent ? handles.get(part.parent) : undefined;
        const envelope = part.parent?.nests ? envelopeOf(part.node) : undefined;
        const handle = builder.add(parent, part.section, part.depth, fieldsOf(part), { headerStart: part.headerStart, bodyStart: part.bodyStart, end: raw.length }, envelope);
        handles.set(part, handle);
      },
      close(part) {
        const handle = handles.get(part);
        handles.delete(part);
        if (handle) builder.setEnd(handle, part.end);
        if (part.node.multipart && part.node._boundary && part.childCount === 0) {
          builder.notice({ kind: 'malformed', section: part.section, message: `Multipart ${part.section} has no parts: its boundary never appears.` });
        }
      },
    },
    limits.hardMaxHeaderBytes,
    options.signal,
  );
  if (!outcome.complete) builder.stop('headerLimit');
  else if (outcome.bytesCounted !== raw.length) {
    builder.notice({ kind: 'malformed', message: `The MIME splitter accounted for ${formatBytes(outcome.bytesCounted)} of ${formatBytes(raw.length)}: part offsets may be wrong.` });
  }
  if (options.expectedSize !== undefined && options.expectedSize !== raw.length) {
    builder.notice({ kind: 'sizeMismatch', message: `The server announced ${formatBytes(options.expectedSize)} but sent ${formatBytes(raw.length)}.` });
  }
  return builder.finish({ contentType: 'text/plain', charset: undefined, encoding: '7bit', size: raw.length, fileName: undefined, disposition: undefined, contentId: undefined, flowed: undefined });
}

function fieldsOf(part: RawPart): PartFields {
  const node = part.node;
  const multipart = node.multipart !== false;
  return {
    contentType: node.contentType || 'text/plain',
    charset: node.charset || undefined,
    encoding: multipart ? undefined : node.encoding || '7bit',
    size: undefined, // known when the part is closed: PartTreeBuilder.setEnd
    fileName: node.filename || undefined,
    disposition: part.disposition,
    contentId: node.headers ? stripAngles(node.headers.getFirst('content-id')) : undefined,
    flowed: node.flowed ? { delSp: node.delSp } : undefined,
  };
}

function envelopeOf(node: MimeNode): EnvelopeFields {
  const headers = node.headers;
  if (!headers) return { subject: undefined, from: [], date: undefined, messageId: undefined };
  const subject = headers.getFirst('subject');
  return {
    subject: subject ? safeDecode(subject) : undefined,
    from: parseAddressList(headers.getFirst('from')).map((a) => ({ name: a.name, address: a.address })),
    date: parseMailDate(headers.getFirst('date')),
    messageId: headers.getFirst('message-id') || undefined,
  };
}
