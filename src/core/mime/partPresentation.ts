import libmime from 'libmime';
import { MimePart } from './partTree';
import { safeFileName } from './safeFileName';
import { formatBytes } from '../format';

/** How a part opens in the editor. */
export interface PartPresentation {
  /** A file name safe for any file system, with an extension that fits the type. */
  readonly fileName: string;
  /** A language id VS Code ships with (so setting it never fails); the extension lets other extensions claim it too. */
  readonly languageId: string;
  /** True when the part is shown as text (decoded to UTF-8), false for binary content. */
  readonly isText: boolean;
}

interface TypeInfo {
  readonly languageId: string;
  readonly extension: string;
}

// Only built-in language ids: text/calendar and text/csv have no built-in language, so they open as
// plaintext with an .ics / .csv name (an installed CSV or iCalendar extension picks them up by the name).
const TEXT_TYPES: Record<string, TypeInfo> = {
  'text/plain': { languageId: 'plaintext', extension: 'txt' },
  'text/html': { languageId: 'html', extension: 'html' },
  'application/xhtml+xml': { languageId: 'html', extension: 'xhtml' },
  'application/json': { languageId: 'json', extension: 'json' },
  'text/json': { languageId: 'json', extension: 'json' },
  'text/xml': { languageId: 'xml', extension: 'xml' },
  'application/xml': { languageId: 'xml', extension: 'xml' },
  'text/calendar': { languageId: 'plaintext', extension: 'ics' },
  'application/ics': { languageId: 'plaintext', extension: 'ics' },
  'text/csv': { languageId: 'plaintext', extension: 'csv' },
  'text/tab-separated-values': { languageId: 'plaintext', extension: 'tsv' },
  'text/markdown': { languageId: 'markdown', extension: 'md' },
  'text/x-markdown': { languageId: 'markdown', extension: 'md' },
  'text/css': { languageId: 'css', extension: 'css' },
  'text/javascript': { languageId: 'javascript', extension: 'js' },
  'application/javascript': { languageId: 'javascript', extension: 'js' },
  'application/ecmascript': { languageId: 'javascript', extension: 'js' },
  'text/x-diff': { languageId: 'diff', extension: 'diff' },
  'text/x-patch': { languageId: 'diff', extension: 'patch' },
  'application/yaml': { languageId: 'yaml', extension: 'yaml' },
  'application/x-yaml': { languageId: 'yaml', extension: 'yaml' },
  'text/yaml': { languageId: 'yaml', extension: 'yaml' },
  'text/x-yaml': { languageId: 'yaml', extension: 'yaml' },
  'text/x-python': { languageId: 'python', extension: 'py' },
  'application/x-sh': { languageId: 'shellscript', extension: 'sh' },
  'text/x-shellscript': { languageId: 'shellscript', extension: 'sh' },
  'text/vcard': { languageId: 'plaintext', extension: 'vcf' },
  'text/x-vcard': { languageId: 'plaintext', extension: 'vcf' },
  'text/rfc822-headers': { languageId: 'plaintext', extension: 'txt' },
  'message/rfc822': { languageId: 'plaintext', extension: 'eml' },
  'message/global': { languageId: 'plaintext', extension: 'eml' },
  'message/delivery-status': { languageId: 'plaintext', extension: 'txt' },
  'message/disposition-notification': { languageId: 'plaintext', extension: 'txt' },
  'message/feedback-report': { languageId: 'plaintext', extension: 'txt' },
  'application/pgp-signature': { languageId: 'plaintext', extension: 'asc' },
  'application/pgp-keys': { languageId: 'plaintext', extension: 'asc' },
  'application/pgp-encrypted': { languageId: 'plaintext', extension: 'txt' },
};

/** Text presentation for a content type, or undefined when it is binary. */
export function textTypeInfo(contentType: string): TypeInfo | undefined {
  const type = contentType.toLowerCase();
  const known = TEXT_TYPES[type];
  if (known) return known;
  if (type.endsWith('+json')) return { languageId: 'json', extension: 'json' };
  if (type.endsWith('+xml')) return { languageId: 'xml', extension: 'xml' };
  if (type.startsWith('text/')) return { languageId: 'plaintext', extension: 'txt' };
  return undefined;
}

/** True when the part's content is text that decodes to a string. */
export function isTextPart(part: Pick<MimePart, 'contentType'>): boolean {
  return textTypeInfo(part.contentType) !== undefined;
}

/** File name and language id for opening a part. */
export function presentPart(part: MimePart): PartPresentation {
  const text = textTypeInfo(part.contentType);
  const extension = text?.extension ?? (detectExtension(part.contentType) || 'bin');
  const fallback = `part-${part.section}.${extension}`;
  let fileName = safeFileName(part.fileName, fallback);
  if (text && !/\.[A-Za-z0-9]{1,8}$/.test(fileName)) fileName = safeFileName(`${fileName}.${text.extension}`, fallback);
  return { fileName, languageId: text?.languageId ?? 'plaintext', isText: text !== undefined };
}

/** Tree label of a part: "1.2 text/plain" (the message root: "TEXT multipart/mixed"). */
export function partLabel(part: MimePart): string {
  return `${part.section} ${part.contentType}`;
}

/** Tree description of a part: "report.pdf · attachment · base64 · 1.2 KiB", or "charset utf-8 · quoted-printable · 312 bytes". */
export function partDescription(part: MimePart): string {
  const bits: string[] = [];
  if (part.fileName) bits.push(part.fileName);
  if (part.message?.subject) bits.push(`“${part.message.subject}”`);
  if (part.disposition) bits.push(part.disposition);
  if (part.charset) bits.push(`charset ${part.charset}`);
  if (part.encoding && part.encoding !== '7bit') bits.push(part.encoding);
  if (part.size !== undefined) bits.push(formatBytes(part.size));
  return bits.join(' · ');
}

function detectExtension(contentType: string): string {
  try {
    const ext = libmime.detectExtension(contentType);
    return /^[a-z0-9]{1,10}$/i.test(ext) ? ext : '';
  } catch {
    return '';
  }
}
