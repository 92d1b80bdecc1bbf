import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { shownFolders } from '../../src/core/folderVisibility';
import { FolderInfo } from '../../src/core/mailStore';

// Hide Unsubscribed Folders (src/core/folderVisibility.ts): what the Accounts tree still lists.

function folder(path: string, subscribed: boolean | undefined, specialUse?: FolderInfo['specialUse']): FolderInfo {
  const cut = path.lastIndexOf('/');
  return {
    path,
    name: path.slice(cut + 1),
    delimiter: '/',
    parentPath: cut < 0 ? undefined : path.slice(0, cut),
    specialUse,
    selectable: true,
    total: 0,
    unseen: 0,
    size: undefined,
    ...(subscribed === undefined ? {} : { subscribed }),
  };
}

test('unsubscribed folders are left out; INBOX, unknown subscriptions and parents of shown folders stay', () => {
  const all = [
    folder('INBOX', false, 'inbox'),
    folder('Old', false),
    folder('Projects', false),
    folder('Projects/2026', true),
    folder('Projects/2025', false),
    folder('Sent', true, 'sent'),
    folder('Maildrop', undefined),
  ];
  assert.deepEqual([...shownFolders(all)].sort(), ['INBOX', 'Maildrop', 'Projects', 'Projects/2026', 'Sent']);
});

test('with every folder subscribed (or the server saying nothing) every folder is shown', () => {
  const all = [folder('INBOX', true, 'inbox'), folder('A', true), folder('A/B', undefined)];
  assert.deepEqual([...shownFolders(all)].sort(), ['A', 'A/B', 'INBOX']);
});
