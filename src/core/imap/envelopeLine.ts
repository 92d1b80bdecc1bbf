import { isAscii } from 'node:buffer';
import { Address, MessageSummary } from '../mailStore';
import { addressOf, shared, summaryOf } from './envelopeSummary';
import { atomEnd, BRACE_OPEN, DQUOTE, isNil, PAREN_CLOSE, PAREN_OPEN, quotedEnd, quotedText, SP, STAR, takeLiteral } from './responseSyntax';

/**
 * A listing's FETCH answer read straight into what the tree shows, with no tokens in between (issue 15):
 * `* <seq> FETCH (` then UID, FLAGS, RFC822.SIZE, MODSEQ and ENVELOPE in any order, `)`. Only the fields the tree
 * shows become strings (date, subject, From, To, Message-ID); Sender, Reply-To, Cc, Bcc and In-Reply-To are
 * stepped over. In a 10,000-envelope listing the general reader (fetchScanner.ts, a token per atom and string, a
 * list per parenthesis) and the garbage of its 400,000 tokens were most of our own time after the framing.
 *
 * It gives exactly what `toSummary(scanFetch(...))` gives (imapflow's reading, envelopeSummary.ts's rules, shared
 * with it: summaryOf, addressOf), or `undefined`, and then the line goes that way as before: for any other item, a
 * repeated item, an item name not in upper case, a value of another form than these always have (UID, RFC822.SIZE:
 * digits; FLAGS: a list of atoms; MODSEQ: one number; ENVELOPE: ten fields, addresses of four), a literal whose
 * marker or Buffer is off, anything after the closing parenthesis. test/unit/envelopeLine.test.ts holds it to
 * that path on odd and random lines.
 */
export function readEnvelopeLine(payload: Buffer, literals: readonly Buffer[]): MessageSummary | undefined {
  if (payload.length < 12 || payload[0] !== STAR || payload[1] !== SP) return undefined;
  // `* <1–10 digits> FETCH (`, read from the bytes (no regular expression: a match array and a string per line).
  let seq = 0;
  let i = 2;
  for (let c = payload[i]!; c >= 0x30 && c <= 0x39 && i < 12; c = payload[++i]!) seq = seq * 10 + (c - 0x30);
  if (i === 2 || payload.length < i + FETCH_OPEN.length) return undefined;
  for (let k = 0; k < FETCH_OPEN.length; k++) if (payload[i + k] !== FETCH_OPEN[k]) return undefined;
  const reader = READER.start(payload.toString(), literals, i + FETCH_OPEN.length, isAscii(payload) ? payload : undefined);
  try {
    return reader.summary(seq);
  } finally {
    reader.start('', NO_LITERALS, 0, undefined);
  }
}

const FETCH_OPEN = Uint8Array.from(Buffer.from(' FETCH ('));

const UID = 1;
const FLAGS = 2;
const SIZE = 4;
const MODSEQ = 8;
const ENVELOPE = 16;
/** The item names by their first byte (all five differ in it), as character codes. */
const NAME_BY_FIRST: Record<number, { readonly codes: readonly number[]; readonly item: number }> = {};
for (const [name, item] of [
  ['UID', UID],
  ['FLAGS', FLAGS],
  ['RFC822.SIZE', SIZE],
  ['MODSEQ', MODSEQ],
  ['ENVELOPE', ENVELOPE],
] as const) {
  NAME_BY_FIRST[name.charCodeAt(0)] = { codes: Array.from(name, (c) => c.charCodeAt(0)), item };
}

/** The From and To lists read so far, by their text (LineReader.addresses). */
const addressLists = new Map<string, Address[]>();
const ADDRESS_LISTS_KEPT = 2_000;

/** The flag lists read so far, by their text between the parentheses (LineReader.flags). */
const flagLists = new Map<string, string[]>();
const FLAG_LISTS_KEPT = 1_000;

