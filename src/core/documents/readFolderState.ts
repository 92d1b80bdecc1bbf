import { MailError } from '../errors';
import { Cancel, MailStore } from '../mailStore';
import { FolderSnapshot } from './folderState';

/** A store that can tell a folder's state itself (ImapStore: STATUS and EXAMINE). */
interface StateReader {
  folderState(folder: string, signal?: Cancel): Promise<FolderSnapshot>;
}

function stateReader(store: MailStore): StateReader | undefined {
  for (let s: MailStore | undefined = store; s; s = (s as { origin?: MailStore }).origin) {
    if (typeof (s as Partial<StateReader>).folderState === 'function') return s as unknown as StateReader;
  }
  return undefined;
}

/**
 * The folder's state now, for the folder-state document: from the store's own state command where it has one
 * (IMAP STATUS and EXAMINE), else the counts its folder list gives (POP3: the maildrop's STAT). Read-only.
 */
export async function readFolderState(store: MailStore, folderPath: string, signal?: Cancel): Promise<FolderSnapshot> {
  const reader = stateReader(store);
  if (reader) return reader.folderState(folderPath, signal);
  const folder = (await store.listFolders(signal)).find((f) => f.path === folderPath);
  if (!folder) throw new MailError('notFound', `The folder "${folderPath}" is not on the server any more.`);
  return {
    folder: folderPath,
    takenAt: new Date(),
    source: folder.offline ? 'the folder list, from the offline cache' : 'the folder list',
    ...(folder.total !== undefined ? { exists: folder.total } : {}),
    ...(folder.unseen !== undefined ? { unseen: folder.unseen } : {}),
  };
}
