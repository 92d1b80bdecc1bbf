import iconv from 'iconv-lite';
import * as libbase64 from 'libbase64';
import libmime from 'libmime';
import libcharset from 'libmime/lib/charset';
import * as libqp from 'libqp';
import { MimePart } from './partTree';
import { isTextPart } from './partPresentation';

// Decoding uses the libraries mailparser uses: libqp / libbase64 for the transfer encoding, libmime's charset
// module (iconv-lite, and encoding-japanese for ISO-2022-JP which iconv-lite lacks) for the charset.

/** A part's content after decoding. */
export interface DecodedContent {
  /** The text, for text parts (transfer encoding and charset undone, format=flowed joined). */
  readonly text?: string;
  /** The bytes, for binary parts (transfer encoding undone). */
  readonly binary?: Buffer;
  /** The charset the text was read in (normalised name). */
  readonly charset?: string;
  /** Anything that did not go as the headers said (unknown charset or encoding, undeclared charset). */
  readonly warnings: readonly string[];
}

/** Undoes a Content-Transfer-Encoding; unknown encodings are returned as they are, with a warning. */
export function decodeTransferEncoding(bytes: Buffer, encoding: string | undefined): { bytes: Buffer; warning?: string } {
  const cte = (encoding ?? '').trim().toLowerCase();
  switch (cte) {
    case 'base64': {
      // libbase64.decode wants a string: a Buffer would be copied, not decoded. It skips what is not
      // base64 and reads on after inner "=" padding, as mail clients do; that leniency is said, not hidden.
      const text = bytes.toString('latin1');
      const flaws = base64Flaws(text);
      return { bytes: libbase64.decode(text), ...(flaws ? { warning: `The base64 body is malformed (${flaws}): decoded leniently, so the content may be incomplete or wrong.` } : {}) };
    }
    case 'quoted-printable':
      return { bytes: libqp.decode(bytes) };
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return { bytes };
    default:
      return { bytes, warning: `Unknown transfer encoding "${encoding}": shown as stored.` };
  }
}

/**
 * Reads bytes in a charset. Bytes the declared charset cannot hold (8-bit bytes in US-ASCII or another 7-bit
 * charset, or in a part with no charset, which means US-ASCII: RFC 2045) are read as UTF-8 when they are
 * valid UTF-8, else as Windows-1252, and the warning says so. An unknown charset is read the same way.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): { text: string; charset: string; warning?: string } {
  const declared = charset?.trim();
  const eightBit = hasEightBitBytes(bytes);
  if (!declared) {
    const guessed = guessCharset(bytes);
    return { text: libcharset.decode(bytes, guessed), charset: guessed, ...(eightBit ? { warning: `No charset declared (which means US-ASCII), but the text holds 8-bit bytes: shown as ${guessed}.` } : {}) };
  }
  const name = libcharset.normalizeCharset(declared);
  if (!isKnownCharset(name)) {
    const fallback = guessCharset(bytes);
    return { text: libcharset.decode(bytes, fallback), charset: fallback, warning: `Unknown charset "${declared}": read as ${fallback}.` };
  }
  if (eightBit && SEVEN_BIT_CHARSETS.test(declared)) {
    const guessed = guessCharset(bytes);
    return { text: libcharset.decode(bytes, guessed), charset: guessed, warning: `Declared ${declared}, holds 8-bit bytes: shown as ${guessed}.` };
  }
  // libmime reads US-ASCII as Windows-1252; for 7-bit bytes that is the same text, so say the declared name.
  const shownAs = SEVEN_BIT_CHARSETS.test(declared) && /^(us-)?ascii$|^windows-1252$/i.test(name) ? 'US-ASCII' : name;
  if (/^utf-?8$/i.test(name)) {
    if (isUtf8(bytes)) return { text: libcharset.decode(bytes, 'UTF-8'), charset: 'UTF-8' };
    return { text: libcharset.decode(bytes, 'WINDOWS-1252'), charset: 'WINDOWS-1252', warning: `Declared ${declared}, holds bytes that are not valid UTF-8: shown as WINDOWS-1252.` };
  }
  const text = libcharset.decode(bytes, name);
  if (eightBit && text.includes('\uFFFD') && isUtf8(bytes) && !bytes.includes(UTF8_REPLACEMENT)) {
    return { text: libcharset.decode(bytes, 'UTF-8'), charset: 'UTF-8', warning: `Declared ${declared}, holds bytes ${declared} has no character for: shown as UTF-8.` };
  }
  if (eightBit && text.includes('\uFFFD')) return { text, charset: shownAs, warning: `Declared ${declared}, holds bytes ${declared} has no character for: shown as ${shownAs} with \uFFFD for them.` };
  return { text, charset: shownAs };
}

/** Decodes a part's body bytes (as fetched with BODY[section], or cut from the raw message). */
export function decodePartContent(part: Pick<MimePart, 'contentType' | 'charset' | 'encoding' | 'flowed'>, bytes: Buffer, options: { alreadyDecoded?: boolean } = {}): DecodedContent {
  const warnings: string[] = [];
  let body = bytes;
  if (!options.alreadyDecoded) {
    const decoded = decodeTransferEncoding(bytes, part.encoding);
    body = decoded.bytes;
    if (decoded.warning) warnings.push(decoded.warning);
  }
  if (!isTextPart(part)) return { binary: body, warnings };
  const read = decodeCharset(body, part.charset);
  if (read.warning) warnings.push(read.warning);
  let text = read.text;
  if (part.flowed) text = libmime.decodeFlowed(text, part.flowed.delSp);
  return { text, charset: read.charset, warnings };
}

function isKnownCharset(name: string): boolean {
  if (/^(us-)?ascii$|^utf-8$/i.test(name)) return true;
  if (/^jis|^iso-?2022-?jp|^eucjp/i.test(name)) return true;
  return iconv.encodingExists(name);
}

// Charsets whose text is 7-bit by definition: an 8-bit byte in them is never a character of theirs.
const SEVEN_BIT_CHARSETS = /^(us-?ascii|ascii|ansi_x3\.4-19(68|86)|iso646-us|iso-?2022-[a-z0-9-]+|utf-?7|hz-gb-2312)$/i;
const UTF8_REPLACEMENT = Buffer.from('\uFFFD');

function hasEightBitBytes(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return true;
  return false;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function guessCharset(bytes: Buffer): string {
  return isUtf8(bytes) ? 'UTF-8' : 'WINDOWS-1252';
}

/** What is wrong with a base64 body, in words, or undefined when it is clean (line breaks and blanks are fine). */
export function base64Flaws(text: string): string | undefined {
  const data = text.replace(/[\r\n\t ]+/g, '');
  const junk = data.replace(/[A-Za-z0-9+/=]+/g, '').length;
  const clean = data.replace(/[^A-Za-z0-9+/=]+/g, '');
  const flaws: string[] = [];
  if (junk > 0) flaws.push(`${junk} character${junk === 1 ? '' : 's'} that ${junk === 1 ? 'is' : 'are'} not base64`);
  if (/=+[^=]/.test(clean)) flaws.push('"=" padding inside the data');
  else if (clean.length % 4 !== 0) flaws.push('a last group of fewer than 4 characters');
  return flaws.length > 0 ? flaws.join('; ') : undefined;
}
