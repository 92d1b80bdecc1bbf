import { Address, FolderInfo, MessagePage, MessageStructure, MessageSummary, SpecialUse } from '../mailStore';

// What the offline cache reads back is checked field by field: a file from an older version, a disk
// error or a hand edit must not reach the tree as a malformed folder or message.

const SPECIAL_USES: readonly SpecialUse[] = ['inbox', 'sent', 'drafts', 'trash', 'junk', 'archive', 'all', 'flagged'];

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function optionalNumber(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function toFolder(value: unknown): FolderInfo | undefined {
  if (!isFields(value)) return undefined;
  const { path, name, delimiter, parentPath, specialUse, selectable, total, unseen, size, subscribed } = value;
  if (typeof path !== 'string' || typeof name !== 'string' || typeof selectable !== 'boolean') return undefined;
  if (subscribed !== undefined && typeof subscribed !== 'boolean') return undefined;
  if (!optionalString(delimiter) || !optionalString(parentPath) || !optionalNumber(total) || !optionalNumber(unseen) || !optionalNumber(size)) return undefined;
  if (specialUse !== undefined && !SPECIAL_USES.includes(specialUse as SpecialUse)) return undefined;
  return { path, name, delimiter, parentPath, specialUse: specialUse as SpecialUse | undefined, selectable, total, unseen, size, ...(subscribed !== undefined ? { subscribed } : {}) };
}

export function readFolders(data: unknown): FolderInfo[] | undefined {
  if (!Array.isArray(data)) return undefined;
  const folders = data.map(toFolder);
  return folders.every((f): f is FolderInfo => f !== undefined) ? folders : undefined;
}

function toAddresses(value: unknown): Address[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.map((a) => (isFields(a) && typeof a.name === 'string' && typeof a.address === 'string' ? { name: a.name, address: a.address } : undefined));
  return list.every((a): a is Address => a !== undefined) ? list : undefined;
}

function toSummary(value: unknown): MessageSummary | undefined {
  if (!isFields(value)) return undefined;
  const { id, seq, subject, messageId, size, flags, modseq } = value;
  if (typeof id !== 'string' || !isNumber(seq) || typeof subject !== 'string' || !optionalString(messageId) || !isNumber(size)) return undefined;
  if (modseq !== undefined && (typeof modseq !== 'string' || !/^\d+$/.test(modseq))) return undefined;
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string')) return undefined;
  const from = toAddresses(value.from);
  const to = toAddresses(value.to);
  if (!from || !to) return undefined;
  let date: Date | undefined;
  if (typeof value.date === 'string') {
    date = new Date(value.date);
    if (Number.isNaN(date.getTime())) return undefined;
  } else if (value.date !== undefined && value.date !== null) return undefined;
  return { id, seq, subject, from, to, date, messageId, size, flags: flags as string[], ...(modseq !== undefined ? { modseq } : {}) };
}

export function readPage(data: unknown): MessagePage | undefined {
  if (!isFields(data) || !isNumber(data.total) || !Array.isArray(data.messages)) return undefined;
  const { nextOffset, warning, uidValidity } = data;
  if (!optionalNumber(nextOffset) || !optionalString(warning) || !optionalNumber(uidValidity)) return undefined;
  const messages = data.messages.map(toSummary);
  if (!messages.every((m): m is MessageSummary => m !== undefined)) return undefined;
  // Fields this reader does not know (added to MessagePage later, such as a paging cursor) were written
  // by this cache from a store's page: they are kept.
  return {
    ...(data as Partial<MessagePage>),
    total: data.total,
    messages,
    nextOffset,
    ...(warning !== undefined ? { warning } : {}),
    ...(uidValidity !== undefined ? { uidValidity } : {}),
  };
}

export function readStructure(data: unknown): MessageStructure | undefined {
  if (!isFields(data) || !isNumber(data.size) || !isFields(data.structure)) return undefined;
  return { structure: data.structure, size: data.size };
}
