import { MailError } from '../errors';
import type { ImapAttribute } from '../imap/write/imapCommand';

// "Raw criteria…": IMAP SEARCH syntax (RFC 9051 search-program) as an expert typed it, e.g.
// `OR FROM "bob" (SUBJECT "Rechnung" SINCE 1-Mar-2026)`. It is read into tokens here, and refused before anything is
// sent when it could not be one command line: CR, LF or NUL anywhere, a quote or parenthesis left open, a closing
// parenthesis without its opening one, a typed literal (`{5}` needs a line break), RETURN (the search chooses it).
// The message names the position (characters counted from 1). The tokens go to imapflow's compiler as they are,
// except that non-ASCII text becomes a literal (a quoted string may carry only 7-bit text), which then needs
// `CHARSET UTF-8` unless the criteria name a charset themselves.

export interface RawCriteria {
  /** The search-program as attributes for imapflow's compiler (CHARSET, when typed, is among them). */
  readonly keys: ImapAttribute[];
  /** Some token is not ASCII and is sent as a literal. */
  readonly nonAscii: boolean;
  /** The text starts with CHARSET <name>: no CHARSET is added. */
  readonly hasCharset: boolean;
}

/** A sequence-set as the compiler's SEQUENCE token takes it (numbers, ranges, `*`, or `$`). */
const SEQUENCE_SET = /^(?:\$|(?:\d+|\*)(?::(?:\d+|\*))?(?:,(?:\d+|\*)(?::(?:\d+|\*))?)*)$/;
const NON_ASCII = /[\u0080-\uffff]/;
const MAX_LENGTH = 64 * 1024;
const MAX_DEPTH = 50;

/** Why raw criteria were refused, in plain words with the position; thrown as MailError('config'). */
function refuse(message: string): never {
  throw new MailError('config', `The search criteria cannot be sent: ${message}. Nothing was sent to the server.`);
}

/** Reads raw IMAP SEARCH criteria into tokens, or refuses them (see the file comment). */
export function parseRawCriteria(text: string): RawCriteria {
  if (typeof text !== 'string') refuse('they are not text');
  const control = /[\r\n\0]/.exec(text);
  if (control) {
    const what = control[0] === '\0' ? 'a NUL character' : control[0] === '\r' ? 'a carriage return (CR)' : 'a line break (LF)';
    refuse(`${what} at character ${control.index + 1} would end the command line`);
  }
  if (text.length > MAX_LENGTH) refuse(`they are ${text.length} characters long; the limit is ${MAX_LENGTH}`);
  const state = { nonAscii: false };
  const root: ImapAttribute[] = [];
  const stack: { list: ImapAttribute[]; openedAt: number }[] = [];
  let current = root;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(') {
      if (stack.length >= MAX_DEPTH) refuse(`the parentheses nest more than ${MAX_DEPTH} deep at character ${i + 1}`);
      const list: ImapAttribute[] = [];
      current.push(list);
      stack.push({ list: current, openedAt: i + 1 });
      current = list;
      i++;
    } else if (c === ')') {
      const open = stack.pop();
      if (!open) refuse(`the closing parenthesis at character ${i + 1} has no opening one`);
      if (current.length === 0) refuse(`the parentheses that open at character ${open.openedAt} hold nothing`);
      leadWithAtom(current);
      current = open.list;
      i++;
    } else if (c === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) refuse(`the quote that opens at character ${start + 1} is not closed`);
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\') {
          const next = text[i + 1];
          if (next !== '"' && next !== '\\') refuse(`the backslash at character ${i + 1} inside quotes must be followed by " or \\`);
          value += next;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      i++;
      current.push(text8(value, state));
    } else if (c === '{') {
      refuse(`a literal ({…}) at character ${i + 1} cannot be typed on one line: write the text in quotes (non-ASCII text is sent as a literal by itself)`);
    } else {
      const start = i;
      while (i < text.length && !' \t()"'.includes(text[i]!)) i++;
      const word = text.slice(start, i);
      if (word.includes('{')) refuse(`a literal ({…}) at character ${start + word.indexOf('{') + 1} cannot be typed on one line: write the text in quotes`);
      if (NON_ASCII.test(word)) current.push(text8(word, state));
      else if (SEQUENCE_SET.test(word)) current.push({ type: 'SEQUENCE', value: word });
      else current.push({ type: 'ATOM', value: word });
    }
  }
  const unclosed = stack.pop();
  if (unclosed) refuse(`the parenthesis that opens at character ${unclosed.openedAt} is not closed`);
  if (root.length === 0) refuse('there are none: type at least one search key, e.g. ALL or SUBJECT "invoice"');
  const first = root[0];
  const firstWord = first && !Array.isArray(first) && 'type' in first && first.type === 'ATOM' ? String(first.value).toUpperCase() : '';
  if (firstWord === 'RETURN') refuse('RETURN options are chosen by the search itself (COUNT MIN MAX ALL); type only the criteria');
  const hasCharset = firstWord === 'CHARSET';
  if (hasCharset && root.length < 3) refuse('CHARSET needs a charset name and at least one search key after it');
  return { keys: root, nonAscii: state.nonAscii, hasCharset };
}

/** A quoted string, or a literal of its UTF-8 bytes when it is not ASCII. */
function text8(value: string, state: { nonAscii: boolean }): ImapAttribute {
  if (!NON_ASCII.test(value)) return { type: 'STRING', value };
  state.nonAscii = true;
  return { type: 'LITERAL', value: Buffer.from(value, 'utf8') };
}

/**
 * imapflow's compiler writes lists that open a list one after the other without a space (`((A)(B))`), which the
 * search-key grammar does not allow. A parenthesized list is an AND of its keys, so a list at its start is unwrapped
 * into it (`((A) (B))` is sent as `(A (B))`, the same search) until it starts with something else.
 */
function leadWithAtom(list: ImapAttribute[]): void {
  while (Array.isArray(list[0])) list.splice(0, 1, ...(list[0] as ImapAttribute[]));
}
