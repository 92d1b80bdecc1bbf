import * as vscode from 'vscode';

export const SCHEME = 'mail-inspector';

/** Authority used for messages that come from a file rather than an account. */
export const FILE_AUTHORITY = 'local.file'; // a dot cannot appear in an account id, so no clash

/** Where a message lives: an account's folder, or a local .eml file. */
export type MessageRef =
  | { readonly kind: 'server'; readonly accountId: string; readonly folderPath: string; readonly messageId: string }
  | { readonly kind: 'file'; readonly file: string };

/** What a document shows of the message. */
export type DocumentView = 'message' | 'part' | 'rawPart' | 'headers';

export interface DocumentAddress {
  readonly message: MessageRef;
  readonly view: DocumentView;
  /** The MIME section, for part views. */
  readonly section?: string;
}

/** A server message's address, as the tree and the raw-message cache name it. */
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

export function messageKey(ref: MessageRef): string {
  return ref.kind === 'server' ? `server\0${ref.accountId}\0${ref.folderPath}\0${ref.messageId}` : `file\0${ref.file}`;
}

/**
 * Readable paths, exact addresses in the query (folder names, UIDLs and file paths may contain anything):
 * `mail-inspector://<account>/<folder>/<subject>.eml?folder=…&id=…` for a message,
 * `…/<subject>/<section>/<file name>?…&view=part&part=<section>` for a part,
 * `mail-inspector://file/<file name>/…?file=<uri>` for messages from files.
 */
export function toDocumentUri(address: DocumentAddress, title: string, fileName?: string): vscode.Uri {
  const m = address.message;
  const params = new URLSearchParams();
  let base: string;
  let authority: string;
  if (m.kind === 'server') {
    authority = m.accountId;
    params.set('folder', m.folderPath);
    params.set('id', m.messageId);
    base = `/${m.folderPath}/${titleSegment(title)}`;
  } else {
    authority = FILE_AUTHORITY;
    params.set('file', m.file);
    base = `/${titleSegment(title)}`;
  }
  if (address.view !== 'message') params.set('view', address.view);
  if (address.section !== undefined) params.set('part', address.section);
  let path: string;
  switch (address.view) {
    case 'message':
      path = `${base}.eml`;
      break;
    case 'headers':
      path = `${base}/headers.md`;
      break;
    default:
      path = `${base}/${address.section ?? ''}/${address.view === 'rawPart' ? 'raw ' : ''}${titleSegment(fileName ?? 'part')}`;
  }
  return vscode.Uri.from({ scheme: SCHEME, authority, path, query: params.toString() });
}

export function fromDocumentUri(uri: vscode.Uri): DocumentAddress | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const params = new URLSearchParams(uri.query);
  const view = (params.get('view') ?? 'message') as DocumentView;
  if (!['message', 'part', 'rawPart', 'headers'].includes(view)) return undefined;
  const section = params.get('part') ?? undefined;
  if ((view === 'part' || view === 'rawPart') && !section) return undefined;
  let message: MessageRef;
  if (uri.authority === FILE_AUTHORITY) {
    const file = params.get('file');
    if (!file) return undefined;
    message = { kind: 'file', file };
  } else {
    const folderPath = params.get('folder');
    const messageId = params.get('id');
    if (!uri.authority || folderPath === null || messageId === null) return undefined;
    message = { kind: 'server', accountId: uri.authority, folderPath, messageId };
  }
  return { message, view, ...(section !== undefined ? { section } : {}) };
}

export function toMessageUri(address: MessageAddress, subject: string): vscode.Uri {
  return toDocumentUri({ message: { kind: 'server', ...address }, view: 'message' }, subject);
}
