// Type declarations for the parts of mailparser's own dependencies that ship without types and that the
// MIME core calls directly. Only what we use is declared, so a change in those libraries shows up here.

declare module 'libmime' {
  /** A header value split into its main value and its parameters (RFC 2231 continuations joined, not decoded). */
  interface StructuredHeader {
    value: string | false;
    params: Record<string, string>;
  }
  // libmime exports an instance whose methods use `this`: import it as a default and call them as methods.
  interface Libmime {
    /** Decodes RFC 2047 encoded words in a header value. */
    decodeWords(value: string): string;
    /** Undoes format=flowed soft line breaks (RFC 3676). */
    decodeFlowed(text: string, delSp?: boolean): string;
    /** Parses `value; param=...` and decodes RFC 2231 parameters (`name*0*=utf-8''...`). */
    parseHeaderValue(value: string): StructuredHeader;
    /** The usual file extension for a MIME type, e.g. "txt" for text/plain. */
    detectExtension(mimeType: string): string;
    /** The MIME type usual for a file extension or file name. */
    detectMimeType(extensionOrName: string): string;
  }
  const libmime: Libmime;
  export = libmime;
}

declare module 'libmime/lib/charset' {
  interface Charset {
    /** Canonical name of a charset as iconv-lite (or encoding-japanese) knows it. */
    normalizeCharset(charset: string): string;
    /** Decodes bytes in a charset to a string; ISO-2022-JP and other Japanese sets go through encoding-japanese. */
    decode(bytes: Buffer, charset: string): string;
  }
  const charset: Charset;
  export = charset;
}

declare module 'libqp' {
  /** Decodes quoted-printable (soft line breaks removed); a Buffer is read byte for byte. */
  export function decode(encoded: string | Buffer): Buffer;
  /** Encodes bytes as quoted-printable without line wrapping. */
  export function encode(bytes: Buffer | string): string;
  /** Wraps quoted-printable text with soft line breaks. */
  export function wrap(encoded: string, lineLength?: number): string;
}

declare module 'libbase64' {
  /** Decodes base64 text (line breaks and several padded segments allowed). Pass a string, not a Buffer. */
  export function decode(encoded: string): Buffer;
  /** Encodes bytes as base64 without line wrapping. */
  export function encode(bytes: Buffer | string): string;
  /** Wraps base64 text at lineLength characters. */
  export function wrap(encoded: string, lineLength?: number): string;
}

declare module 'nodemailer/lib/addressparser' {
  interface ParsedAddress {
    name: string;
    address?: string;
    group?: ParsedAddress[];
  }
  /** Splits an address list header (display names, groups, comments) into addresses. */
  function addressparser(value: string, options?: { flatten?: boolean }): ParsedAddress[];
  export = addressparser;
}
