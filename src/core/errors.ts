import type { CertificateSummary } from './tls/certificateSummary';

/** Why a mail operation failed, in terms a user can act on. */
export type MailErrorReason =
  | 'config' // the account definition is invalid
  | 'dns' // host name not found
  | 'refused' // nothing listens on that port
  | 'network' // the connection broke
  | 'timeout' // the server did not answer in time
  | 'tls' // TLS could not be negotiated, or STARTTLS/STLS was required and is unavailable
  | 'certificate' // the server's certificate was not trusted
  | 'auth' // the server rejected the credentials
  | 'inUse' // the POP3 maildrop is locked by another session
  | 'limit' // the server sent more than we agreed to hold
  | 'server' // the server answered NO/BAD/-ERR
  | 'notFound' // the folder or message no longer exists
  | 'cancelled' // the user cancelled
  | 'readOnly' // a write on an account (or session) that is read-only: nothing was sent
  | 'conflict' // another client changed the message since it was loaded (CONDSTORE UNCHANGEDSINCE)
  | 'unsupported' // the server (or the protocol) does not offer this
  | 'partial' // a write of several steps stopped part way: what was done and what was not is in the message
  | 'wrongPort' // the port speaks another protocol, or speaks it with (or without) TLS unlike the account
  | 'protocol'; // the server's reply made no sense

const EXPLANATIONS: Record<MailErrorReason, string> = {
  config: 'The settings or the request are not valid.',
  dns: 'The host name could not be found.',
  refused: 'The server refused the connection: nothing is listening on that host and port.',
  network: 'The connection to the server was lost.',
  timeout: 'The server did not answer in time.',
  tls: 'A secure (TLS) connection could not be established.',
  certificate: 'The server\'s certificate is not trusted.',
  auth: 'The server rejected the user name or password.',
  inUse: 'The mailbox is locked: another POP3 session (perhaps your mail client) is using it.',
  limit: 'The server sent more data than the configured limits allow.',
  server: 'The server reported an error.',
  notFound: 'The folder or message no longer exists on the server.',
  cancelled: 'The operation was cancelled.',
  readOnly: 'This account is read-only: nothing was changed on the server.',
  conflict: 'Changed by another client since you loaded it: nothing was overwritten.',
  unsupported: 'The server does not offer this.',
  partial: 'The change was only partly made.',
  wrongPort: 'Something else answers on that port.',
  protocol: 'The server sent a reply that could not be understood.',
};

/** What a user interface can offer on top of the message: trusting a certificate, entering a password. */
export type MailErrorDetail =
  | {
      readonly kind: 'certificate';
      readonly host: string;
      readonly port: number;
      /** The leaf certificate the server presented. */
      readonly presented: CertificateSummary;
      /** The account's pin, when the presented certificate is refused for not matching it. */
      readonly pinned?: string;
    }
  /** No password was given (the prompt was dismissed): nothing was sent. */
  | { readonly kind: 'noPassword' }
  /**
   * An IMAP message asked for by `{folder, UIDVALIDITY, UID}` whose folder now has another UIDVALIDITY (it was
   * deleted and re-created, or the server was restored): the same UID may name another message now.
   */
  | { readonly kind: 'staleGeneration'; readonly folder: string; readonly uidValidity: number; readonly current: number }
  /** STORE UNCHANGEDSINCE refused these messages: their flags now (nothing was overwritten). */
  | { readonly kind: 'conflict'; readonly folder: string; readonly messages: readonly { readonly id: string; readonly flags: readonly string[]; readonly modseq?: string }[] }
  /** A write of several steps (e.g. COPY then EXPUNGE) stopped part way: the steps done, and the one that failed. */
  | { readonly kind: 'partial'; readonly done: readonly string[]; readonly failed: string };

export interface MailErrorOptions {
  cause?: unknown;
  detail?: MailErrorDetail;
}

/** A failure of a mail operation. Never carries credentials: only reason, explanation and the server's words. */
export class MailError extends Error {
  override readonly name = 'MailError';
  readonly detail: MailErrorDetail | undefined;
  constructor(
    readonly reason: MailErrorReason,
    message?: string,
    /** What the server itself said, if it said anything. */
    readonly serverText?: string,
    options?: MailErrorOptions,
  ) {
    super(message ?? EXPLANATIONS[reason], options && 'cause' in options ? { cause: options.cause } : undefined);
    this.detail = options?.detail;
  }

  /** A plain explanation of the reason, for people. */
  get explanation(): string {
    return EXPLANATIONS[this.reason];
  }

  static is(value: unknown, reason?: MailErrorReason): value is MailError {
    return value instanceof MailError && (reason === undefined || value.reason === reason);
  }
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  responseText?: unknown;
  serverResponseCode?: unknown;
  responseStatus?: unknown;
  response?: unknown;
  executedCommand?: unknown;
  mailboxMissing?: unknown;
}

