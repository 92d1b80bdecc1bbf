/** The inverse of renderTrafficBytes (src/core/traffic/trafficText.ts), as a reader of the log would apply it: `\\` is one backslash, `\xNN` one byte, the rest UTF-8. */
export function unrender(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/\\(\\|x[0-9a-f]{2})/g)) {
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'));
    parts.push(m[1] === '\\' ? Buffer.from('\\') : Buffer.from([parseInt(m[1]!.slice(1), 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}
