import type { ImapFlow } from 'imapflow';

/** The client's name in the ID command. */
export const CLIENT_NAME = 'Mail Inspector';

/** What the IMAP ID command (RFC 2971) tells the server about the client. */
export interface ClientId {
  readonly name: string;
  readonly version?: string;
}

/**
 * Makes the client send exactly `id` in its ID command, or no ID command at all when `id` is false.
 *
 * imapflow 2.10.2 sends ID (when the server offers it) before and, if the server said little, again
 * after login, with `this.clientInfo`: its constructor merges `options.clientInfo` over imapflow's own
 * name, version, vendor and support URL, so the option alone cannot leave them out. `clientInfo` is a
 * public field: it is replaced whole here. There is no option to skip ID; imapflow runs a command only
 * when its per-connection `commands` map knows it (`run()` returns false otherwise, and the second
 * attempt after login is skipped the same way), so that connection gets a copy of the map without ID.
 */
export function applyClientId(client: ImapFlow, id: ClientId | false): void {
  if (id !== false) {
    client.clientInfo = { name: id.name, ...(id.version ? { version: id.version } : {}) };
    return;
  }
  const internal = client as unknown as { commands?: unknown };
  if (!(internal.commands instanceof Map)) throw new Error('imapflow no longer keeps its commands in a Map: applyClientId needs updating.');
  const commands = new Map(internal.commands as Map<string, unknown>);
  commands.delete('ID');
  internal.commands = commands;
}
