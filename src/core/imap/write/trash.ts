import type { ImapFlow } from 'imapflow';

/**
 * The folder the server itself marks `\Trash` (RFC 6154 SPECIAL-USE, through imapflow's LIST, which asks
 * RETURN (SPECIAL-USE) where offered), or undefined. Only the server's own attribute counts: a folder merely
 * named "Trash", "Deleted Items" or "Papierkorb" (imapflow guesses those by name) is not taken for it, because
 * moving mail into a folder the server does not treat as Trash would surprise every other client.
 */
export async function findTrash(client: ImapFlow): Promise<string | undefined> {
  const entries = await client.list();
  const trash = entries.find((entry) => entry.specialUse === '\\Trash' && entry.specialUseSource === 'extension' && !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent'));
  return trash?.path;
}
