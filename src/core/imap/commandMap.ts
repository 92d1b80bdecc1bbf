import type { ImapFlow } from 'imapflow';

/** One of imapflow's command functions (imap-commands.js): what `run(name, ...args)` calls, with the connection first. */
export type CommandFunction = (connection: ImapFlow, ...args: unknown[]) => Promise<unknown>;

const own = new WeakSet<Map<string, CommandFunction>>();

/**
 * The command functions of this one connection, to change. imapflow 2.10.2 runs a command only through its
 * `commands` map (`run()` returns false for a name it lacks), and every connection shares the one map of the
 * module; the first call gives the connection a copy of its own, so a change never reaches another connection.
 */
export function connectionCommands(client: ImapFlow): Map<string, CommandFunction> {
  const internal = client as unknown as { commands?: unknown };
  if (!(internal.commands instanceof Map)) throw new Error('imapflow no longer keeps its commands in a Map: connectionCommands needs updating.');
  const current = internal.commands as Map<string, CommandFunction>;
  if (own.has(current)) return current;
  const copy = new Map(current);
  own.add(copy);
  internal.commands = copy;
  return copy;
}