/** `undefined` stands for NIL; DECLINE (thrown) for anything this reader leaves to the general path. */
class Decline extends Error {}
const DECLINE = new Decline();
const NO_LITERALS: readonly Buffer[] = Object.freeze([]);

/**
 * One reader for every line, kept for the module's life and started anew per line (readEnvelopeLine is synchronous,
 * never re-entered). Not one per line: V8 keeps the hidden class a reader's fields lead to only while a reader
 * lives, and the optimised code of every method below is specialised on it. With a new reader per line, a full
 * garbage collection between two listings (all readers dead) dropped that class, threw away the optimised code of
 * the whole reader (`--trace-deopt`: "weak objects") and the next listing ran in the interpreter until it was
 * optimised again: about 100–140 ms of CPU per 10,000-envelope listing after a full collection (issue 15).
 */
class LineReader {
  str = '';
  literals: readonly Buffer[] = NO_LITERALS;
  literal = 0;
  pos = 0;
  /** The next backslash at or after the string being read, found once for all the strings before it (-1: none left). */
  backslash = -2;
  /**
   * The line's bytes, when they are all ASCII (then a character's index is its byte's). The strings a summary keeps
   * (subject, names, addresses, Message-ID) are then copied out of the bytes instead of sliced from the line's
   * string: V8 keeps a slice's whole parent alive, so every row kept its ~400-character line, and the garbage
   * collector copied those lines from space to space (scavenges of 10–27 ms in a 10,000-envelope listing).
   */
  private ascii: Buffer | undefined = undefined;

  start(str: string, literals: readonly Buffer[], pos: number, ascii: Buffer | undefined): this {
    this.str = str;
    this.literals = literals;
    this.literal = 0;
    this.pos = pos;
    this.backslash = -2;
    this.ascii = ascii;
    return this;
  }

  summary(seq: number): MessageSummary | undefined {
    let seen = 0;
    let uid = 0;
    let size = 0;
    let flags: string[] = [];
    let modseq: string | undefined;
    let dateText: string | undefined;
    let subjectText: string | undefined;
    let from: Address[] = [];
    let to: Address[] = [];
    let messageIdText: string | undefined;
    try {
      for (;;) {
        const item = this.itemName();
        if (seen & item) return undefined;
        seen |= item;
        switch (item) {
          case UID:
            uid = this.number();
            break;
          case SIZE:
            size = this.number();
            break;
          case FLAGS:
            flags = this.flags();
            break;
          case MODSEQ:
            this.open();
            modseq = this.digits();
            this.close();
            break;
          case ENVELOPE:
            this.open();
            dateText = this.nstring();
            this.space();
            subjectText = this.nstring();
            this.space();
            from = this.addresses();
            for (let skipped = 0; skipped < 2; skipped++) {
              this.space();
              this.addressList(false); // Sender, Reply-To
            }
            this.space();
            to = this.addresses();
            for (let skipped = 0; skipped < 2; skipped++) {
              this.space();
              this.addressList(false); // Cc, Bcc
            }
            this.space();
            this.nstring(); // In-Reply-To
            this.space();
            messageIdText = this.nstring();
            this.close();
            break;
        }
        const next = this.str.charCodeAt(this.pos++);
        if (next === PAREN_CLOSE) break;
        if (next !== SP) return undefined;
      }
    } catch (error) {
      if (error === DECLINE) return undefined;
      throw error;
    }
    if (this.pos !== this.str.length || this.literal !== this.literals.length || !(seen & UID) || !(seen & ENVELOPE)) return undefined;
    return summaryOf(seq, uid, size, flags, modseq, dateText, subjectText, from, to, messageIdText);
  }

  /** One of the five item names, in upper case, and the space after it (told apart by the first letter, then compared byte by byte). */
  private itemName(): number {
    const str = this.str;
    const at = this.pos;
    const entry = NAME_BY_FIRST[str.charCodeAt(at)];
    if (entry === undefined) throw DECLINE;
    const codes = entry.codes;
    for (let k = 1; k < codes.length; k++) if (str.charCodeAt(at + k) !== codes[k]) throw DECLINE;
    if (str.charCodeAt(at + codes.length) !== SP) throw DECLINE;
    this.pos = at + codes.length + 1;
    return entry.item;
  }

