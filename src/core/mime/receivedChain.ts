import { HeaderField, parseMailDate } from './headers';

// The Received chain as a table of hops. RFC 5321 4.4 fixes the shape of a Received field: clauses
// "from", "by", "via", "with", "id", "for", each followed by a value and optional (comments), then
// ";" and a date. No maintained npm package parses it, so this small reader does: it only splits clauses
// at top level (outside comments) and reads the date with parseMailDate.

/** One relay in the path of a message. */
export interface ReceivedHop {
  /** Position of the Received field among all Received fields, 0 = topmost (the last relay). */
  readonly fieldIndex: number;
  readonly from: string | undefined;
  readonly by: string | undefined;
  readonly with: string | undefined;
  readonly id: string | undefined;
  readonly for: string | undefined;
  readonly via: string | undefined;
  /** When this relay received the message, if the date could be read. */
  readonly time: Date | undefined;
  /** Time since the previous (older) hop in milliseconds; negative when clocks disagree; undefined for the first hop or an unreadable date. */
  readonly delayMs: number | undefined;
  /** The field's unfolded value. */
  readonly value: string;
}

const CLAUSES = ['from', 'by', 'via', 'with', 'id', 'for'] as const;
type Clause = (typeof CLAUSES)[number];

/** The hops of the Received fields, oldest first (the order the message travelled), with delays between them. */
export function receivedChain(fields: readonly HeaderField[]): ReceivedHop[] {
  const received = fields.filter((f) => f.key === 'received');
  const hops: ReceivedHop[] = [];
  let previous: Date | undefined;
  // Fields are prepended by each relay, so the bottom one is the oldest.
  for (let i = received.length - 1; i >= 0; i--) {
    const parsed = parseReceived(received[i].value);
    const delayMs = parsed.time && previous ? parsed.time.getTime() - previous.getTime() : undefined;
    hops.push({ fieldIndex: i, ...parsed, delayMs, value: received[i].value });
    if (parsed.time) previous = parsed.time;
  }
  return hops;
}

/** The clauses and date of one Received value. */
export function parseReceived(value: string): Omit<ReceivedHop, 'fieldIndex' | 'delayMs' | 'value'> {
  const { clauses, date } = splitDate(value);
  const found: Partial<Record<Clause, string>> = {};
  let current: Clause | undefined;
  let text = '';
  const flush = (): void => {
    if (current && found[current] === undefined) found[current] = text.trim() || undefined;
    text = '';
  };
  for (const token of tokens(clauses)) {
    const word = token.toLowerCase();
    if ((CLAUSES as readonly string[]).includes(word)) {
      flush();
      current = word as Clause;
    } else {
      text += token;
    }
  }
  flush();
  return { from: found.from, by: found.by, with: found.with, id: found.id, for: found.for, via: found.via, time: date === undefined ? undefined : parseMailDate(date) };
}

/** Splits at the last ";" outside comments: clauses before, date after. */
function splitDate(value: string): { clauses: string; date: string | undefined } {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) at = i;
  }
  return at < 0 ? { clauses: value, date: undefined } : { clauses: value.slice(0, at), date: value.slice(at + 1) };
}

/** Words and the text between them; a comment (with nesting) stays one token with what precedes it. */
function* tokens(value: string): Generator<string> {
  let depth = 0;
  let word = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth === 0 && /\s/.test(c)) {
      if (word) yield word;
      yield c;
      word = '';
      continue;
    }
    if (c === '\\' && i + 1 < value.length) {
      word += c + value[++i];
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    word += c;
  }
  if (word) yield word;
}
