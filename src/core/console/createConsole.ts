import { ImapConsole } from './imapConsole';
import { Pop3Console } from './pop3Console';
import type { ConsoleOptions, ProtocolConsole } from './protocolConsole';

/** The console that fits the account's protocol (nothing connects until start()). */
export function createProtocolConsole(options: ConsoleOptions): ProtocolConsole {
  return options.account.protocol === 'imap' ? new ImapConsole(options) : new Pop3Console(options);
}