/**
 * The server's own words of an IMAP NO/BAD/BYE as imapflow hands them over, with the status and the response
 * code: `NO [NONEXISTENT] Mailbox doesn't exist: Nope`. imapflow's message is only "Command failed"; its
 * `responseText` drops the code, which is in `serverResponseCode` or in the parsed response's first section.
 */
function imapServerWords(e: ErrorLike): string | undefined {
  const status = typeof e.responseStatus === 'string' ? e.responseStatus.toUpperCase() : undefined;
  if (status !== 'NO' && status !== 'BAD' && status !== 'BYE') return undefined;
  const text = typeof e.responseText === 'string' ? e.responseText.trim() : '';
  const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode : sectionCode(e.response);
  return `${status}${code ? ` [${code}]` : ''}${text ? ` ${text}` : ''}`;
}

/** `[TRYCREATE]` of a parsed imapflow response (its first attribute's section), if any. */
function sectionCode(response: unknown): string | undefined {
  if (typeof response === 'string') return /^\S+\s+(?:NO|BAD|BYE)\s+\[([^\]]+)\]/i.exec(response)?.[1];
  const first = (response as { attributes?: { section?: { value?: unknown }[] }[] } | undefined)?.attributes?.[0];
  const section = first?.section;
  if (!Array.isArray(section) || section.length === 0) return undefined;
  return section.map((a) => String(a?.value ?? '')).join(' ').trim() || undefined;
}

/** The command imapflow ran, by name only ("EXAMINE", "UID FETCH"): its arguments may carry what is not ours to show. */
function commandName(e: ErrorLike): string | undefined {
  if (typeof e.executedCommand !== 'string') return undefined;
  const words = e.executedCommand.trim().split(/\s+/).slice(1);
  const name = words[0]?.toUpperCase() === 'UID' ? words.slice(0, 2).join(' ') : words[0];
  return name && /^[A-Za-z][A-Za-z. ]*$/.test(name) ? name.toUpperCase() : undefined;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'GREETING_TIMEOUT', 'CONNECT_TIMEOUT', 'LockTimeout']);
const LIMIT_CODES = new Set(['LiteralTooLarge', 'LineTooLarge', 'ResponseTooLarge', 'MAX_IMAP_NESTING_REACHED']);

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/**
 * Node 22.15+ and 23.10+ end certificate errors with "; if the root CA is installed locally, try
 * running Node.js with --use-system-ca": a command-line flag nobody can pass to VS Code's extension
 * host. It is cut off; the account's caFile and "Trust This Certificate" are what a user can do.
 */
const NODE_CA_HINT = /;?\s*if the root CA is installed locally,? try running Node(?:\.js)? with --use-system-ca\.?/i;

export function withoutNodeCaHint(message: string): string {
  return message.replace(NODE_CA_HINT, '');
}

/** Maps Node socket/TLS errors (and library errors shaped like them) to a MailError. */
export function fromNodeError(err: unknown, fallback: MailErrorReason = 'protocol'): MailError {
  if (err instanceof MailError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const words = imapServerWords(e);
  const command = words ? commandName(e) : undefined;
  // "Command failed" is imapflow's, not the server's: the server's words are in serverText; the message names the command.
  const raw = withoutNodeCaHint(typeof e.message === 'string' ? e.message : String(err));
  const message = words && raw === 'Command failed' ? (command ? `${command} was refused` : 'the command was refused') : raw;
  const serverText = words ?? (typeof e.responseText === 'string' ? e.responseText : undefined);
  let reason: MailErrorReason = fallback;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = 'dns';
  else if (code === 'ECONNREFUSED') reason = 'refused';
  else if (TIMEOUT_CODES.has(code) || /timed? ?out/i.test(message)) reason = 'timeout';
  else if (LIMIT_CODES.has(code)) reason = 'limit';
  else if (words && (e.mailboxMissing === true || /^\w+ \[(?:NONEXISTENT|TRYCREATE)\b/.test(words))) reason = 'notFound';
  else if (CERT_CODES.has(code) || /certificate/i.test(message)) reason = 'certificate';
  else if (e.authenticationFailed === true || code === 'AUTHENTICATIONFAILED') reason = 'auth';
  else if (e.tlsFailed === true || /STARTTLS|TLS|SSL/.test(message)) reason = 'tls';
  else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'NoConnection' || code === 'ClosedAfterConnectText' || code === 'ClosedAfterConnectTLS') reason = 'network';
  else if (/exceeds maximum allowed size|too large/i.test(message)) reason = 'limit';
  return new MailError(reason, `${EXPLANATIONS[reason]} (${message})`, serverText, { cause: err });
}
