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
  protocol: 'The server sent a reply that could not be understood.',
};

/** A failure of a mail operation. Never carries credentials: only reason, explanation and the server's words. */
export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly reason: MailErrorReason,
    message?: string,
    /** What the server itself said, if it said anything. */
    readonly serverText?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? EXPLANATIONS[reason], options);
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

/** Maps Node socket/TLS errors (and library errors shaped like them) to a MailError. */
export function fromNodeError(err: unknown, fallback: MailErrorReason = 'protocol'): MailError {
  if (err instanceof MailError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const serverText = typeof e.responseText === 'string' ? e.responseText : undefined;
  let reason: MailErrorReason = fallback;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = 'dns';
  else if (code === 'ECONNREFUSED') reason = 'refused';
  else if (TIMEOUT_CODES.has(code) || /timed? ?out/i.test(message)) reason = 'timeout';
  else if (LIMIT_CODES.has(code)) reason = 'limit';
  else if (CERT_CODES.has(code) || /certificate/i.test(message)) reason = 'certificate';
  else if (e.authenticationFailed === true || code === 'AUTHENTICATIONFAILED') reason = 'auth';
  else if (e.tlsFailed === true || /STARTTLS|TLS|SSL/.test(message)) reason = 'tls';
  else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'NoConnection' || code === 'ClosedAfterConnectText' || code === 'ClosedAfterConnectTLS') reason = 'network';
  else if (/exceeds maximum allowed size|too large/i.test(message)) reason = 'limit';
  return new MailError(reason, `${EXPLANATIONS[reason]} (${message})`, serverText, { cause: err });
}
