// Matching of visible text in page objects.

/** A pattern matching exactly `text` (after trimming), for Playwright's `hasText`. */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
