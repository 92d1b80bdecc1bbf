import type { AccountDefinition } from '../accounts/account';
import type { TrafficRecord } from '../traffic/exchange';
import { MASK } from '../traffic/trafficLine';
import { recentTrafficText } from './bugReportTraffic';
import { RedactionSeeds, Redactor } from './redact';

/** The versions a maintainer asks for first. */
export interface ReportVersions {
  readonly extension: string;
  readonly vscode: string;
  readonly node: string;
  readonly platform: string;
}

/** The diagnosis part: its Markdown, or why there is none. */
export type ReportDiagnosis = { readonly markdown: string } | { readonly skipped: string };

export interface BugReportInput {
  readonly account: AccountDefinition;
  readonly madeAt: Date;
  readonly versions: ReportVersions;
  /** `mailInspector.*` as read (keys without the prefix); secrets are left out here whatever the caller passed. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The account's traffic record (its tap's), already masked. */
  readonly record: TrafficRecord;
  readonly trafficMinutes: number;
  readonly diagnosis: ReportDiagnosis;
  /** Replace host names, user names and addresses by placeholders; undefined: keep them. */
  readonly redact?: RedactionSeeds;
  /**
   * Values that must not appear, scrubbed from the finished text as a last line of defence (the stored password,
   * where the caller knows it). Everything in the report is masked already; this catches what a bug let through.
   */
  readonly secrets?: readonly string[];
}

const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|api[-_]?key|private/i;

/** A settings value with every secret-looking key's value left out, at any depth. */
export function settingsWithoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(settingsWithoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = SECRET_KEY.test(key) ? '(left out)' : settingsWithoutSecrets(v);
  return out;
}

/** The forms a secret may take on the wire, besides itself: base64 of it, and SASL PLAIN's `\0user\0secret`. */
function secretForms(secret: string, user: string): string[] {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [secret, b64(secret), b64(`\0${user}\0${secret}`), b64(`${user}\0${user}\0${secret}`)].filter((s) => s.length >= 3);
}

/** One level down, so the diagnosis's own headings sit under the report's "## Diagnosis". */
function demoteHeadings(markdown: string): string {
  return markdown.replace(/^(#{1,5}) /gm, '#$1 ');
}

function fenced(text: string, language: string): string {
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/**
 * The bug report of one account, as Markdown to paste into a ticket: versions, settings without secrets, the
 * diagnosis, and the last minutes of its traffic (masked as the traffic view's transcript, literals and bodies left
 * out). With `redact`, every host name, user name and address is a placeholder, in every part.
 */
export function bugReportMarkdown(input: BugReportInput): string {
  const { account, versions } = input;
  const out: string[] = [];
  out.push('# Mail Inspector bug report', '');
  out.push(`Made ${input.madeAt.toISOString()} for the account "${account.label}": ${account.protocol.toUpperCase()}, ${account.host}:${account.port}, security ${account.security}, user ${account.user}.`);
  out.push(input.redact ? 'Host names, user names and addresses are replaced by placeholders (host-1, user-1, address-1@example.invalid).' : 'Host names, user names and addresses are shown as they are.');
  out.push('Passwords and authentication data are masked (****); literals and message bodies are left out.', '');
  out.push('## Versions', '');
  out.push(`- Mail Inspector ${versions.extension}`, `- VS Code ${versions.vscode}`, `- Node.js ${versions.node}`, `- ${versions.platform}`, '');
  out.push('## Settings (mailInspector.*)', '');
  out.push(fenced(JSON.stringify(settingsWithoutSecrets(input.settings), null, 2), 'json'), '');
  if ('markdown' in input.diagnosis) {
    const markdown = demoteHeadings(input.diagnosis.markdown).trim();
    // A diagnosis that starts with its own heading ("# Diagnosis: IMAP host:993") has it as the section's.
    if (!markdown.startsWith('## ')) out.push('## Diagnosis', '');
    out.push(markdown, '');
  } else {
    out.push('## Diagnosis', '', `Not run: ${input.diagnosis.skipped}`, '');
  }
  out.push(`## Traffic of the last ${input.trafficMinutes} minute${input.trafficMinutes === 1 ? '' : 's'}`, '');
  const traffic = recentTrafficText(input.record, input.trafficMinutes, input.madeAt, account.label);
  out.push(fenced(traffic, 'text'), '');
  let text = out.join('\n');
  for (const secret of input.secrets ?? []) for (const form of secretForms(secret, account.user)) text = text.split(form).join(MASK);
  return input.redact ? new Redactor(input.redact).redact(text) : text;
}
