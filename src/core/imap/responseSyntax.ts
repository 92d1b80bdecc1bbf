/**
 * The pieces of IMAP response syntax that the two lean FETCH readers share (fetchScanner.ts, tokens;
 * envelopeLine.ts, summaries), so that both read quoted strings, literals and atoms exactly alike.
 * Positions are indexes into the response line as a string; both readers decode the line once.
 */

export const STAR = 0x2a;
export const SP = 0x20;
export const DQUOTE = 0x22;
export const PAREN_OPEN = 0x28;
export const PAREN_CLOSE = 0x29;
export const BACKSLASH = 0x5c;
export const BRACE_OPEN = 0x7b;
export const BRACE_CLOSE = 0x7d;
export const CR = 0x0d;
export const LF = 0x0a;

/** Bytes an atom may hold after its first: ATOM-CHAR (RFC 3501) without `[`, `]`, `,` and `:` (imapflow gives those meaning). */
export const ATOM_BYTE = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) ATOM_BYTE[c] = 1;
for (const c of '(){%*"\\[],:') ATOM_BYTE[c.charCodeAt(0)] = 0;

/**
 * The next backslash at or after the string being read, found once for all the strings before it: -1 none left,
 * -2 not looked for yet (set it back to -2 to read a part of the line again).
 */
export interface BackslashAhead {
  backslash: number;
}

/** Where the quoted string whose text starts at `start` (after its opening quote) ends: its closing quote's index, or -1. */
export function quotedEnd(str: string, start: number, ahead: BackslashAhead): number {
  const end = str.indexOf('"', start);
  if (end < 0) return -1;
  if (ahead.backslash !== -1 && ahead.backslash < start) ahead.backslash = str.indexOf('\\', start);
  const backslash = ahead.backslash;
  if (backslash < 0 || backslash > end) return end;
  for (let i = backslash; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DQUOTE) return i;
  }
  return -1;
}

/**
 * A quoted string's text between `start` and its closing quote `end`, escapes undone (as imapflow does). `ascii`:
 * the line's bytes when they are all ASCII (a character's index is then its byte's); the text is then copied out of
 * them, a string of its own, where a slice of `str` would keep the whole line alive as long as the text lives.
 */
export function quotedText(str: string, start: number, end: number, ahead: BackslashAhead, ascii?: Buffer): string {
  const text = ascii ? ascii.toString('latin1', start, end) : str.slice(start, end);
  return ahead.backslash >= start && ahead.backslash < end ? text.replace(/\\([\s\S])/g, '$1') : text;
}

/** The literal marker `{n}` CRLF at `pos` (its `{`): n, and the index after the CRLF; undefined if it is not one. */
export function literalMarker(str: string, pos: number): { length: number; after: number } | undefined {
  let i = pos + 1;
  let length = 0;
  const digitsStart = i;
  for (let c = str.charCodeAt(i); c >= 0x30 && c <= 0x39; c = str.charCodeAt(++i)) length = length * 10 + (c - 0x30);
  if (i === digitsStart || i - digitsStart > 15 || str.charCodeAt(i) !== BRACE_CLOSE || str.charCodeAt(i + 1) !== CR || str.charCodeAt(i + 2) !== LF) return undefined;
  return { length, after: i + 3 };
}

/**
 * Where the atom at `start` ends (at a space or `)`, or the end of the line when `endOk`): its end index, or -1 when
 * it is not an atom this reading takes (a backslash only first, never alone: `\*` is not a flag).
 */
export function atomEnd(str: string, start: number, endOk: boolean): number {
  let i = start;
  const first = str.charCodeAt(i);
  if (first === BACKSLASH) i++;
  else if (!(first < 128 && ATOM_BYTE[first])) return -1;
  else i++;
  for (;;) {
    const c = str.charCodeAt(i);
    if (c === SP || c === PAREN_CLOSE || (endOk && Number.isNaN(c))) break;
    if (!(c < 128 && ATOM_BYTE[c])) return -1;
    i++;
  }
  return i - start === (first === BACKSLASH ? 1 : 0) ? -1 : i;
}

/** Whether the atom from `start` to `end` is NIL (any case). */
export function isNil(str: string, start: number, end: number): boolean {
  return end - start === 3 && (str.charCodeAt(start) | 0x20) === 0x6e && (str.charCodeAt(start + 1) | 0x20) === 0x69 && (str.charCodeAt(start + 2) | 0x20) === 0x6c;
}

/** A reader's place in a response: the line, where it is, and the literals that came with it (the next to take first). */
export interface LiteralCursor {
  readonly str: string;
  pos: number;
  literal: number;
  readonly literals: readonly Buffer[];
}

/** The literal whose marker `{n}` CRLF is at the cursor: its Buffer, the cursor moved past the marker; undefined when the marker or the Buffer (its length) is off. */
export function takeLiteral(cursor: LiteralCursor): Buffer | undefined {
  const marker = literalMarker(cursor.str, cursor.pos);
  const value = cursor.literals[cursor.literal];
  if (!marker || !value || value.length !== marker.length) return undefined;
  cursor.literal++;
  cursor.pos = marker.after;
  return value;
}
