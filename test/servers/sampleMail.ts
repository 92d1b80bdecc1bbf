import { deflateSync } from 'node:zlib';
import type { SpecialUse } from '../../src/core/mailStore';
import type { DovecotServer, SeedMessage } from './dovecot';

/*
 * Sample mail for the tests: `generateMessage` makes plausible messages fast enough for folders of
 * 100,000, and `standardMailbox` seeds the account every integration test starts from.
 */

const CRLF = '\r\n';

const PEOPLE = [
  ['Alice Example', 'alice@example.com'],
  ['Bob Müller', 'bob@example.org'],
  ['Carol Díaz', 'carol@example.net'],
  ['Dmitri Ivanov', 'dmitri@example.com'],
  ['Eve Zhang', 'eve@example.org'],
  ['Frank O\'Neil', 'frank@example.net'],
  ['Grace Hopper', 'grace@example.com'],
  ['Heinz Äbischer', 'heinz@example.ch'],
  ['Ines Sousa', 'ines@example.pt'],
  ['Jun Tanaka', 'jun@example.jp'],
  ['Karin Berg', 'karin@example.se'],
  ['Luis Ortega', 'luis@example.es'],
] as const;

const TOPICS = [
  'Quarterly report', 'Meeting notes', 'Build failure on main', 'Invoice', 'Travel plans', 'Release checklist',
  'Lunch on Friday?', 'Server maintenance window', 'Design review', 'Budget draft', 'Welcome aboard', 'Weekly digest',
];

const SENTENCES = [
  'Please find the figures for last month below.',
  'The deployment went through without incidents, apart from one slow database migration.',
  'Could you have a look before our call tomorrow?',
  'I have attached nothing, but the link in the wiki has everything you need.',
  'We agreed to revisit the timeline once the vendor confirms the delivery date.',
  'Thanks again for your help with the migration last week.',
  'The numbers do not add up yet; I suspect a rounding issue in the export.',
  'Let me know if anything is unclear.',
  'Our office will be closed on Monday for the public holiday.',
  'The new build agents are twice as fast as the old ones.',
];

/** RFC 5322 date with a numeric zone ("Mon, 05 Jan 2026 09:00:00 +0000"). */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** An RFC 2047 encoded word (base64) for a header value that is not ASCII. */
export function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function address(i: number): string {
  const [name, email] = PEOPLE[i % PEOPLE.length];
  return /^[\x20-\x7e]*$/.test(name) ? `"${name}" <${email}>` : `${encodedWord(name)} <${email}>`;
}

function paragraph(i: number, sentences: number): string {
  const out: string[] = [];
  for (let k = 0; k < sentences; k++) out.push(SENTENCES[(i * 3 + k * 7) % SENTENCES.length]);
  // Wrapped at 76 characters like a real mail client would, so no line is long.
  return out.join(' ').replace(/(.{1,76})(\s+|$)/g, '$1\r\n').trimEnd();
}

export interface GenerateOptions {
  /** Date header; default 2026-01-01 plus `i` minutes. */
  date?: Date;
  /** Subject header value as it appears on the wire (encode it first if it is not ASCII). */
  subject?: string;
  from?: string;
  to?: string;
}

/**
 * Message number `i` of a synthetic folder: deterministic, RFC 5322 with CRLF line endings, about
 * 1 KB. Every 5th is multipart/alternative (text and HTML), every 17th carries a small attachment,
 * every 3rd is a reply, every 4th has a Cc, so a listing looks like a real one.
 */
