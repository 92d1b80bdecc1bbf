/**
 * The instant of an ENVELOPE's date (the message's Date header), as the listing shows it.
 *
 * `[Day, ]D[D] Mon YYYY HH:MM[:SS] ±HHMM`, the form nearly every Date header has (RFC 5322 §3.3), is read by hand:
 * V8's Date parser costs several microseconds a call and even a regular expression with nine groups is a
 * noticeable part of a 10,000-envelope listing (issue 15). {@link envelopeDateByPattern} is the same reading by a
 * regular expression; the fast path gives up (and leaves the string to it) on anything but ASCII spaces and tabs
 * between the fields, so both always agree (test/unit/envelopeDate.test.ts). What neither reads goes to
 * `new Date()`, as imapflow does.
 */
export function envelopeDate(value: string): Date {
  const fast = commonForm(value);
  return fast === undefined ? envelopeDateByPattern(value) : new Date(fast);
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const RFC5322_DATE = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})(?:\s|$)/;

/** The reading by regular expression, which the fast path is held to. */
export function envelopeDateByPattern(value: string): Date {
  const m = RFC5322_DATE.exec(value);
  const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  if (!m || month === undefined) return new Date(value);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offset * 60_000);
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const digit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : -1);

/** Milliseconds since the epoch for the common form, or undefined to let the pattern decide. */
function commonForm(s: string): number | undefined {
  let i = 0;
  if (isLetter(s.charCodeAt(0)) && isLetter(s.charCodeAt(1)) && isLetter(s.charCodeAt(2)) && s.charCodeAt(3) === 0x2c) {
    i = 4;
    while (isBlank(s.charCodeAt(i))) i++;
  }
  const d1 = digit(s.charCodeAt(i));
  if (d1 < 0) return undefined;
  let day = d1;
  i++;
  const d2 = digit(s.charCodeAt(i));
  if (d2 >= 0) {
    day = day * 10 + d2;
    i++;
  }
  if (!isBlank(s.charCodeAt(i))) return undefined;
  while (isBlank(s.charCodeAt(i))) i++;
  if (!isLetter(s.charCodeAt(i)) || !isLetter(s.charCodeAt(i + 1)) || !isLetter(s.charCodeAt(i + 2))) return undefined;
  const month = MONTHS[s.slice(i, i + 3).toLowerCase()];
  if (month === undefined) return undefined;
  i += 3;
  if (!isBlank(s.charCodeAt(i))) return undefined;
  while (isBlank(s.charCodeAt(i))) i++;
  const year = number(s, i, 4);
  if (year < 0) return undefined;
  i += 4;
  if (!isBlank(s.charCodeAt(i))) return undefined;
  while (isBlank(s.charCodeAt(i))) i++;
  const hour = number(s, i, 2);
  if (hour < 0 || s.charCodeAt(i + 2) !== 0x3a) return undefined;
  const minute = number(s, i + 3, 2);
  if (minute < 0) return undefined;
  i += 5;
  let second = 0;
  if (s.charCodeAt(i) === 0x3a) {
    second = number(s, i + 1, 2);
    if (second < 0) return undefined;
    i += 3;
  }
  if (!isBlank(s.charCodeAt(i))) return undefined;
  while (isBlank(s.charCodeAt(i))) i++;
  const sign = s.charCodeAt(i);
  if (sign !== 0x2b && sign !== 0x2d) return undefined;
  const zoneHours = number(s, i + 1, 2);
  const zoneMinutes = number(s, i + 3, 2);
  if (zoneHours < 0 || zoneMinutes < 0) return undefined;
  i += 5;
  if (i < s.length && !isBlank(s.charCodeAt(i))) return undefined;
  const offset = (sign === 0x2d ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  return Date.UTC(year, month, day, hour, minute, second) - offset * 60_000;
}

/** The decimal number of exactly `length` digits at `at`, or -1. */
function number(s: string, at: number, length: number): number {
  let value = 0;
  for (let k = 0; k < length; k++) {
    const d = digit(s.charCodeAt(at + k));
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}
