// The demo's mailbox: a few hundred realistic messages in the folders a person expects (special-use folders,
// nesting, a non-ASCII name), with HTML mail, attachments and non-ASCII headers. Built on the generators of
// test/servers/sampleMail.ts; dates lie in the weeks before the demo starts, so the tree reads like a real inbox.
import type { DovecotServer, SeedMessage } from '../../servers/dovecot';
import { encodedWord, generateMessage, rfc5322Date } from '../../servers/sampleMail';

export const DEMO_USER = 'demo';
export const DEMO_PASSWORD = 'demo-password';

const CRLF = '\r\n';
const HOUR = 3_600_000;
const ME = '"Demo User" <demo@example.com>';

export interface DemoMailboxSummary {
  /** Folder paths seeded, with their message counts. */
  folders: { path: string; count: number }[];
  total: number;
}

interface FolderPlan {
  path: string;
  count: number;
  /** Hours between messages, counting back from `newest`. */
  spacingHours: number;
  /** Hours before now of the newest message. */
  newestHoursAgo: number;
  make: (k: number, date: Date) => string;
  flags: (k: number, count: number) => string;
}

/** Seen, except for the newest few and every 9th; a few flagged and answered, like a lived-in inbox. */
function inboxFlags(k: number, count: number): string {
  if (k >= count - 6 || k % 9 === 4) return k % 13 === 0 ? 'F' : '';
  if (k % 11 === 0) return 'FS';
  if (k % 7 === 0) return 'RS';
  return 'S';
}

const seen = (): string => 'S';