export function generateMessage(i: number, options: GenerateOptions = {}): string {
  const date = options.date ?? new Date(Date.UTC(2026, 0, 1) + i * 60_000);
  const reply = i % 3 === 1;
  const subject = options.subject ?? `${reply ? 'Re: ' : ''}${TOPICS[i % TOPICS.length]} #${i}`;
  const headers = [
    `Return-Path: <${PEOPLE[i % PEOPLE.length][1]}>`,
    `Received: from mail.example.com (mail.example.com [192.0.2.${i % 250}]) by imap.example.com; ${rfc5322Date(date)}`,
    `Date: ${rfc5322Date(date)}`,
    `From: ${options.from ?? address(i)}`,
    `To: ${options.to ?? address(i * 7 + 3)}`,
  ];
  if (i % 4 === 0) headers.push(`Cc: ${address(i + 5)}`);
  headers.push(`Subject: ${subject}`, `Message-ID: <gen.${i}.${date.getTime().toString(36)}@example.com>`);
  if (reply) headers.push(`In-Reply-To: <gen.${i - 1}@example.com>`);
  headers.push('MIME-Version: 1.0');
  const text = `Hello,\r\n\r\n${paragraph(i, 2 + (i % 4))}\r\n\r\n${paragraph(i + 1, 2)}\r\n\r\n-- \r\n${PEOPLE[i % PEOPLE.length][0]}\r\n`;
  if (i % 17 === 0) {
    const boundary = `mixed-${i}`;
    const csv = Buffer.from(`id,amount\r\n${i},${(i * 37) % 1000}.00\r\n${i + 1},${(i * 53) % 1000}.50\r\n`).toString('base64');
    return [
      ...headers,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      text,
      `--${boundary}`,
      `Content-Type: text/csv; name="figures-${i}.csv"`,
      `Content-Disposition: attachment; filename="figures-${i}.csv"`,
      'Content-Transfer-Encoding: base64',
      '',
      csv,
      `--${boundary}--`,
      '',
    ].join(CRLF);
  }
  if (i % 5 === 0) {
    const boundary = `alt-${i}`;
    return [
      ...headers,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      text,
      `--${boundary}`,
      'Content-Type: text/html; charset=us-ascii',
      '',
      `<html><body><p>Hello,</p><p>${paragraph(i, 2 + (i % 4))}</p></body></html>`,
      `--${boundary}--`,
      '',
    ].join(CRLF);
  }
  return [...headers, 'Content-Type: text/plain; charset=us-ascii', '', text].join(CRLF);
}

// ---------------------------------------------------------------------------------------------
// The standard test account

/** Messages of INBOX that tests refer to by name. */
export type NamedMessage =
  | 'oldest'
  | 'plain'
  | 'encodedSubject'
  | 'qEncodedSubject'
  | 'dotLines'
  | 'latin1Body'
  | 'html'
  | 'attachment'
  | 'forwarded'
  | 'flagged'
  | 'answered'
  | 'draft'
  | 'deleted'
  | 'noSubject'
  | 'rawUtf8Subject'
  | 'folded'
  | 'large'
  | 'newest';

export interface SeededFolder {
  /** Full path with "/" as separator, as IMAP LIST shows it once decoded from modified UTF-7. */
  readonly path: string;
  readonly specialUse: SpecialUse | undefined;
  /** False for the \Noselect parent. */
  readonly selectable: boolean;
  /** Undefined for a \Noselect folder (STATUS cannot be asked). */
  readonly total: number | undefined;
  readonly unseen: number | undefined;
}

export interface SeededMessage {
  readonly folder: string;
  /** Position in the folder (IMAP sequence number, POP3 message number for INBOX), oldest first from 1. */
  readonly position: number;
  /** IMAP UID: each folder is seeded once into an empty folder, so it equals the position. */
  readonly uid: number;
  /** Subject as a client shows it after decoding ('' when the header is absent). */
  readonly subject: string;
  readonly raw: Buffer;
  /** Maildir flag letters it was seeded with. */
  readonly flags: string;
  /** Internal date, equal to the Date header. */
  readonly date: Date;
}

export interface StandardManifest {
  readonly user: string;
  /** Every folder LIST returns, parents before children. */
  readonly folders: SeededFolder[];
  /** All INBOX messages, oldest first (index i has position i + 1). */
  readonly inbox: SeededMessage[];
  readonly named: Record<NamedMessage, SeededMessage>;
  /** Number of messages in "Bulk". */
  readonly bulkCount: number;
}

interface Draft {
  name?: NamedMessage;
  subject: string;
  raw: Buffer;
  flags: string;
}

const INBOX_START = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;
const BULK_COUNT = 10_000;

function lines(...parts: string[]): string {
  return parts.join(CRLF);
}

function headerBlock(position: number, subjectHeader: string | undefined, extra: string[] = []): string[] {
  const date = new Date(INBOX_START + position * HOUR);
  const headers = [
    `Date: ${rfc5322Date(date)}`,
    `From: ${address(position)}`,
    `To: "Alice Example" <alice@example.com>`,
  ];
  if (subjectHeader !== undefined) headers.push(`Subject: ${subjectHeader}`);
  headers.push(`Message-ID: <inbox.${position}@example.com>`, 'MIME-Version: 1.0', ...extra);
  return headers;
}

function textMessage(position: number, subjectHeader: string | undefined, body: string, extra: string[] = []): Buffer {
  return Buffer.from(lines(...headerBlock(position, subjectHeader, extra), 'Content-Type: text/plain; charset=utf-8', '', body, ''), 'utf8');
}

