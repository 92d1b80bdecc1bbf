import type { MailError } from '../errors';
import { formatCount } from '../format';
import type { SearchResult } from './imapSearch';
import type { MultiFolderResult } from './multiFolderSearch';
import type { Pop3SearchResult } from './pop3LocalSearch';

// The words of a search's result node, from what the search answered: "Search: subject "invoice" — 1,204 results
// (server 38 ms)". Unit-tested as it is.

/** What one run of a saved search answered. */
export type SearchOutcome =
  | { readonly kind: 'folder'; readonly result: SearchResult }
  | { readonly kind: 'folders'; readonly result: MultiFolderResult }
  /** `cost` is the cost in words (pop3LocalSearch's costText). */
  | { readonly kind: 'pop3'; readonly result: Pop3SearchResult; readonly cost: string };

/** Where a saved search stands. */
export type SearchState =
  | { readonly kind: 'running'; readonly progress?: string }
  | { readonly kind: 'done'; readonly outcome: SearchOutcome }
  | { readonly kind: 'failed'; readonly message: string; readonly serverText?: string; readonly error?: MailError };

export function results(count: number): string {
  return `${formatCount(count)} result${count === 1 ? '' : 's'}`;
}

/** The result node's label. */
export function resultLabel(queryLabel: string, state: SearchState): string {
  const head = `Search: ${queryLabel}`;
  switch (state.kind) {
    case 'running':
      return `${head} — searching…`;
    case 'failed':
      return `${head} — failed`;
    case 'done': {
      const o = state.outcome;
      if (o.kind === 'folder') return `${head} — ${results(o.result.count)} (server ${o.result.serverMs} ms)`;
      if (o.kind === 'pop3') return `${head} — ${results(o.result.count)}`;
      const hit = o.result.folders.filter((f) => f.count > 0).length;
      return `${head} — ${results(o.result.count)} in ${formatCount(hit)} of ${formatCount(o.result.folders.length)} folders (server ${o.result.serverMs} ms)`;
    }
  }
}

/** The result node's description (beside its label): progress, the failure's words, or POP3's cost. */
export function resultDescription(state: SearchState): string {
  if (state.kind === 'running') return state.progress ?? '';
  if (state.kind === 'failed') return state.serverText ? `${state.message} Server said: ${state.serverText}` : state.message;
  return state.outcome.kind === 'pop3' ? state.outcome.cost : '';
}

/** The tooltip's lines (plain text, one paragraph each): the exact command(s), the server's time, how it was run. */
export function resultTooltipLines(queryLabel: string, where: string, state: SearchState): string[] {
  const lines = [`Search: ${queryLabel}`, `In: ${where}`];
  if (state.kind === 'running') return [...lines, state.progress ? `Searching… ${state.progress}` : 'Searching…'];
  if (state.kind === 'failed') return [...lines, `Failed: ${resultDescription(state)}`];
  const o = state.outcome;
  if (o.kind === 'folder') {
    return [...lines, `${results(o.result.count)}; server ${o.result.serverMs} ms (${o.result.esearch ? 'ESEARCH' : 'SEARCH'})`, `Command: ${o.result.command}`];
  }
  if (o.kind === 'folders') {
    const method = o.result.method === 'esearchIn' ? 'one ESEARCH IN for every folder (RFC 7377)' : `folder by folder (${formatCount(o.result.commands.length)} searches)`;
    return [...lines, `${results(o.result.count)}; server ${o.result.serverMs} ms, ${method}`, ...o.result.commands.map((c) => `Command: ${c}`)];
  }
  const unsearched = o.result.unsearched.length > 0 ? [`Not searched (too large): ${formatCount(o.result.unsearched.length)} messages`] : [];
  return [...lines, `${results(o.result.count)} of ${formatCount(o.result.total)} messages, searched on this computer: POP3 cannot search on the server`, `Cost: ${o.cost}`, ...unsearched];
}

/** A folder group's label under a multi-folder result. */
export function groupLabel(folderName: string, count: number): string {
  return `${folderName} — ${results(count)}`;
}

/** The result node's contextValue: `searchResult` first (the menus' `^searchResult` tests), then its state words. */
export function searchContext(state: SearchState, allFolders: boolean): string {
  return `searchResult${state.kind === 'running' ? ' searchRunning' : state.kind === 'failed' ? ' searchFailed' : ''}${allFolders ? ' searchAllFolders' : ''}`;
}
