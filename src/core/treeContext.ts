import { Features } from './session/features';

// The Accounts tree's contextValues (package.json `when` clauses match them): a kind word first (`account`,
// `folder`, `message`, as the menus' `^kind` tests expect), then state words, then one `feature-<name>` word per
// feature the account's live connection offers (src/core/session/features.ts), e.g.
//   account feature-condstore feature-folders feature-idle …
//   folder selectable canWatch watched feature-folders …
//   message feature-deleteOnServer feature-top feature-uidl
// Menus ask for a feature (`viewItem =~ /\bfeature-deleteOnServer\b/`), never for a protocol. Before the account's
// first connection its features are not known: the rows carry only their kind and state words.
// Pure (no `vscode`), so the manifest test builds the same values.

/** ` feature-a feature-b …` for every feature offered, or '' when none is known yet. */
export function featureWords(features: Features | undefined): string {
  return features ? features.list().map((f) => ` feature-${f}`).join('') : '';
}

export function accountContext(features: Features | undefined): string {
  return `account${featureWords(features)}`;
}

/** `selectable canWatch`: the folder holds messages and is kept live (IDLE or polling) while expanded; `watched`: it is now. */
export function folderContext(selectable: boolean, watched: boolean, features: Features | undefined): string {
  return `folder${selectable ? ' selectable canWatch' : ''}${watched ? ' watched' : ''}${featureWords(features)}`;
}

export function messageContext(features: Features | undefined): string {
  return `message${featureWords(features)}`;
}
