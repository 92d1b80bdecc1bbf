import { AccountDefinition } from '../accounts/account';

/**
 * The accounts of the other protocol that reach the same mailbox as `account`: the same host (case does not
 * matter in a host name) and the same user. Best guesses first: the same security, then any.
 */
export function sameMailboxPartners(account: AccountDefinition, all: readonly AccountDefinition[]): AccountDefinition[] {
  const host = account.host.toLowerCase();
  return all
    .filter((other) => other.protocol !== account.protocol && other.host.toLowerCase() === host && other.user === account.user)
    .sort((a, b) => Number(b.security === account.security) - Number(a.security === account.security));
}

/** Every IMAP/POP3 pair of the list that reaches the same mailbox, IMAP account first. */
export function sameMailboxPairs(all: readonly AccountDefinition[]): { imap: AccountDefinition; pop3: AccountDefinition }[] {
  return all.filter((a) => a.protocol === 'imap').flatMap((imap) => sameMailboxPartners(imap, all).map((pop3) => ({ imap, pop3 })));
}
