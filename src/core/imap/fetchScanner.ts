/**
 * A lean reader for the response a listing gets thousands of: `* <seq> FETCH (<items>)` made only of atoms,
 * quoted strings, literals, NIL and parenthesised lists, which is all that UID, FLAGS, RFC822.SIZE, ENVELOPE and
 * MODSEQ ever are. It gives exactly the tokens imapflow's own parser gives for the same bytes (same shape: `{ type,
 * value }`, `null` for NIL, arrays for lists; same values: the line read as UTF-8, escapes undone, literals as
 * their Buffers), or `undefined` for anything it does not read, which then goes to imapflow's parser as before.

 *
 * Why: in a 10,000-envelope listing imapflow's general tokenizer (a state machine over every character that builds
 * a parse tree and then walks it into tokens) and the garbage it leaves were over half of our time, slower on
 * their own than Python's imaplib takes for the whole FETCH (issue 15). This reads the same grammar subset in one
 * pass over the string, with no tree.
 *
 * `undefined`, never a guess, for: a section or partial (`BODY[…]<…>`), literal8, LITERAL+, a sequence set, an
 * atom with 8-bit, `[`, `]`, `,`, `:` or a backslash past its first character, `\*`, two spaces or none between
 * items, a literal marker without its CRLF or whose Buffer does not match its length, more literals than markers,
 * nesting deeper than {@link MAX_DEPTH}, more than {@link MAX_TOKENS} tokens, a leading NUL, or anything after the
 * closing parenthesis. test/unit/fetchScanner.test.ts holds it to imapflow's parser on odd and random input.
 */

export type ScannedToken = { type: 'ATOM' | 'STRING' | 'LITERAL'; value: string | Buffer } | null | ScannedToken[];

/** What imapflow's parser makes of a FETCH response: tag `*`, the sequence number as command, `FETCH` and the list. */
export interface ScannedFetch {
  readonly tag: '*';
  readonly command: string;
  readonly attributes: [{ type: 'ATOM'; value: string }, ScannedToken[]];
}

/** Envelopes nest four deep (the list, ENVELOPE, its address lists, an address); imapflow truncates far deeper. */
const MAX_DEPTH = 16;
/** A FETCH of a listing holds a few dozen tokens; a line of more goes to imapflow, which enforces its own limit. */
const MAX_TOKENS = 5_000;

const STAR = 0x2a;
const SP = 0x20;
const DQUOTE = 0x22;
const PAREN_OPEN = 0x28;
const PAREN_CLOSE = 0x29;
const BACKSLASH = 0x5c;
const BRACE_OPEN = 0x7b;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes an atom may hold here after its first: ATOM-CHAR (RFC 3501) without `[`, `]`, `,` and `:` (imapflow gives those meaning). */
const ATOM_BYTE = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) ATOM_BYTE[c] = 1;
for (const c of '(){%*"\\[],:') ATOM_BYTE[c.charCodeAt(0)] = 0;

class Unreadable extends Error {}
const UNREADABLE = new Unreadable();

export function scanFetch(payload: Buffer, literals: readonly Buffer[]): ScannedFetch | undefined {
  if (payload.length < 12 || payload[0] !== STAR || payload[1] !== SP) return undefined;
  // Decoded once, as imapflow does (its parser reads `payload.toString()`); a Buffer.toString() per value costs more.
  const str = payload.toString();
  const prefix = FETCH_PREFIX.exec(str.slice(0, 24));
  if (!prefix) return undefined;
  const reader = new Reader(str, literals, prefix[0].length);
  try {
    const list = reader.list(1);
    if (reader.pos !== str.length || reader.literal !== literals.length) return undefined;
    return { tag: '*', command: prefix[1]!, attributes: [{ type: 'ATOM', value: prefix[2]! }, list] };
  } catch (error) {
    if (error === UNREADABLE) return undefined;
    throw error;
  }
}

