import { DovecotServer, SeedMessage } from '../../servers/dovecot';

// Mail for the search tests: non-ASCII names and subjects (RFC 2047 encoded words and raw UTF-8), bodies in 7-bit,
// quoted-printable, base64 and UTF-8, sent dates (Date header) and arrival dates (INTERNALDATE) on different days,
// sizes from a few hundred bytes to 60 KB, every system flag, and keywords. UIDs are 1…n in this order.

const CRLF = '\r\n';

interface Spec {
  from: string;
  to?: string;
  cc?: string;
  bcc?: string;
  subject: string;
  /** Date header, RFC 5322. */
  sent: string;
  /** Arrival (INTERNALDATE), noon UTC of this day. */
  arrived: string;
  body: string;
  headers?: string[];
  flags?: string;
  /** Bytes of filler text appended to a plain body. */
  pad?: number;
  /** A whole body part given as is (Content-Type and encoding headers included), instead of text/plain UTF-8 8bit. */
  mime?: { headers: string[]; body: string };
}

const SPECS: Spec[] = [
  { from: '=?UTF-8?Q?Bob_M=C3=BCller?= <bob@example.org>', subject: 'Invoice 2026-001', sent: 'Mon, 05 Jan 2026 10:00:00 +0100', arrived: '2026-01-06', body: 'Please pay the invoice by Friday.', flags: 'S' },
  { from: '=?UTF-8?Q?Carol_D=C3=ADaz?= <carol@example.net>', cc: 'Bob <bob@example.org>', subject: '=?UTF-8?Q?Pr=C3=BCfung_der_Rechnung?=', sent: 'Tue, 20 Jan 2026 09:30:00 +0000', arrived: '2026-01-21', body: 'Viele Grüße aus Köln.', flags: 'FS' },
  { from: 'Dmitri Ivanov <dmitri@example.com>', subject: 'Meeting notes', sent: 'Tue, 03 Feb 2026 16:00:00 -0500', arrived: '2026-02-04', body: 'Notes from the weekly sync.', pad: 20_000, flags: 'R' },
  { from: 'Eve Zhang <eve@example.org>', bcc: 'secret@example.com', subject: 'Build failure on main', sent: 'Sat, 14 Feb 2026 08:00:00 +0000', arrived: '2026-02-15', body: 'The stack trace is attached below.', headers: ['X-Mailer: Mutt/2.2.9'], flags: 'D' },
  { from: 'bob@example.org', subject: 'Re: Invoice 2026-001', sent: 'Sun, 01 Mar 2026 12:00:00 +0000', arrived: '2026-03-02', body: 'Paid yesterday.', flags: 'T' },
  { from: '=?UTF-8?B?55Sw5LitIOe0lA==?= <jun@example.jp>', subject: '会議の議事録', sent: 'Tue, 10 Mar 2026 11:00:00 +0900', arrived: '2026-03-10', body: '明日の会議は十時からです。' },
  {
    from: 'Grace Hopper <grace@example.com>',
    subject: 'Quarterly report',
    sent: 'Sun, 15 Mar 2026 07:45:00 +0000',
    arrived: '2026-03-16',
    body: '',
    headers: ['List-Id: Reports <reports.example.com>'],
    mime: { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'], body: Buffer.from('The revenue figures are up 4% this quarter.\r\n').toString('base64') },
    flags: 'S',
  },
  {
    from: '=?ISO-8859-1?Q?Heinz_=C4bischer?= <heinz@example.ch>',
    subject: 'Travel plans',
    sent: 'Wed, 01 Apr 2026 23:30:00 +0200',
    arrived: '2026-04-02',
    body: '',
    mime: { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], body: 'We meet in Z=C3=BCrich at the station.' },
    flags: 'S',
  },
  { from: 'Alice Example <alice@example.com>', to: 'Bob <bob@example.org>', cc: 'Carol <carol@example.net>', subject: 'Lunch on Friday?', sent: 'Thu, 02 Apr 2026 12:15:00 +0000', arrived: '2026-04-02', body: 'Pizza at noon?' },
  { from: 'Karin Berg <karin@example.se>', subject: 'Invoice reminder', sent: 'Mon, 20 Apr 2026 10:00:00 +0000', arrived: '2026-04-21', body: 'A second reminder about the invoice.' },
  {
    from: 'News <news@example.com>',
    subject: 'Newsletter',
    sent: 'Fri, 01 May 2026 06:00:00 +0000',
    arrived: '2026-05-01',
    body: '',
    mime: {
      headers: ['Content-Type: multipart/alternative; boundary="b1"'],
      body: ['--b1', 'Content-Type: text/plain; charset=us-ascii', '', 'A special offer for you.', '--b1', 'Content-Type: text/html; charset=us-ascii', '', '<p>A <b>special</b> offer for you.</p>', '--b1--', ''].join(CRLF),
    },
  },
  { from: 'Luis Ortega <luis@example.es>', subject: 'Budget draft', sent: 'Tue, 05 May 2026 18:00:00 +0000', arrived: '2026-05-06', body: 'The draft budget, long version.', pad: 60_000, flags: 'F' },
];

/** Keywords stored after seeding (doveadm flags add), by UID. */
export const KEYWORDS: Readonly<Record<string, readonly number[]>> = { $Invoice: [1, 5, 10], Work: [3, 7] };

export const SEARCH_MAIL_COUNT = SPECS.length;

function filler(bytes: number): string {
  const line = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor';
  const lines: string[] = [];
  for (let n = 0; n < bytes; n += line.length + 2) lines.push(line);
  return lines.join(CRLF);
}

function message(spec: Spec, index: number): SeedMessage {
  const headers = [
    `From: ${spec.from}`,
    `To: ${spec.to ?? 'Alice Example <alice@example.com>'}`,
    ...(spec.cc ? [`Cc: ${spec.cc}`] : []),
    ...(spec.bcc ? [`Bcc: ${spec.bcc}`] : []),
    `Subject: ${spec.subject}`,
    `Date: ${spec.sent}`,
    `Message-ID: <search-${index + 1}@example.com>`,
    'MIME-Version: 1.0',
    ...(spec.headers ?? []),
  ];
  const part = spec.mime ?? { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], body: spec.body + (spec.pad ? CRLF + filler(spec.pad) : '') };
  const raw = [...headers, ...part.headers, '', part.body, ''].join(CRLF);
  return { raw, flags: spec.flags ?? '', date: new Date(`${spec.arrived}T12:00:00Z`) };
}

/** Seeds the search mail into `folder` (UIDs 1…n) and stores the keywords. */
export async function seedSearchMail(server: DovecotServer, folder: string): Promise<void> {
  const user = server.users[0]!.user;
  await server.addMessages(user, folder, SPECS.map(message));
  for (const [keyword, uids] of Object.entries(KEYWORDS)) {
    await server.doveadm(['flags', 'add', '-u', user, keyword, 'mailbox', folder, 'uid', uids.join(',')]);
  }
}

/** A few more messages for a second folder (multi-folder search): the same kinds of terms, other UIDs. */
export async function seedOtherFolder(server: DovecotServer, folder: string): Promise<void> {
  const user = server.users[0]!.user;
  await server.addMessages(user, folder, [SPECS[9]!, SPECS[1]!, SPECS[4]!, SPECS[8]!].map((spec, i) => message(spec, 100 + i)));
}
