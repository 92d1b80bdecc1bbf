// IMAP's date-time (RFC 3501 §9: `"01-Dec-2026 10:00:00 +0000"`), for APPEND's internal date.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The instant as an IMAP date-time in UTC (`+0000`), to the second (IMAP has no finer unit). The instant is kept
 * exactly; the zone the source server recorded is not (a Date has none), so another client may show the same
 * instant at +0000.
 */
export function imapDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`The year ${year} cannot be written as an IMAP date.`);
  return `${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${String(year).padStart(4, '0')} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
