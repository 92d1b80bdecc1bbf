import type { FolderFacts } from './diagnosisTypes';

/** An IMAP value: an atom or string, NIL, or a parenthesized list. */
export type ImapValue = string | null | ImapValue[];

/**
 * Just enough of IMAP's syntax (RFC 3501 §9) to read the answers a diagnosis asks for: atoms, quoted strings
 * (literals are inlined as quoted strings by the reader), NIL and lists. `[…]` response codes are kept whole.
 */
export function imapValues(text: string): ImapValue[] {
  const stack: ImapValue[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ') i++;
    else if (c === '(') {
      const list: ImapValue[] = [];
      stack[stack.length - 1]!.push(list);
      stack.push(list);
      i++;
    } else if (c === ')') {
      if (stack.length > 1) stack.pop();
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      stack[stack.length - 1]!.push(value);
    } else {
      let end = i;
      let depth = 0;
      while (end < text.length && (depth > 0 || !/[ ()]/.test(text[end]!))) {
        if (text[end] === '[') depth++;
        else if (text[end] === ']') depth--;
        end++;
      }
      const atom = text.slice(i, end);
      stack[stack.length - 1]!.push(atom.toUpperCase() === 'NIL' ? null : atom);
      i = end;
    }
  }
  return stack[0]!;
}

/** A string for an IMAP command: quoted, with `\` and `"` escaped. */
export function imapQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The capability list in a `* CAPABILITY …` line or an `[CAPABILITY …]` response code (greeting, login OK). */
export function capabilitiesIn(line: string): string[] | undefined {
  const code = /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  if (code) return code[1]!.split(' ').filter(Boolean);
  const untagged = /^\* CAPABILITY (.*)$/i.exec(line);
  return untagged ? untagged[1]!.split(' ').filter(Boolean) : undefined;
}

/** `* ID ("name" "Dovecot" …)` as fields; undefined for `* ID NIL` or another line. */
export function idFields(line: string): Record<string, string> | undefined {
  if (!/^\* ID /i.test(line)) return undefined;
  const list = imapValues(line.slice(5))[0];
  if (!Array.isArray(list)) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = list[i];
    const value = list[i + 1];
    if (typeof key === 'string') fields[key] = typeof value === 'string' ? value : 'NIL';
  }
  return fields;
}

/** `* ENABLED CONDSTORE QRESYNC` → its words. */
export function enabledIn(line: string): string[] | undefined {
  const m = /^\* ENABLED(?: (.*))?$/i.exec(line);
  return m ? (m[1] ?? '').split(' ').filter(Boolean) : undefined;
}

const SPECIAL_USE = new Set(['\\ALL', '\\ARCHIVE', '\\DRAFTS', '\\FLAGGED', '\\JUNK', '\\SENT', '\\TRASH', '\\IMPORTANT']);

/** `* LIST (\HasNoChildren \Sent) "/" "Sent"` as a folder (its special use picked out of the flags). */
export function listFolder(line: string): FolderFacts | undefined {
  if (!/^\* LIST /i.test(line)) return undefined;
  const [flags, , name] = imapValues(line.slice(7));
  if (typeof name !== 'string') return undefined;
  const names = Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [];
  const special = names.find((f) => SPECIAL_USE.has(f.toUpperCase()));
  return { name, flags: names.filter((f) => f !== special), ...(special ? { specialUse: special } : {}) };
}

/** `* STATUS "Sent" (MESSAGES 3 SIZE 1234)` → the folder and its numbers. */
export function statusOf(line: string): { name: string; messages?: number; size?: number } | undefined {
  if (!/^\* STATUS /i.test(line)) return undefined;
  const [name, items] = imapValues(line.slice(9));
  if (typeof name !== 'string' || !Array.isArray(items)) return undefined;
  const out: { name: string; messages?: number; size?: number } = { name };
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = String(items[i]).toUpperCase();
    const value = Number(items[i + 1]);
    if (!Number.isFinite(value)) continue;
    if (key === 'MESSAGES') out.messages = value;
    else if (key === 'SIZE') out.size = value;
  }
  return out;
}
