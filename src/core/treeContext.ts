import type { SpecialUse } from './mailStore';
import { Features } from './session/features';

// The Accounts tree's contextValues (package.json `when` clauses match them): a kind word first (`account`,
// `folder`, `message`, as the menus' `^kind` tests expect), then state words, then one `feature-<name>` word per
// feature the account's live connection offers (src/core/session/features.ts), e.g.
//   account feature-condstore feature-folders feature-idle …
//   folder selectable canWatch watched feature-folders …
//   message feature-deleteOnServer feature-top feature-uidl
// Menus ask for a feature (`viewItem =~ /\bfeature-deleteOnServer\b/`), never for a protocol. Before the account's
// first connection its features are not known: the rows carry only their kind and state words.
// State words of read-write access: `writable` on account, folder and message rows while the account's session is
// read-write (`readonly` on the account row otherwise); folders also say `subscribed` or `unsubscribed` (when the
// server told) and `specialUse-<use>` (`specialUse-trash`). Every write command's menu entry asks for `writable`.
// Pure (no `vscode`), so the manifest test builds the same values.

/** ` feature-a feature-b …` for every feature offered, or '' when none is known yet. */
export function featureWords(features: Features | undefined): string {
  return features ? features.list().map((f) => ` feature-${f}`).join('') : '';
}

/** What a row says about the account's access: read-write rows carry `writable`. */
export interface AccessWords {
  readonly writable?: boolean;
}

/** What a folder row says besides its state: its subscription (undefined: the server did not say) and special use. */
export interface FolderWords extends AccessWords {
  readonly subscribed?: boolean | undefined;
  readonly specialUse?: SpecialUse | undefined;
}

export function accountContext(features: Features | undefined, words: AccessWords = {}): string {
  return `account ${words.writable ? 'writable' : 'readonly'}${featureWords(features)}`;
}

/** `selectable canWatch`: the folder holds messages and is kept live (IDLE or polling) while expanded; `watched`: it is now. */
export function folderContext(selectable: boolean, watched: boolean, features: Features | undefined, words: FolderWords = {}): string {
  const subscription = words.subscribed === undefined ? '' : words.subscribed ? ' subscribed' : ' unsubscribed';
  const special = words.specialUse ? ` specialUse-${words.specialUse}` : '';
  return `folder${selectable ? ' selectable canWatch' : ''}${watched ? ' watched' : ''}${words.writable ? ' writable' : ''}${subscription}${special}${featureWords(features)}`;
}

/** A message row's words: `writable`, and where the protocol has flags `seen`/`unseen`, `flagged`/`unflagged`, `deleted`/`undeleted` (menus offer Mark Read or Mark Unread by them). */
export interface MessageWords extends AccessWords {
  /** The message's flags, when the account has flags. */
  readonly flags?: readonly string[];
}

export function messageContext(features: Features | undefined, words: MessageWords = {}): string {
  const has = (flag: string): boolean => words.flags?.some((f) => f.toLowerCase() === flag) ?? false;
  const flagWords = words.flags ? `${has('\\seen') ? ' seen' : ' unseen'}${has('\\flagged') ? ' flagged' : ' unflagged'}${has('\\deleted') ? ' deleted' : ' undeleted'}` : '';
  return `message${words.writable ? ' writable' : ''}${flagWords}${featureWords(features)}`;
}
