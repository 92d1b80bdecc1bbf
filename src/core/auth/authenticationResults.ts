// Authentication-Results fields (RFC 8601) as the receiving servers wrote them: who wrote each one (the
// authserv-id) and, per method (dkim, spf, dmarc, arc, …), the result and its properties. The grammar is
// small: results separated by ";" outside quotes and comments, each "method=result" followed by
// "reason=…" and "ptype.property=value" pairs, with (comments) allowed anywhere.

/** One "method=result" of an Authentication-Results field. */
export interface AuthResultEntry {
  /** Lower case: dkim, spf, dmarc, arc, bimi, iprev, auth, … */
  readonly method: string;
  /** Lower case: pass, fail, softfail, neutral, none, temperror, permerror, policy, … */
  readonly result: string;
  readonly reason?: string;
  /** Properties by their lower-case name: `header.d`, `header.i`, `header.b`, `header.from`, `smtp.mailfrom`, … */
  readonly properties: Readonly<Record<string, string>>;
  /** The comments written with it (often the server's explanation), joined. */
  readonly comment?: string;
}

/** One Authentication-Results (or ARC-Authentication-Results) field. */
export interface AuthResultsField {
  /** Position among the message's Authentication-Results fields, 0 = topmost (the last server's). */
  readonly index: number;
  readonly authservId: string;
  /** Set for ARC-Authentication-Results. */
  readonly instance?: number;
  readonly entries: readonly AuthResultEntry[];
  /** The unfolded value as written. */
  readonly value: string;
}

interface Piece {
  text: string;
  comments: string[];
}

/** Splits at `separator` outside quotes and (nested) comments; comments are taken out of the text and kept. */
function split(value: string, separator: RegExp): Piece[] {
  const pieces: Piece[] = [];
  let current: Piece = { text: '', comments: [] };
  let depth = 0;
  let comment = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      if (depth > 0) comment += value[++i];
      else current.text += c + value[++i];
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (depth > 0) comment += c;
      else {
        current.comments.push(comment.trim());
        comment = '';
        current.text += ' ';
      }
      continue;
    }
    if (quoted) {
      current.text += c;
      if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') {
      depth = 1;
      continue;
    } else if (separator.test(c)) {
      pieces.push(current);
      current = { text: '', comments: [] };
      continue;
    }
    current.text += c;
  }
  pieces.push(current);
  return pieces;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text;
}

function parseEntry(piece: Piece): AuthResultEntry | undefined {
  const words = split(piece.text, /\s/).map((w) => w.text.trim()).filter((w) => w !== '');
  const [first, ...rest] = words;
  const m = first ? /^([A-Za-z0-9_.-]+)(?:\/\d+)?=([A-Za-z0-9_-]+)$/.exec(first) : null;
  if (!m) return undefined;
  const properties: Record<string, string> = {};
  let reason: string | undefined;
  for (const word of rest) {
    const at = word.indexOf('=');
    if (at <= 0) continue;
    const key = word.slice(0, at).toLowerCase();
    const value = unquote(word.slice(at + 1));
    if (key === 'reason') reason = value;
    else properties[key] = value;
  }
  const comments = piece.comments.filter((c) => c !== '');
  return { method: m[1].toLowerCase(), result: m[2].toLowerCase(), ...(reason !== undefined ? { reason } : {}), properties, ...(comments.length > 0 ? { comment: comments.join('; ') } : {}) };
}

/** Parses one field's value; `index` is its position among the fields of its kind. */
export function parseAuthenticationResults(value: string, index: number): AuthResultsField {
  const [head, ...results] = split(value, /;/);
  let headWords = (head?.text ?? '').trim().split(/\s+/).filter((w) => w !== '');
  let instance: number | undefined;
  const i = /^i=(\d+)$/i.exec(headWords[0] ?? '');
  if (i) {
    // ARC-Authentication-Results: "i=1; authserv-id; …"
    instance = Number(i[1]);
    const [idPiece, ...after] = results;
    headWords = (idPiece?.text ?? '').trim().split(/\s+/);
    results.splice(0, results.length, ...after);
  }
  const authservId = headWords[0] ?? '';
  const entries = results.map(parseEntry).filter((e): e is AuthResultEntry => e !== undefined && e.method !== 'none');
  return { index, authservId, ...(instance !== undefined ? { instance } : {}), entries, value };
}
