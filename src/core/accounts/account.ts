import { MailError } from '../errors';
import { normalizePin } from '../tls/certificateSummary';
import type { AccessMode } from '../write/mailWriter';

export type Protocol = 'imap' | 'pop3';
export type Security = 'tls' | 'starttls' | 'none';

/**
 * What a POP3 download does on the server afterwards (the account's `pop3.afterDownload`): keep everything (the
 * default), delete what was downloaded, or leave a copy for `leaveCopyDays` days after it was first downloaded.
 */
export type AfterDownload = { readonly policy: 'keep' } | { readonly policy: 'delete' } | { readonly policy: 'leaveCopy'; readonly days: number };

/** An account as stored in the `mailInspector.accounts` setting. The password is never part of it. */
export interface AccountDefinition {
  /** Stable identifier; also the SecretStorage key suffix and the URI authority. */
  id: string;
  /** Name shown in the tree. */
  label: string;
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  user: string;
  /** Accept a certificate that does not verify (self-signed, wrong name). Off unless the user opts in. */
  allowInvalidCertificate: boolean;
  /** A PEM file of certificate authorities trusted for this account besides the usual ones (a private CA). Read when connecting. */
  caFile?: string;
  /**
   * "sha256/AB:CD:…": the one server certificate trusted for this account ("Trust This Certificate").
   * It is accepted whatever its issuer and names; any other certificate is refused.
   */
  pinnedCertificate?: string;
  /** POP3 only: log in with APOP (MD5 digest) when the greeting carries a timestamp. */
  useApop: boolean;
  /** Read-only (the default: the core refuses every write) or read-write. Missing means read-only. */
  access?: AccessMode;
  /** POP3 only: what "Download Maildrop…" does on the server afterwards. Missing means keep. */
  afterDownload?: AfterDownload;
}

/** The account's access mode; an account written without one is read-only. */
export function accessOf(account: AccountDefinition): AccessMode {
  return account.access === 'read-write' ? 'read-write' : 'read-only';
}

/** The POP3 account's after-download policy; keep when none is set. */
export function afterDownloadOf(account: AccountDefinition): AfterDownload {
  return account.afterDownload ?? { policy: 'keep' };
}

export const DEFAULT_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
};

export function defaultPort(protocol: Protocol, security: Security): number {
  return DEFAULT_PORTS[protocol][security];
}

/** CR, LF and NUL would let a value inject protocol commands; they are refused before anything is sent. */
export function hasControlCharacters(value: string): boolean {
  return /[\r\n\0]/.test(value);
}

function str(raw: Record<string, unknown>, key: string): string | undefined {
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
}

/** Slug for ids: lower-case letters, digits and dashes. */
export function slugify(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'account';
}

/**
 * Validates one raw entry of the setting (which a person may have written by hand) and fills in defaults.
 * Throws a MailError('config') that says exactly what is wrong.
 */
export function parseAccount(input: unknown): AccountDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new MailError('config', 'An account must be an object.');
  }
  const raw = input as Record<string, unknown>;
  const protocol = str(raw, 'protocol') ?? 'imap';
  if (protocol !== 'imap' && protocol !== 'pop3') throw new MailError('config', `Unknown protocol "${protocol}": use "imap" or "pop3".`);
  const security = str(raw, 'security') ?? 'tls';
  if (security !== 'tls' && security !== 'starttls' && security !== 'none') {
    throw new MailError('config', `Unknown security "${security}": use "tls", "starttls" or "none".`);
  }
  const host = (str(raw, 'host') ?? '').trim();
  const user = str(raw, 'user') ?? '';
  if (!host) throw new MailError('config', 'The account has no host.');
  if (!user) throw new MailError('config', 'The account has no user name.');
  for (const [name, value] of [['host', host], ['user', user]] as const) {
    if (hasControlCharacters(value)) throw new MailError('config', `The ${name} contains a line break or NUL character.`);
  }
  if (/\s/.test(host)) throw new MailError('config', 'The host must not contain spaces.');
  const rawPort = raw['port'];
  const port = rawPort === undefined ? defaultPort(protocol, security) : rawPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MailError('config', `The port must be a whole number from 1 to 65535.`);
  }
  const label = (str(raw, 'label') ?? '').trim() || `${user}@${host}`;
  if (hasControlCharacters(label)) throw new MailError('config', 'The label contains a line break or NUL character.');
  const id = str(raw, 'id') ?? slugify(`${protocol}-${user}-${host}-${port}`);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw new MailError('config', `The id "${id}" may contain only lower-case letters, digits and dashes.`);
  const trust = parseTrust(raw);
  return {
    id,
    label,
    protocol,
    host,
    port,
    security,
    user,
    allowInvalidCertificate: raw['allowInvalidCertificate'] === true,
    ...trust,
    useApop: protocol === 'pop3' && raw['useApop'] === true,
    access: parseAccess(raw['access']),
    ...(protocol === 'pop3' ? { afterDownload: parseAfterDownload(raw['pop3']) } : {}),
  };
}

