import { MailError, MailErrorReason } from './errors';
import { escapeMarkdown } from './markdown';
import type { ResponseCode } from './traffic/exchange';
import { responseCode } from './traffic/responseCodes';

// The text of an error row in a tree: a short label that fits the side bar, the useful detail (the server's
// words, or the system's, e.g. "connect ECONNREFUSED 127.0.0.1:18777") as the description, and everything in
// the tooltip. Pure (no vscode), so it is tested directly.

const SHORT_LABELS: Record<MailErrorReason, string> = {
  config: 'Invalid settings',
  dns: 'Host not found',
  refused: 'Connection refused',
  network: 'Connection lost',
  timeout: 'No answer in time',
  tls: 'TLS failed',
  certificate: 'Certificate not trusted',
  auth: 'Sign-in rejected',
  inUse: 'Mailbox locked',
  limit: 'Over the size limits',
  server: 'Server error',
  notFound: 'Not found',
  cancelled: 'Cancelled',
  readOnly: 'Read-only account',
  conflict: 'Changed elsewhere',
  unsupported: 'Not offered',
  partial: 'Partly done',
  wrongPort: 'Wrong port or security',
  protocol: 'Unexpected reply',
};

export interface ErrorRowText {
  /** Two or three words naming what went wrong. */
  readonly label: string;
  /** The detail: the server's words, else the system's, else the plain explanation; on one line. */
  readonly description: string;
  /** Markdown: the explanation, the detail, the server's words and what to do next. */
  readonly tooltip: string;
}

/** What the error says beyond its plain explanation (errors from Node read "<explanation> (<detail>)"), if anything. */
export function errorDetail(error: MailError): string | undefined {
  const explanation = error.explanation;
  const message = error.message.trim();
  if (message === '' || message === explanation) return undefined;
  if (message.startsWith(explanation)) {
    const rest = message.slice(explanation.length).trim();
    const inner = /^\((.*)\)$/s.exec(rest)?.[1] ?? rest;
    return inner.trim() || undefined;
  }
  return message;
}

/** Label, description and tooltip of an error row; `hint` is the last tooltip line (what the user can do). */
export function errorRowText(error: MailError, hint = 'Use **Show Traffic** to see the conversation, **Refresh** to retry.'): ErrorRowText {
  const detail = errorDetail(error);
  const server = error.serverText?.trim() || undefined;
  const description = oneLine(server ?? detail ?? error.explanation);
  const lines = [`**${escapeMarkdown(error.explanation)}**`];
  if (detail) lines.push(escapeMarkdown(detail));
  if (server) lines.push(`Server said: \`${server.replace(/`/g, "'").replace(/\s+/g, ' ')}\``);
  const code = server ? serverCode(server) : undefined;
  if (code?.explanation) lines.push(`\`[${code.name}]\` means ${escapeMarkdown(code.explanation)}.`);
  if (hint) lines.push(hint);
  return { label: SHORT_LABELS[error.reason], description, tooltip: lines.join('\n\n') };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The response code in the server's words (`NO [TRYCREATE] …` of IMAP, `-ERR [IN-USE] …` of POP3), explained. */
export function serverCode(server: string): ResponseCode | undefined {
  return server.startsWith('-ERR') || server.startsWith('+OK') ? responseCode(server, 'pop3') : responseCode(`* ${server}`, 'imap');
}