/** Base64 lines of 76 characters of a buffer. */
function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, `$&${CRLF}`).replace(/\r\n$/, '');
}

/** A deterministic pseudo-random byte buffer (an attachment's content). */
/** A real (decodable) PNG: a small bar chart, so image viewers show a picture. */
export function barChartPng(width = 48, height = 32): Buffer {
  const bars = [12, 26, 18, 30, 8, 22];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 0xff); // filter byte 0, then white RGB pixels
    row[0] = 0;
    bars.forEach((h, b) => {
      if (height - y > h) return;
      for (let x = 2 + b * 8; x < 2 + b * 8 + 6; x++) row.set([0x2b, 0x6c, 0xb0], 1 + x * 3);
    });
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function bytesOf(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The ~30 INBOX messages, in order. Positions are 1-based; dates increase by one hour each. */
function inboxDrafts(): Draft[] {
  const drafts: Draft[] = [];
  const add = (name: NamedMessage | undefined, subject: string, flags: string, make: (position: number) => Buffer): void => {
    const position = drafts.length + 1;
    drafts.push({ name, subject, flags, raw: make(position) });
  };
  const filler = (count: number): void => {
    for (let k = 0; k < count; k++) {
      const position = drafts.length + 1;
      const subject = `${TOPICS[position % TOPICS.length]} #${position}`;
      const raw = Buffer.from(generateMessage(position, { date: new Date(INBOX_START + position * HOUR), subject, to: '"Alice Example" <alice@example.com>' }));
      drafts.push({ subject, flags: position % 3 === 0 ? '' : 'S', raw });
    }
  };

  add('oldest', 'Welcome to Mail Inspector', 'S', (p) => textMessage(p, 'Welcome to Mail Inspector', 'This is the oldest message in INBOX.\r\n'));
  add('plain', 'Plain ASCII message', 'S', (p) => textMessage(p, 'Plain ASCII message', 'Just some text.\r\nSecond line.\r\n'));
  add('encodedSubject', 'Grüße aus Köln – 日本語 ✓', '', (p) =>
    textMessage(p, encodedWord('Grüße aus Köln – 日本語 ✓'), 'The subject is an RFC 2047 encoded word (UTF-8, base64).\r\n'));
  add('qEncodedSubject', 'Café crème für alle', 'S', (p) =>
    textMessage(p, '=?ISO-8859-1?Q?Caf=E9_cr=E8me?= =?ISO-8859-1?Q?_f=FCr_alle?=', 'Two adjacent Q-encoded words in ISO-8859-1.\r\n'));
  filler(3);
  add('dotLines', 'Lines starting with a dot', '', (p) =>
    textMessage(p, 'Lines starting with a dot', lines(
      'A POP3 server must dot-stuff the following lines:',
      '.hidden line',
      '..two dots',
      '.',
      '. a dot and a space',
      'and this is the end.',
      '',
    )));
  add('latin1Body', 'Umlaute im Text', '', (p) =>
    Buffer.concat([
      Buffer.from(lines(...headerBlock(p, 'Umlaute im Text', ['Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit']), '', ''), 'ascii'),
      Buffer.from(lines('Grüße aus München!', 'Ärger über Öl, Übermut, naïve café, ½ Preis.', ''), 'latin1'),
    ]));
  filler(3);
  add('html', 'HTML newsletter', 'S', (p) => {
    const b = 'alt-boundary-html';
    return Buffer.from(lines(
      ...headerBlock(p, 'HTML newsletter', [`Content-Type: multipart/alternative; boundary="${b}"`]),
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'News of the week =E2=80=93 plain text version.',
      `--${b}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<html><body><h1>News of the week</h1><p style=3D"color:red">Red text</p><img src=3D"https://tracker.example.com/pixel.gif"></body></html>',
      `--${b}--`,
      '',
    ), 'utf8');
  });
  add('attachment', 'Report with attachments', 'S', (p) => {
    const b = 'mixed-boundary-attach';
    return Buffer.from(lines(
      ...headerBlock(p, 'Report with attachments', [`Content-Type: multipart/mixed; boundary="${b}"`]),
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The report and a chart are attached.',
      `--${b}`,
      'Content-Type: application/pdf; name="=?UTF-8?Q?=C3=9Cbersicht.pdf?="',
      'Content-Disposition: attachment; filename*=UTF-8\'\'%C3%9Cbersicht.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.concat([Buffer.from('%PDF-1.4\n% Mail Inspector sample\n'), bytesOf(2000, 7)])),
      `--${b}`,
      'Content-Type: image/png; name="chart.png"',
      'Content-Disposition: inline; filename="chart.png"',
      'Content-ID: <chart@example.com>',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(barChartPng()),
      `--${b}--`,
      '',
    ), 'utf8');
  });
  add('forwarded', 'Fwd: Original message', 'S', (p) => {
    const b = 'mixed-boundary-fwd';
    return Buffer.from(lines(
      ...headerBlock(p, 'Fwd: Original message', [`Content-Type: multipart/mixed; boundary="${b}"`]),
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the forwarded message below.',
      `--${b}`,
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="original.eml"',
      '',
      'From: "Bob Müller" <bob@example.org>',
      'To: "Carol Díaz" <carol@example.net>',
      'Subject: Original message',
      'Date: Sun, 04 Jan 2026 18:00:00 +0000',
      'Message-ID: <original@example.org>',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the original text.',
      `--${b}--`,
      '',
    ), 'utf8');
  });
  add('flagged', 'Important: flagged message', 'FS', (p) => textMessage(p, 'Important: flagged message', 'This message is flagged.\r\n'));
  add('answered', 'Re: Question answered', 'RS', (p) => textMessage(p, 'Re: Question answered', 'This message was answered.\r\n', ['In-Reply-To: <question@example.com>']));
  add('draft', 'Unfinished draft in INBOX', 'D', (p) => textMessage(p, 'Unfinished draft in INBOX', 'A draft that ended up in INBOX.\r\n'));
  add('deleted', 'Marked for deletion', 'ST', (p) => textMessage(p, 'Marked for deletion', 'Flagged \\Deleted but never expunged.\r\n'));
  filler(3);
  add('noSubject', '', '', (p) => textMessage(p, undefined, 'This message has no Subject header at all.\r\n'));
  add('rawUtf8Subject', 'Rohe UTF-8 Überschrift ☃', 'S', (p) =>
    textMessage(p, 'Rohe UTF-8 Überschrift ☃', 'The subject carries raw UTF-8 bytes (RFC 6532), not an encoded word.\r\n'));
  add('folded', 'A very long subject line that a mail client folded onto several lines of the header block', 'S', (p) =>
    textMessage(p, 'A very long subject line that a mail client folded\r\n onto several lines of the header block', 'Folded headers.\r\n', [
      `Cc: ${Array.from({ length: 8 }, (_, k) => address(k)).join(',\r\n    ')}`,
    ]));
  add('large', 'Large attachment (300 KB)', 'S', (p) => {
    const b = 'mixed-boundary-large';
    return Buffer.from(lines(
      ...headerBlock(p, 'Large attachment (300 KB)', [`Content-Type: multipart/mixed; boundary="${b}"`]),
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'A large binary attachment follows.',
      `--${b}`,
      'Content-Type: application/octet-stream; name="blob.bin"',
      'Content-Disposition: attachment; filename="blob.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(bytesOf(300 * 1024, 42)),
      `--${b}--`,
      '',
    ), 'utf8');
  });
  filler(2);
  add('newest', 'The newest message', '', (p) => textMessage(p, 'The newest message', 'This is the newest message in INBOX.\r\n'));
  return drafts;
}

/** ISO-2022-JP "日本語" (JIS X 0208 codes 467C 4B5C 386C between the escape sequences), base64 encoded word. */
const JAPANESE_ENCODED_WORD = `=?ISO-2022-JP?B?${Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x42]).toString('base64')}?=`;

interface FolderPlan {
  path: string;
  specialUse?: SpecialUse;
  /** Flag letters of each message, in order; empty for an empty folder. */
  flags: string[];
  subject?: (k: number) => string;
}

const SMALL_FOLDERS: FolderPlan[] = [
  { path: 'Sent', specialUse: 'sent', flags: ['S', 'S', 'S'] },
  { path: 'Drafts', specialUse: 'drafts', flags: ['D', 'DS'] },
  { path: 'Junk', specialUse: 'junk', flags: ['', ''] },
  { path: 'Archive', specialUse: 'archive', flags: ['S', 'S', 'S', 'S'] },
  { path: 'Entwürfe Ärger', flags: ['S', ''], subject: (k) => encodedWord(`Entwurf Nr. ${k + 1} – Ärger`) },
  { path: '日本語', flags: ['S', ''], subject: (k) => `${JAPANESE_ENCODED_WORD} Bericht ${k + 1}` },
  { path: 'Projects', flags: ['S'] },
  { path: 'Projects/2026', flags: ['S', ''] },
  { path: 'Projects/2026/Q1', flags: ['S', 'S', 'FS'] },
  { path: 'Lists/dovecot', flags: ['S', '', 'S', '', 'S'] },
  { path: 'Clients/acme.com', flags: ['S', ''] },
];

/**
 * Seeds the standard test account and describes what it seeded:
 * - INBOX: ~30 varied messages (named ones in `named`), mixed flags, dates one hour apart.
 * - Special-use Sent, Drafts, Trash (left empty), Junk, Archive.
 * - Non-ASCII names "Entwürfe Ärger" and "日本語" (stored in modified UTF-7 on disk).
 * - Nesting: Projects, Projects/2026, Projects/2026/Q1 (all selectable).
 * - "Lists" is \Noselect: with Maildir++ a folder "A/B" is the directory ".A.B"; creating only
 *   "Lists/dovecot" leaves no ".Lists" directory, and Dovecot lists the missing parent as
 *   `(\Noselect \HasChildren)` to a plain LIST, as `(\NonExistent \HasChildren)` to
 *   `LIST … RETURN (CHILDREN)` and as `(\NonExistent)` to `LIST … RETURN (STATUS …)` (LIST-STATUS);
 *   STATUS and EXAMINE on it answer NO "Mailbox doesn't exist".
 * - "Clients" (selectable, empty) and "Clients/acme.com", a name with a dot (listescape stores it as "\2e").
 * - "Bulk": 10,000 generated messages, every 10th unseen.
 */
export async function standardMailbox(server: DovecotServer, user = server.users[0].user): Promise<StandardManifest> {
  const drafts = inboxDrafts();
  const inbox: SeededMessage[] = drafts.map((d, i) => ({
    folder: 'INBOX',
    position: i + 1,
    uid: i + 1,
    subject: d.subject,
    raw: d.raw,
    flags: d.flags,
    date: new Date(INBOX_START + (i + 1) * HOUR),
  }));
  const named = {} as Record<NamedMessage, SeededMessage>;
  drafts.forEach((d, i) => {
    if (d.name) named[d.name] = inbox[i];
  });

  await server.createFolder(user, 'Lists/dovecot', { parents: false });
  await server.createFolder(user, 'Clients');
  await server.createFolder(user, 'Trash'); // on disk, like the others, though empty
  const jobs: Promise<void>[] = [server.addMessages(user, 'INBOX', inbox.map((m) => ({ raw: m.raw, flags: m.flags, date: m.date })))];
  for (const plan of SMALL_FOLDERS) {
    const messages: SeedMessage[] = plan.flags.map((flags, k) => {
      const date = new Date(Date.UTC(2025, 11, 1) + k * HOUR);
      const raw = generateMessage(1000 + k, { date, subject: plan.subject?.(k) ?? `${plan.path} message ${k + 1}` });
      return { raw, flags, date };
    });
    jobs.push(server.addMessages(user, plan.path, messages));
  }
  const bulk: SeedMessage[] = [];
  for (let i = 1; i <= BULK_COUNT; i++) {
    const date = new Date(Date.UTC(2025, 0, 1) + i * 60_000);
    bulk.push({ raw: generateMessage(i, { date }), flags: i % 10 === 0 ? '' : 'S', date });
  }
  jobs.push(server.addMessages(user, 'Bulk', bulk));
  await Promise.all(jobs);

  const unseenOf = (flags: string[]): number => flags.filter((f) => !f.includes('S')).length;
  const fixed: SeededFolder[] = [
    { path: 'INBOX', specialUse: 'inbox', selectable: true, total: inbox.length, unseen: unseenOf(inbox.map((m) => m.flags)) },
    { path: 'Trash', specialUse: 'trash', selectable: true, total: 0, unseen: 0 },
    { path: 'Lists', specialUse: undefined, selectable: false, total: undefined, unseen: undefined },
    { path: 'Clients', specialUse: undefined, selectable: true, total: 0, unseen: 0 },
    { path: 'Bulk', specialUse: undefined, selectable: true, total: BULK_COUNT, unseen: BULK_COUNT / 10 },
  ];
  const folders = [
    ...fixed,
    ...SMALL_FOLDERS.map((plan): SeededFolder => ({
      path: plan.path,
      specialUse: plan.specialUse,
      selectable: true,
      total: plan.flags.length,
      unseen: unseenOf(plan.flags),
    })),
  ].sort((a, b) => (a.path === 'INBOX' ? -1 : b.path === 'INBOX' ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { user, folders, inbox, named, bulkCount: BULK_COUNT };
}