function parseAccess(value: unknown): AccessMode {
  if (value === undefined || value === null || value === 'read-only') return 'read-only';
  if (value === 'read-write') return 'read-write';
  throw new MailError('config', `Unknown access ${JSON.stringify(value)}: use "read-only" or "read-write".`);
}

/** `"pop3": { "afterDownload": "keep" | "delete" | "leaveCopy", "leaveCopyDays": 14 }`. */
function parseAfterDownload(value: unknown): AfterDownload {
  if (value === undefined || value === null) return { policy: 'keep' };
  if (typeof value !== 'object' || Array.isArray(value)) throw new MailError('config', 'The pop3 setting must be an object, e.g. { "afterDownload": "keep" }.');
  const raw = value as Record<string, unknown>;
  const policy = raw['afterDownload'] ?? 'keep';
  if (policy === 'keep') return { policy: 'keep' };
  if (policy === 'delete') return { policy: 'delete' };
  if (policy === 'leaveCopy') {
    const days = raw['leaveCopyDays'] ?? 14;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) throw new MailError('config', 'pop3.leaveCopyDays must be a whole number of days from 1 to 3650.');
    return { policy: 'leaveCopy', days };
  }
  throw new MailError('config', `Unknown pop3.afterDownload ${JSON.stringify(policy)}: use "keep", "delete" or "leaveCopy".`);
}

/** `caFile` and `pinnedCertificate`, checked; an empty value means "not set". */
function parseTrust(raw: Record<string, unknown>): Pick<AccountDefinition, 'caFile' | 'pinnedCertificate'> {
  const result: Pick<AccountDefinition, 'caFile' | 'pinnedCertificate'> = {};
  const caFile = raw['caFile'];
  if (caFile !== undefined && caFile !== null && caFile !== '') {
    if (typeof caFile !== 'string' || !caFile.trim()) throw new MailError('config', 'The caFile must be the path of a PEM file.');
    if (hasControlCharacters(caFile)) throw new MailError('config', 'The caFile contains a line break or NUL character.');
    result.caFile = caFile.trim();
  }
  const pin = raw['pinnedCertificate'];
  if (pin !== undefined && pin !== null && pin !== '') {
    const normalized = typeof pin === 'string' ? normalizePin(pin) : undefined;
    if (!normalized) {
      throw new MailError('config', `The pinnedCertificate ${JSON.stringify(pin)} is not a SHA-256 fingerprint: write it as "sha256/AB:CD:…" (32 pairs of hex digits).`);
    }
    result.pinnedCertificate = normalized;
  }
  return result;
}

/** Parses the whole setting; invalid entries are reported, not dropped silently. */
export function parseAccounts(input: unknown): { accounts: AccountDefinition[]; problems: { index: number; error: MailError }[] } {
  const accounts: AccountDefinition[] = [];
  const problems: { index: number; error: MailError }[] = [];
  if (!Array.isArray(input)) return { accounts, problems };
  const seen = new Set<string>();
  input.forEach((entry, index) => {
    try {
      const account = parseAccount(entry);
      if (seen.has(account.id)) throw new MailError('config', `Two accounts share the id "${account.id}".`);
      seen.add(account.id);
      accounts.push(account);
    } catch (error) {
      problems.push({ index, error: MailError.is(error) ? error : new MailError('config', String(error)) });
    }
  });
  return { accounts, problems };
}
