// The addresses of Mail Inspector's documents, without VS Code: what a `mail-inspector:` URI holds and how it is
// spelled. src/vscode/documents/uris.ts turns these parts into vscode.Uri and back; the tests use them directly.

/** The scheme of message documents (raw message, parts, headers report). */
export const SCHEME = 'mail-inspector';

/** The scheme of folder-state documents (read-only, updated live). */
export const FOLDER_STATE_SCHEME = 'mail-inspector-folder';

/** Authority used for messages that come from a file rather than an account. */
export const FILE_AUTHORITY = 'local.file'; // a dot cannot appear in an account id, so no clash

/**
 * Where a message lives: an account's folder, or a local .eml file. A server message is known by its full
 * identity `{account, folder, UIDVALIDITY, UID}`: `uidValidity` is the folder's generation the id belongs to
 * (IMAP; undefined for POP3, whose UIDLs have no generations, or for an address made before it was known).
 */
export type MessageLocation =
  | { readonly kind: 'server'; readonly accountId: string; readonly folderPath: string; readonly messageId: string; readonly uidValidity?: number }
  | { readonly kind: 'file'; readonly file: string };

/** What a document shows of the message. */
export type DocumentView = 'message' | 'part' | 'rawPart' | 'headers';

const VIEWS: readonly DocumentView[] = ['message', 'part', 'rawPart', 'headers'];

export interface DocumentAddress {
  readonly message: MessageLocation;
  readonly view: DocumentView;
  /** The MIME section, for part views. */
  readonly section?: string;
}

/** The parts of a URI these addresses use (scheme aside). */
export interface AddressParts {
  readonly authority: string;
  readonly path: string;
  readonly query: string;
}

/** The largest UIDVALIDITY: a non-zero 32-bit unsigned number (RFC 3501 nz-number). */
const MAX_UID_VALIDITY = 0xffff_ffff;

/** A UIDVALIDITY as written in a query, or undefined when it is not one (absent, zero, too large, not decimal). */
export function parseUidValidity(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || !/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_UID_VALIDITY ? value : undefined;
}

export function isUidValidity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_UID_VALIDITY;
}

/** Characters that would make a bad file name are replaced; the name is only for the tab title. */
export function titleSegment(subject: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = subject.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60);
  return cleaned || 'message';
}

/**
 * A key naming one message of one generation, for in-memory maps. Server keys start with
 * `server\0<account>\0<folder>\0` (so an account's or a folder's messages share a prefix), then the
 * generation (empty when unknown), then the id: the same UID of two generations gives two keys.
 */
export function messageKey(ref: MessageLocation): string {
  return ref.kind === 'server' ? `${folderKeyPrefix(ref.accountId, ref.folderPath)}${ref.uidValidity ?? ''}\0${ref.messageId}` : `file\0${ref.file}`;
}

/** The prefix every messageKey of the folder (any generation) starts with. */
export function folderKeyPrefix(accountId: string, folderPath: string): string {
  return `server\0${accountId}\0${folderPath}\0`;
}

/**
 * Readable paths, exact addresses in the query (folder names, UIDLs and file paths may contain anything):
 * `mail-inspector://<account>/<folder>/<subject>.eml?folder=…&uidvalidity=…&id=…` for a message,
 * `…/<subject>/<section>/<file name>?…&view=part&part=<section>` for a part,
 * `mail-inspector://local.file/<file name>/…?file=<uri>` for messages from files.
 */
export function encodeDocumentAddress(address: DocumentAddress, title: string, fileName?: string): AddressParts {
  const m = address.message;
  const params = new URLSearchParams();
  let base: string;
  let authority: string;
  if (m.kind === 'server') {
    authority = m.accountId;
    params.set('folder', m.folderPath);
    if (m.uidValidity !== undefined) {
      if (!isUidValidity(m.uidValidity)) throw new RangeError(`${m.uidValidity} is not a UIDVALIDITY.`);
      params.set('uidvalidity', String(m.uidValidity));
    }
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
  return { authority, path, query: params.toString() };
}

/**
 * The address in a document URI's authority and query, or undefined when they do not name one. A
 * `uidvalidity` that is present but not a UIDVALIDITY makes the whole address invalid: reading it as "no
 * generation" could show whatever message holds that UID now.
 */
export function decodeDocumentAddress(parts: Pick<AddressParts, 'authority' | 'query'>): DocumentAddress | undefined {
  const params = new URLSearchParams(parts.query);
  const view = (params.get('view') ?? 'message') as DocumentView;
  if (!VIEWS.includes(view)) return undefined;
  const section = params.get('part') ?? undefined;
  if ((view === 'part' || view === 'rawPart') && !section) return undefined;
  let message: MessageLocation;
  if (parts.authority === FILE_AUTHORITY) {
    const file = params.get('file');
    if (!file) return undefined;
    message = { kind: 'file', file };
  } else {
    const folderPath = params.get('folder');
    const messageId = params.get('id');
    if (!parts.authority || folderPath === null || messageId === null) return undefined;
    const written = params.get('uidvalidity');
    const uidValidity = parseUidValidity(written);
    if (written !== null && uidValidity === undefined) return undefined;
    message = { kind: 'server', accountId: parts.authority, folderPath, messageId, ...(uidValidity !== undefined ? { uidValidity } : {}) };
  }
  return { message, view, ...(section !== undefined ? { section } : {}) };
}

/** A folder whose state document is shown. */
export interface FolderAddress {
  readonly accountId: string;
  readonly folderPath: string;
}

/** `mail-inspector-folder://<account>/<folder>/folder state.md?folder=<exact path>`. */
export function encodeFolderAddress(address: FolderAddress): AddressParts {
  const params = new URLSearchParams({ folder: address.folderPath });
  return { authority: address.accountId, path: `/${address.folderPath}/folder state.md`, query: params.toString() };
}

export function decodeFolderAddress(parts: Pick<AddressParts, 'authority' | 'query'>): FolderAddress | undefined {
  const folderPath = new URLSearchParams(parts.query).get('folder');
  if (!parts.authority || parts.authority === FILE_AUTHORITY || folderPath === null) return undefined;
  return { accountId: parts.authority, folderPath };
}
