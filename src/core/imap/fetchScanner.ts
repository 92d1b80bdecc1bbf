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

import { atomEnd, BRACE_OPEN, DQUOTE, isNil, PAREN_CLOSE, PAREN_OPEN, quotedEnd, quotedText, SP, STAR, takeLiteral } from './responseSyntax';

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
  backslash = -2;

  constructor(
    readonly str: string,
    readonly literals: readonly Buffer[],
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
    const start = this.pos + 1;
    const end = quotedEnd(this.str, start, this);
    if (end < 0) throw UNREADABLE;
    this.pos = end + 1;
    return { type: 'STRING', value: quotedText(this.str, start, end, this) };
  }

  private literalToken(): ScannedToken {
    const value = takeLiteral(this);
    if (!value) throw UNREADABLE;
    return { type: 'LITERAL', value };
  }

  private atom(): ScannedToken {
    const start = this.pos;
    const end = atomEnd(this.str, start, true);
    if (end < 0) throw UNREADABLE;
    this.pos = end;
    return isNil(this.str, start, end) ? null : { type: 'ATOM', value: this.str.slice(start, end) };
  }

}
