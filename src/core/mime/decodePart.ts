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
    case 'base64':
      // libbase64.decode wants a string: a Buffer would be copied, not decoded.
      return { bytes: libbase64.decode(bytes.toString('latin1')) };
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
 * Reads bytes in a charset. An undeclared charset is read as UTF-8 when the bytes are valid UTF-8, else as
 * Windows-1252; an unknown charset likewise, with a warning.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): { text: string; charset: string; warning?: string } {
  const declared = charset?.trim();
  if (declared) {
    const name = libcharset.normalizeCharset(declared);
    if (isKnownCharset(name)) return { text: libcharset.decode(bytes, name), charset: name };
    const fallback = guessCharset(bytes);
    return { text: libcharset.decode(bytes, fallback), charset: fallback, warning: `Unknown charset "${declared}": read as ${fallback}.` };
  }
  const guessed = guessCharset(bytes);
  return { text: libcharset.decode(bytes, guessed), charset: guessed, warning: guessed === 'UTF-8' ? undefined : `No charset declared and the text is not UTF-8: read as ${guessed}.` };
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

function guessCharset(bytes: Buffer): string {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'UTF-8';
  } catch {
    return 'WINDOWS-1252';
  }
}
