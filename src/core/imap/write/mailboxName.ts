import type { ImapFlow } from 'imapflow';
import iconv from 'iconv-lite';
import { ImapAttribute } from './imapCommand';

/**
 * A folder name as a command argument: modified UTF-7 (RFC 3501 §5.1.3) unless the session ENABLEd UTF8=ACCEPT,
 * then UTF-8 as it is. imapflow's compiler quotes it when it is not an atom. The same encoding imapflow's own
 * commands use, so a name the tree lists is the name a write sends.
 */
export function mailboxAttribute(client: ImapFlow, path: string): ImapAttribute {
  const utf8 = client.enabled.has('UTF8=ACCEPT');
  const needsEncoding = /[&\u0080-\uffff]/.test(path);
  return { type: 'STRING', value: !utf8 && needsEncoding ? iconv.encode(path, 'utf-7-imap').toString('latin1') : path };
}

/** How a folder appears in a step's description (the partial-failure detail): quoted, as the user knows it. */
export function folderWords(path: string): string {
  return JSON.stringify(path);
}