const FETCH_PREFIX = /^\* (\d{1,10}) (FETCH) \(/i;

class Reader {
  literal = 0;
  private tokens = 0;
  /** The next backslash at or after the string being read, found once for all the strings before it (-1: none left). */
  private backslash = -2;

  constructor(
    private readonly str: string,
    private readonly literals: readonly Buffer[],
    public pos: number,
  ) {}

  /** The items of a list whose `(` is just behind `pos`, up to and past its `)`. */
  list(depth: number): ScannedToken[] {
    if (depth > MAX_DEPTH) throw UNREADABLE;
    const str = this.str;
    const items: ScannedToken[] = [];
    if (str.charCodeAt(this.pos) === PAREN_CLOSE) {
      this.pos++;
      return items;
    }
    for (;;) {
      if (++this.tokens > MAX_TOKENS) throw UNREADABLE;
      items.push(this.item(depth));
      const next = str.charCodeAt(this.pos);
      if (next === PAREN_CLOSE) {
        this.pos++;
        return items;
      }
      if (next !== SP) throw UNREADABLE;
      this.pos++;
    }
  }

  private item(depth: number): ScannedToken {
    const c = this.str.charCodeAt(this.pos);
    if (c === PAREN_OPEN) {
      this.pos++;
      return this.list(depth + 1);
    }
    if (c === DQUOTE) return this.quoted();
    if (c === BRACE_OPEN) return this.literalToken();
    return this.atom();
  }

  private quoted(): ScannedToken {
    const str = this.str;
    const start = this.pos + 1;
    const end = str.indexOf('"', start);
    if (end < 0) throw UNREADABLE;
    if (this.backslash !== -1 && this.backslash < start) this.backslash = str.indexOf('\\', start);
    const backslash = this.backslash;
    if (backslash < 0 || backslash > end) {
      this.pos = end + 1;
      return { type: 'STRING', value: str.slice(start, end) };
    }
    for (let i = backslash; i < str.length; i++) {
      const c = str.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === DQUOTE) {
        this.pos = i + 1;
        return { type: 'STRING', value: str.slice(start, i).replace(/\\([\s\S])/g, '$1') };
      }
    }
    throw UNREADABLE;
  }

  private literalToken(): ScannedToken {
    const str = this.str;
    let i = this.pos + 1;
    let length = 0;
    const digitsStart = i;
    for (let c = str.charCodeAt(i); c >= 0x30 && c <= 0x39; c = str.charCodeAt(++i)) length = length * 10 + (c - 0x30);
    if (i === digitsStart || i - digitsStart > 15 || str.charCodeAt(i) !== 0x7d || str.charCodeAt(i + 1) !== CR || str.charCodeAt(i + 2) !== LF) throw UNREADABLE;
    const value = this.literals[this.literal];
    if (!value || value.length !== length) throw UNREADABLE;
    this.literal++;
    this.pos = i + 3;
    return { type: 'LITERAL', value };
  }

  private atom(): ScannedToken {
    const str = this.str;
    const start = this.pos;
    let i = start;
    const first = str.charCodeAt(i);
    if (first === BACKSLASH) i++;
    else if (!(first < 128 && ATOM_BYTE[first])) throw UNREADABLE;
    else i++;
    for (;;) {
      const c = str.charCodeAt(i);
      if (c === SP || c === PAREN_CLOSE || Number.isNaN(c)) break;
      if (!(c < 128 && ATOM_BYTE[c])) throw UNREADABLE;
      i++;
    }
    if (i - start === (first === BACKSLASH ? 1 : 0)) throw UNREADABLE;
    this.pos = i;
    if (i - start === 3 && (str.charCodeAt(start) | 0x20) === 0x6e && (str.charCodeAt(start + 1) | 0x20) === 0x69 && (str.charCodeAt(start + 2) | 0x20) === 0x6c) return null;
    return { type: 'ATOM', value: str.slice(start, i) };
  }
}
