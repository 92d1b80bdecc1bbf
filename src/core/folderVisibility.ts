import { FolderInfo } from './mailStore';

/**
 * The folders the Accounts tree lists while unsubscribed ones are hidden (mailInspector.showUnsubscribedFolders
 * off): every folder but those the server reports as unsubscribed, INBOX always, and an unsubscribed parent of a
 * shown folder (so the hierarchy stays whole). A folder whose subscription is unknown (POP3, a server that said
 * nothing) is shown.
 */
export function shownFolders(all: readonly FolderInfo[]): Set<string> {
  const byPath = new Map(all.map((f) => [f.path, f]));
  const shown = new Set<string>();
  for (const f of all) {
    if (f.subscribed === false && f.specialUse !== 'inbox') continue;
    for (let at: FolderInfo | undefined = f; at && !shown.has(at.path); at = at.parentPath === undefined ? undefined : byPath.get(at.parentPath)) shown.add(at.path);
  }
  return shown;
}
