// Where saved searches are kept in the global state, and the cheap question the tree asks before any search code
// is loaded (this file is in the activation bundle; savedSearches.ts is loaded with the search chunk).

/** The global-state key (one record for every account: `{ version: 1, searches: SavedSearch[] }`). */
export const SAVED_SEARCHES_KEY = 'mailInspector.savedSearches';

/** Whether the global state holds a saved search of the account. */
export function hasSavedSearches(memento: { get<T>(key: string): T | undefined }, accountId: string): boolean {
  const searches = memento.get<{ searches?: unknown } | undefined>(SAVED_SEARCHES_KEY)?.searches;
  return Array.isArray(searches) && searches.some((s) => (s as { accountId?: unknown } | null)?.accountId === accountId);
}
