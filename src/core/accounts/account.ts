import { MailError } from '../errors';
import { normalizePin } from '../tls/certificateSummary';

export type Protocol = 'imap' | 'pop3';
export type Security = 'tls' | 'starttls' | 'none';

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
  };
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
