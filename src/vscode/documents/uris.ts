import * as vscode from 'vscode';

export const SCHEME = 'mail-inspector';

/** Where a message lives: account, folder path and message id (IMAP UID or POP3 UIDL). */
export interface MessageAddress {
  accountId: string;
  folderPath: string;
  messageId: string;
}

/** Characters that would make a bad file name are replaced; the name is only for the tab title. */
function titleSegment(subject: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = subject.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);
  return cleaned || 'message';
}

/**
 * `mail-inspector://<account>/<folder path>/<subject>.eml?id=<message id>`: readable in the tab,
 * with the exact address in the query (folder names and UIDLs may contain anything).
 */
export function toMessageUri(address: MessageAddress, subject: string): vscode.Uri {
  const query = new URLSearchParams({ folder: address.folderPath, id: address.messageId }).toString();
  return vscode.Uri.from({ scheme: SCHEME, authority: address.accountId, path: `/${address.folderPath}/${titleSegment(subject)}.eml`, query });
}

export function fromMessageUri(uri: vscode.Uri): MessageAddress | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const params = new URLSearchParams(uri.query);
  const folderPath = params.get('folder');
  const messageId = params.get('id');
  if (!uri.authority || folderPath === null || messageId === null) return undefined;
  return { accountId: uri.authority, folderPath, messageId };
}
