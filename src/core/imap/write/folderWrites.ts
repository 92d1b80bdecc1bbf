import { MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { FolderDeletion, NewFolder } from '../../write/mailWriter';
import { ImapWriteDeps } from './writeContext';

export function createFolder(_deps: ImapWriteDeps, _folder: NewFolder, _signal?: Cancel): Promise<{ readonly path: string }> {
  return Promise.reject(new MailError('unsupported', 'createFolder is not built yet.'));
}

export function renameFolder(_deps: ImapWriteDeps, _path: string, _to: { readonly parent: string | undefined; readonly name: string }, _signal?: Cancel): Promise<{ readonly path: string }> {
  return Promise.reject(new MailError('unsupported', 'renameFolder is not built yet.'));
}

export function deleteFolder(_deps: ImapWriteDeps, _path: string, _confirmed: FolderDeletion, _signal?: Cancel): Promise<void> {
  return Promise.reject(new MailError('unsupported', 'deleteFolder is not built yet.'));
}

export function setSubscribed(_deps: ImapWriteDeps, _path: string, _subscribed: boolean, _signal?: Cancel): Promise<void> {
  return Promise.reject(new MailError('unsupported', 'setSubscribed is not built yet.'));
}
