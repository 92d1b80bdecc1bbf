import * as vscode from 'vscode';
import {
  decodeDocumentAddress,
  decodeFolderAddress,
  DocumentAddress,
  encodeDocumentAddress,
  encodeFolderAddress,
  FolderAddress,
  FOLDER_STATE_SCHEME,
  MessageLocation,
  SCHEME,
} from '../../core/documents/documentAddress';

export { FILE_AUTHORITY, FOLDER_STATE_SCHEME, folderKeyPrefix, messageKey, SCHEME } from '../../core/documents/documentAddress';
export type { DocumentAddress, DocumentView, FolderAddress } from '../../core/documents/documentAddress';

/**
 * Where a message lives: an account's folder (with the folder's UIDVALIDITY when known: the message's full
 * identity), or a local .eml file.
 */
export type MessageRef = MessageLocation;

/** A server message's address, as the tree and the raw-message cache name it. */
export interface MessageAddress {
  readonly accountId: string;
  readonly folderPath: string;
  readonly messageId: string;
  /** The folder's UIDVALIDITY when the message was listed (IMAP); the generation `messageId` belongs to. */
  readonly uidValidity?: number;
}

/** See encodeDocumentAddress for the layout of the URI. */
export function toDocumentUri(address: DocumentAddress, title: string, fileName?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, ...encodeDocumentAddress(address, title, fileName) });
}

export function fromDocumentUri(uri: vscode.Uri): DocumentAddress | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  return decodeDocumentAddress(uri);
}

export function toMessageUri(address: MessageAddress, subject: string): vscode.Uri {
  return toDocumentUri({ message: { kind: 'server', ...address }, view: 'message' }, subject);
}

export function toFolderStateUri(address: FolderAddress): vscode.Uri {
  return vscode.Uri.from({ scheme: FOLDER_STATE_SCHEME, ...encodeFolderAddress(address) });
}

export function fromFolderStateUri(uri: vscode.Uri): FolderAddress | undefined {
  if (uri.scheme !== FOLDER_STATE_SCHEME) return undefined;
  return decodeFolderAddress(uri);
}