function newsletter(k: number, date: Date): string {
  const boundary = `news-${k}`;
  const related = `rel-${k}`;
  const title = ['Release notes', 'Community digest', 'Security advisory', 'Product update'][k % 4];
  const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  return [
    `Date: ${rfc5322Date(date)}`,
    `From: "Example Weekly" <news@example.org>`,
    `To: ${ME}`,
    `Subject: ${title} – issue ${k + 1}`,
    `Message-ID: <news.${k}@example.org>`,
    'List-Unsubscribe: <mailto:unsubscribe@example.org>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    `${title} =E2=80=93 issue ${k + 1}. Read the HTML version for pictures.`,
    `--${boundary}`,
    `Content-Type: multipart/related; boundary="${related}"`,
    '',
    `--${related}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body style="font-family:sans-serif"><h1>${title}</h1><img src="cid:logo-${k}@example.org" alt="logo">`,
    `<p>Issue ${k + 1}: what changed this week, in three short paragraphs.</p><p><a href="https://example.org/issue/${k + 1}">Read online</a></p></body></html>`,
    `--${related}`,
    'Content-Type: image/png',
    `Content-ID: <logo-${k}@example.org>`,
    'Content-Disposition: inline; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    pixel,
    `--${related}--`,
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

function invoice(k: number, date: Date): string {
  const boundary = `invoice-${k}`;
  const pdf = Buffer.from(`%PDF-1.4\n% Rechnung ${k + 1}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`).toString('base64');
  return [
    `Date: ${rfc5322Date(date)}`,
    `From: ${encodedWord('Büro Müller & Söhne')} <rechnung@example.de>`,
    `To: ${ME}`,
    `Subject: ${encodedWord(`Rechnung Nr. ${2026_100 + k} – Büromaterial`)}`,
    `Message-ID: <invoice.${k}@example.de>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Guten Tag,',
    '',
    `anbei die Rechnung Nr. ${2026_100 + k}. Zahlbar innerhalb von 14 Tagen.`,
    '',
    'Mit freundlichen Grüßen',
    'Büro Müller & Söhne',
    `--${boundary}`,
    `Content-Type: application/pdf; name="Rechnung-${2026_100 + k}.pdf"`,
    `Content-Disposition: attachment; filename="Rechnung-${2026_100 + k}.pdf"`,
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** Every 25th INBOX message is special: a newsletter, an invoice with a PDF, or a subject in Japanese. */
function inboxMessage(k: number, date: Date): string {
  if (k % 25 === 3) return newsletter(k, date);
  if (k % 25 === 11) return invoice(k, date);
  if (k % 25 === 19) return generateMessage(k, { date, to: ME, subject: encodedWord(`会議の議事録 ${k} – Meeting notes`) });
  return generateMessage(k, { date, to: ME });
}

const PLANS: FolderPlan[] = [
  { path: 'INBOX', count: 220, spacingHours: 3, newestHoursAgo: 1, make: inboxMessage, flags: inboxFlags },
  { path: 'Sent', count: 40, spacingHours: 14, newestHoursAgo: 5, make: (k, date) => generateMessage(500 + k, { date, from: ME, subject: `Re: ${['Quarterly report', 'Travel plans', 'Design review', 'Budget draft'][k % 4]} (${k + 1})` }), flags: seen },
  { path: 'Drafts', count: 3, spacingHours: 30, newestHoursAgo: 2, make: (k, date) => generateMessage(600 + k, { date, from: ME, subject: `Draft: proposal v${k + 1}` }), flags: () => 'D' },
  { path: 'Newsletters', count: 30, spacingHours: 24, newestHoursAgo: 20, make: (k, date) => newsletter(100 + k, date), flags: (k) => (k > 26 ? '' : 'S') },
  { path: 'Büro', count: 12, spacingHours: 60, newestHoursAgo: 30, make: (k, date) => invoice(200 + k, date), flags: seen },
  { path: 'Projects/Mail Inspector', count: 25, spacingHours: 20, newestHoursAgo: 8, make: (k, date) => generateMessage(700 + k, { date, to: ME, subject: `[mail-inspector] ${['Build failure on main', 'Release checklist', 'Design review'][k % 3]} #${k + 1}` }), flags: (k) => (k > 22 ? '' : 'S') },
  { path: 'Archive/2025', count: 80, spacingHours: 48, newestHoursAgo: 24 * 40, make: (k, date) => generateMessage(800 + k, { date, to: ME }), flags: seen },
  { path: 'Junk', count: 8, spacingHours: 36, newestHoursAgo: 12, make: (k, date) => generateMessage(900 + k, { date, to: ME, subject: `You have won ${k + 1} million!!!` }), flags: () => '' },
];

export interface DemoSeedOptions {
  user?: string;
  /** Messages are dated relative to it (default: the current time). */
  now?: number;
  /**
   * A DKIM-signed message (`startDemoAuth()` of test/servers/dnsDemo.ts), put into INBOX as its newest, unread
   * message: Check Authentication on it reads the key, SPF and DMARC records from the demo's DNS server.
   */
  signed?: Buffer;
}

/** Seeds the demo account. */
export async function seedDemoMailbox(server: DovecotServer, options: DemoSeedOptions = {}): Promise<DemoMailboxSummary> {
  const { user = DEMO_USER, now = Date.now(), signed } = options;
  const jobs: Promise<void>[] = [];
  const folders: { path: string; count: number }[] = [];
  for (const plan of PLANS) {
    const messages: SeedMessage[] = [];
    for (let k = 0; k < plan.count; k++) {
      const date = new Date(Math.floor((now - (plan.newestHoursAgo + (plan.count - 1 - k) * plan.spacingHours) * HOUR) / 1000) * 1000);
      messages.push({ raw: plan.make(k, date), flags: plan.flags(k, plan.count), date });
    }
    // Half an hour ago: newer than INBOX's newest generated message (an hour ago), so it is the first row.
    if (plan.path === 'INBOX' && signed) messages.push({ raw: signed, flags: '', date: new Date(Math.floor((now - HOUR / 2) / 1000) * 1000) });
    jobs.push(server.addMessages(user, plan.path, messages));
    folders.push({ path: plan.path, count: messages.length });
  }
  await Promise.all(jobs);
  return { folders, total: folders.reduce((n, f) => n + f.count, 0) };
}
