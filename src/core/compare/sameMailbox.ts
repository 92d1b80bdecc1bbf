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

/** Two accounts of a comparison as `{ imap, pop3 }`, whichever was chosen first. */
export function byProtocol(first: AccountDefinition, second: AccountDefinition): { imap: AccountDefinition; pop3: AccountDefinition } {
  return first.protocol === 'imap' ? { imap: first, pop3: second } : { imap: second, pop3: first };
}

/** The name of the protocol `account` does not speak: what a comparison partner must speak. */
export function otherProtocolName(account: AccountDefinition): 'IMAP' | 'POP3' {
  return account.protocol === 'imap' ? 'POP3' : 'IMAP';
}

/** Every account of the other protocol than `account`'s: the choice by hand when none reaches the same mailbox. */
export function otherProtocolAccounts(account: AccountDefinition, all: readonly AccountDefinition[]): AccountDefinition[] {
  return all.filter((a) => a.protocol !== account.protocol);
}
