import iconv from 'iconv-lite';
import { hasControlCharacters } from '../../accounts/account';
import { MailError } from '../../errors';
import { SpecialUse } from '../../mailStore';

// Folder paths for CREATE and RENAME: a parent's path, the server's hierarchy delimiter and a name the user typed;
// and a path as LIST returns it (modified UTF-7, RFC 3501 §5.1.3, unless UTF8=ACCEPT is enabled). Paths are sent
// with mailboxName.ts's mailboxAttribute.

/** INBOX is case-insensitive (RFC 3501 §5.1). */
export function isInbox(path: string): boolean {
  return path.toUpperCase() === 'INBOX';
}

/**
 * The full path of a folder `name` under `parent` (undefined: the top level). Refused in plain words: an empty name,
 * a line break or NUL, LIST's wildcards % and *, and a name containing the delimiter (it would create a folder
 * inside another one, not one named like that).
 */
export function childPath(parent: string | undefined, name: string, delimiter: string | undefined): string {
  if (name.trim() === '') throw new MailError('config', 'A folder name cannot be empty.');
  if (hasControlCharacters(name)) throw new MailError('config', 'The folder name contains a line break or NUL character.');
  if (/[%*]/.test(name)) throw new MailError('config', `The folder name "${name}" contains % or *: IMAP uses them as wildcards when listing folders, so such a folder could not be listed reliably.`);
  if (delimiter && name.includes(delimiter)) {
    throw new MailError('config', `The folder name "${name}" contains "${delimiter}", the server's hierarchy delimiter: it would make a folder inside another one. Choose a name without "${delimiter}", or create the parent folder first.`);
  }
  if (parent === undefined || parent === '') return name;
  if (!delimiter) throw new MailError('unsupported', 'The server has no folder hierarchy (its LIST reply gives no delimiter), so a folder cannot be created inside another one.');
  return `${parent}${delimiter}${name}`;
}

/** True when `path` is `folder` itself or lies anywhere below it. */
export function isWithin(path: string, folder: string, delimiter: string | undefined): boolean {
  return path === folder || (delimiter !== undefined && delimiter !== '' && path.startsWith(folder + delimiter));
}

/** A path as received: decoded from modified UTF-7 unless the session talks UTF-8. */
export function decodeMailboxName(raw: string, utf8: boolean): string {
  if (utf8 || !raw.includes('&')) return raw;
  return iconv.decode(Buffer.from(raw, 'latin1'), 'utf-7-imap');
}

const USE_ATTRIBUTES: Partial<Record<SpecialUse, string>> = {
  sent: '\\Sent',
  drafts: '\\Drafts',
  trash: '\\Trash',
  junk: '\\Junk',
  archive: '\\Archive',
  all: '\\All',
  flagged: '\\Flagged',
};

/** RFC 6154's attribute for CREATE … (USE (…)); INBOX is no special use one can create. */
export function useAttribute(use: SpecialUse): string {
  const attribute = USE_ATTRIBUTES[use];
  if (!attribute) throw new MailError('config', `"${use}" is not a special use a new folder can have (RFC 6154).`);
  return attribute;
}