  private space(): void {
    if (this.str.charCodeAt(this.pos++) !== SP) throw DECLINE;
  }

  private open(): void {
    if (this.str.charCodeAt(this.pos++) !== PAREN_OPEN) throw DECLINE;
  }

  private close(): void {
    if (this.str.charCodeAt(this.pos++) !== PAREN_CLOSE) throw DECLINE;
  }

  /** 1–20 digits ending at a space or `)` (the general path's DIGITS), as text. */
  private digits(): string {
    const start = this.pos;
    this.number();
    return this.str.slice(start, this.pos);
  }

  /** The same digits as a number, read as they are stepped over (what `Number(digits)` gives, to 2^53 exactly). */
  private number(): number {
    const str = this.str;
    const start = this.pos;
    let i = start;
    let value = 0;
    for (let c = str.charCodeAt(i); c >= 0x30 && c <= 0x39; c = str.charCodeAt(++i)) value = value * 10 + (c - 0x30);
    const next = str.charCodeAt(i);
    if (i === start || i - start > 20 || (next !== SP && next !== PAREN_CLOSE)) throw DECLINE;
    this.pos = i;
    return i - start > 15 ? Number(str.slice(start, i)) : value;
  }

  /**
   * `(` atoms separated by single spaces `)`: each once, in order (envelopeSummary's flagList). A listing has a
   * handful of distinct flag lists (`\Seen`, `\Seen \Answered` …) among thousands of messages, so each list is read
   * once and its array, frozen, is shared by every message with the same text (two arrays and a string less per
   * message for the garbage collector).
   */
  private flags(): string[] {
    this.open();
    const str = this.str;
    const start = this.pos;
    const end = str.indexOf(')', start);
    if (end < 0) throw DECLINE;
    const text = str.slice(start, end);
    const known = flagLists.get(text);
    if (known !== undefined) {
      this.pos = end + 1;
      return known;
    }
    const list = Object.freeze(this.flagList()) as string[];
    if (flagLists.size >= FLAG_LISTS_KEPT) flagLists.clear();
    flagLists.set(text, list);
    return list;
  }

  private flagList(): string[] {
    const str = this.str;
    if (str.charCodeAt(this.pos) === PAREN_CLOSE) {
      this.pos++;
      return [];
    }
    let out: string[] | undefined;
    let only: string | undefined;
    for (;;) {
      const flag = this.flagAtom();
      if (only === undefined) only = flag;
      else {
        out ??= [only];
        if (!out.includes(flag)) out.push(flag);
      }
      const next = str.charCodeAt(this.pos++);
      if (next === PAREN_CLOSE) break;
      if (next !== SP) throw DECLINE;
    }
    return out ? out.slice() : [only];
  }

  /** An atom as fetchScanner reads one (a backslash only first, never `\*` alone), shared; NIL is left to the general path. */
  private flagAtom(): string {
    const start = this.pos;
    const end = atomEnd(this.str, start, false);
    if (end < 0 || isNil(this.str, start, end)) throw DECLINE;
    this.pos = end;
    return shared(this.str.slice(start, end));
  }

  /** NIL (any case), a quoted string or a literal, as text (`undefined` for NIL). */
  private nstring(): string | undefined {
    const str = this.str;
    const c = str.charCodeAt(this.pos);
    if (c === DQUOTE) return this.quoted();
    if (c === BRACE_OPEN) return this.literalText();
    const next = str.charCodeAt(this.pos + 3);
    if (!isNil(str, this.pos, this.pos + 3) || (next !== SP && next !== PAREN_CLOSE)) throw DECLINE;
    this.pos += 3;
    return undefined;
  }

