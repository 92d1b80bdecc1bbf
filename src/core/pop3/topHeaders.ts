import { AddressObject, EmailAddress, ParsedMail, simpleParser } from 'mailparser';
import { Address } from '../mailStore';

/** What the message list shows of a message, from its header (the reply to `TOP n 0`). */
export interface HeaderSummary {
  readonly subject: string;
  readonly from: Address[];
  readonly to: Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
}

/**
 * Parses the header block that `TOP n 0` returns with mailparser, which unfolds lines, decodes
 * RFC 2047 encoded words and parses address lists; nothing here is parsed by hand.
 */
export async function parseTopHeaders(header: Buffer): Promise<HeaderSummary> {
  const mail = await simpleParser(header, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  return { subject: mail.subject ?? '', from: addresses(mail.from), to: addresses(mail.to), date: realDate(mail), messageId: mail.messageId };
}

/**
 * mailparser replaces a Date header it cannot parse with the current time; a listing would then show
 * a date the message never had. Its own test (`new Date(value)`) is repeated on the raw value.
 */
function realDate(mail: ParsedMail): Date | undefined {
  const line = mail.headerLines.find((h) => h.key === 'date')?.line;
  if (!mail.date || line === undefined) return undefined;
  const value = line.replace(/^date:\s*/i, '').replace(/\r?\n[ \t]+/g, ' ');
  return Number.isNaN(new Date(value).getTime()) ? undefined : mail.date;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => flatten(o.value));
}

/** Group syntax ("team: a@x, b@y;") becomes its members. */
function flatten(list: readonly EmailAddress[]): Address[] {
  return list.flatMap((a) => (a.group ? flatten(a.group) : a.address || a.name ? [{ name: a.name ?? '', address: a.address ?? '' }] : []));
}
