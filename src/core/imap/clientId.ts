import type { ImapFlow } from 'imapflow';
import { connectionCommands } from './commandMap';

/** The client's name in the ID command. */
export const CLIENT_NAME = 'Mail Inspector';

/** What the IMAP ID command (RFC 2971) tells the server about the client. */
export interface ClientId {
  readonly name: string;
  readonly version?: string;
}

/**
 * Makes the client send exactly `id` in its ID command, once per connection and after login, or no ID command
 * at all when `id` is false.
 *
 * imapflow 2.10.2 sends ID (when the server offers it) before login and, if the server said little (fewer than two
 * fields: Dovecot's `("name" "Dovecot")` is one), again after it, with `this.clientInfo`: its constructor merges
 * `options.clientInfo` over imapflow's own name, version, vendor and support URL, so the option alone cannot leave
 * them out. `clientInfo` is a public field: it is replaced whole here. There is no option to skip or move an ID, so
 * in the connection's own command map (commandMap.ts) ID is left out, or answers nothing before login (imapflow
 * then asks after login, as it does when the first answer was empty) and is sent at most once. So a server still
 * gets ID after login, where imapflow itself repeats it, and our name goes only to a server we have logged in to;
 * against Dovecot this is one round trip less on every connection.
 */
export function applyClientId(client: ImapFlow, id: ClientId | false): void {
  const commands = connectionCommands(client);
  const send = commands.get('ID');
  if (id === false || !send) {
    commands.delete('ID');
    return;
  }
  client.clientInfo = { name: id.name, ...(id.version ? { version: id.version } : {}) };
  let answer: Promise<unknown> | undefined;
  commands.set('ID', (connection, ...args) => {
    if (!connection.authenticated) return Promise.resolve(undefined);
    answer ??= send(connection, ...args);
    return answer;
  });
}
