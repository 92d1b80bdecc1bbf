import { isUtf8 } from 'node:buffer';

/**
 * How the traffic log shows the bytes of one line (IMAP and POP3 alike), reversibly:
 * - valid UTF-8 is shown as text;
 * - every other byte, and every control character (C0, DEL, C1, U+2028/U+2029 and the bidirectional
 *   embedding, override and isolate marks), is shown as `\xNN` per byte (never guessed as Latin-1);
 * - so is U+23CE (⏎), which the channel uses to mark a line that did not end in CRLF (lineEndMark), so
 *   that a ⏎ in a shown line is always that mark;
 * - a backslash stays a backslash, except that one followed by `\` or `x` in the output is doubled,
 *   so `\Seen` reads as written and `\x93` can only mean the byte 0x93.
 * The line terminator is not part of a line and is not shown.
 */
export function renderTrafficBytes(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  // Printable ASCII (with backslashes: every FETCH line with `\Seen`): the general path below gives exactly this.
  if (PRINTABLE.test(latin1)) return needsDoubling(latin1) ? latin1.replace(BACKSLASH_BEFORE_BACKSLASH_OR_X, '\\\\') : latin1;
  const runs = textRuns(bytes);
  let out = '';
  runs.forEach((run, i) => {
    if (typeof run !== 'string') {
      out += escapeBytes(run);
      return;
    }
    if (!SPECIAL.test(run)) {
      out += run;
      return;
    }
    // A run of text is followed by escaped bytes (which start with a backslash) or by the end of the line.
    const doubled = run.replace(i + 1 < runs.length ? BACKSLASH_BEFORE_ESCAPE_OR_END : BACKSLASH_BEFORE_ESCAPE, '\\\\');
    out += doubled.replace(CONTROL, (char) => escapeBytes(Buffer.from(char, 'utf8')));
  });
  return out;
}

/** Whether a backslash in `text` is followed by `\` or `x` (one pass: a FETCH line has a backslash or two, in `\Seen`). */
function needsDoubling(text: string): boolean {
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === 0x5c || next === 0x78) return true;
  }
  return false;
}

/** Printable ASCII: one run of text with no control character, so only a backslash before `\` or `x` is doubled. */
const PRINTABLE = /^[\x20-\x7e]*$/;
const BACKSLASH_BEFORE_BACKSLASH_OR_X = /\\(?=[\\x])/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u23ce]/g;
// eslint-disable-next-line no-control-regex -- a backslash or a control character: the slow path
const SPECIAL = /[\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u23ce]/;
// A backslash followed by another, by "x", or by a control character (shown as an escape): doubled.
// eslint-disable-next-line no-control-regex -- the control characters are those of CONTROL
const BACKSLASH_BEFORE_ESCAPE = /\\(?=[\\x\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u23ce])/g;
// eslint-disable-next-line no-control-regex -- the control characters are those of CONTROL
const BACKSLASH_BEFORE_ESCAPE_OR_END = /\\(?=[\\x\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u23ce]|$)/g;

/** `\x00` … `\xff`. */
const ESCAPES = Array.from({ length: 256 }, (_, b) => `\\x${b.toString(16).padStart(2, '0')}`);

function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += ESCAPES[b];
  return out;
}

/** Length of the UTF-8 sequence a non-ASCII lead byte starts (0 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * The bytes as runs of valid UTF-8 (decoded strings) and of invalid bytes (Buffers), alternating.
 * Validation is Node's (`isUtf8`: overlong forms, surrogates and values past U+10FFFF are invalid);
 * only the length a lead byte announces is read here.
 */
function textRuns(bytes: Buffer): (string | Buffer)[] {
  if (isUtf8(bytes)) return [bytes.toString('utf8')];
  const runs: (string | Buffer)[] = [];
  let start = 0; // start of the current run
  let valid = true; // whether the current run is valid UTF-8
  let i = 0;
  const cut = (nextValid: boolean): void => {
    if (i > start) runs.push(valid ? bytes.toString('utf8', start, i) : bytes.subarray(start, i));
    start = i;
    valid = nextValid;
  };
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : sequenceLength(lead);
    // (A second byte that is no continuation byte, 10xxxxxx, fails at once: most binary bytes stop there.)
    if (length === 1 || (length > 0 && i + length <= bytes.length && (bytes[i + 1]! & 0xc0) === 0x80 && isUtf8(bytes.subarray(i, i + length)))) {
      if (!valid) cut(true);
      i += length;
    } else {
      if (valid) cut(false);
      i++;
    }
  }
  cut(true);
  return runs;
}

/**
 * The mark the channel puts after a line that did not end in exactly CRLF on the wire: ` ⏎LF` (a bare LF),
 * ` ⏎CR` (the shown bytes end in a CR with no LF after it), ` ⏎none` (no terminator: bytes cut at an
 * elision, or the end of the connection). Unambiguous because renderTrafficBytes escapes any ⏎ in the text.
 */
export function lineEndMark(end: 'crlf' | 'lf' | 'cr' | 'none'): string {
  return end === 'crlf' ? '' : end === 'lf' ? ' \u23ceLF' : end === 'cr' ? ' \u23ceCR' : ' \u23cenone';
}