  /** What nstring() reads, stepped over without a string: the same checks, the same declines. */
  private skipNstring(): void {
    const str = this.str;
    const c = str.charCodeAt(this.pos);
    if (c === DQUOTE) {
      this.pos = this.quotedEnd(this.pos + 1) + 1;
      return;
    }
    if (c === BRACE_OPEN) {
      this.literalBuffer();
      return;
    }
    this.nstring();
  }

  /** Where the quoted string starting at `start` (after its quote) ends: the index of its closing quote. */
  private quotedEnd(start: number): number {
    const end = quotedEnd(this.str, start, this);
    if (end < 0) throw DECLINE;
    return end;
  }

  private quoted(): string {
    const start = this.pos + 1;
    const end = this.quotedEnd(start);
    this.pos = end + 1;
    return quotedText(this.str, start, end, this, this.ascii);
  }

  private literalText(): string {
    return this.literalBuffer().toString();
  }

  /** `{n}` CRLF and the literal it announces: its Buffer (the next of the response's literals, of that length). */
  private literalBuffer(): Buffer {
    const value = takeLiteral(this);
    if (!value) throw DECLINE;
    return value;
  }

  /**
   * NIL or `(` addresses `)` (addressList), as the From or To of the summary. Most of a mailbox comes from a few
   * senders to a few recipients, so a list is first stepped over without strings, and its text (when it holds no
   * literal, which its text would not show) looks up the frozen list made the first time that text was seen: an
   * array, an object and two strings less per message for the garbage collector.
   */
  private addresses(): Address[] {
    const start = this.pos;
    const literal = this.literal;
    this.addressList(false);
    if (this.literal === literal) {
      const text = this.str.slice(start, this.pos);
      const known = addressLists.get(text);
      if (known !== undefined) return known;
      this.rewind(start, literal);
      const list = Object.freeze(this.addressList(true).map((a) => Object.freeze(a))) as Address[];
      if (addressLists.size >= ADDRESS_LISTS_KEPT) addressLists.clear();
      addressLists.set(text, list);
      return list;
    }
    this.rewind(start, literal);
    return this.addressList(true);
  }

  /** Reads again from `pos` (the backslash found ahead may lie past a string to be read again: found anew). */
  private rewind(pos: number, literal: number): void {
    this.pos = pos;
    this.literal = literal;
    this.backslash = -2;
  }

  /** NIL or `(` addresses `)`, each `(name adl mailbox host)`, with or without a space between; `keep`: made into Addresses (addressOf). */
  private addressList(keep: boolean): Address[] {
    const str = this.str;
    if (str.charCodeAt(this.pos) !== PAREN_OPEN) {
      if (this.nstring() !== undefined) throw DECLINE; // a string where a list belongs
      return [];
    }
    this.pos++;
    if (str.charCodeAt(this.pos) === PAREN_CLOSE) throw DECLINE; // `()`: not what servers send
    let out: Address[] | undefined;
    let only: Address | undefined;
    let count = 0;
    for (;;) {
      this.open();
      if (!keep) {
        // Sender, Reply-To, Cc, Bcc: checked, never made into strings.
        for (let field = 0; field < 4; field++) {
          if (field > 0) this.space();
          this.skipNstring();
        }
        this.close();
      } else {
        const name = this.nstring();
        this.space();
        this.skipNstring(); // the source route
        this.space();
        const mailbox = this.nstring();
        this.space();
        const host = this.nstring();
        this.close();
        const one = addressOf(name, mailbox, host);
        if (one) {
          if (count === 0) only = one;
          else (out ??= [only!]).push(one);
          count++;
        }
      }
      let next = str.charCodeAt(this.pos);
      if (next === SP) next = str.charCodeAt(++this.pos);
      if (next === PAREN_CLOSE) break;
      if (next !== PAREN_OPEN) throw DECLINE;
    }
    this.pos++;
    return count === 0 ? [] : count === 1 ? [only!] : out!.slice();
  }
}

const READER = new LineReader();
