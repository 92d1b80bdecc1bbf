// DKIM tag lists (RFC 6376 3.2): "tag=value; tag=value", whitespace allowed around and inside values. Used
// for what mailauth does not hand back: a signature's t= and x= dates and l=, and a key record's flags
// (t=y testing, t=s strict, an empty p= for a revoked key).

/** Tags by lower-case name, values with their whitespace removed. */
export function parseTagList(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    if (name && !tags.has(name)) tags.set(name, part.slice(at + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** The facts of a DKIM key record (the TXT at selector._domainkey.domain). */
export interface DkimKeyRecord {
  readonly record: string;
  /** k=, "rsa" when absent. */
  readonly keyType: string;
  /** p= is present but empty: the signer withdrew the key. */
  readonly revoked: boolean;
  /** t=y: the domain is testing DKIM; verifiers must not treat its mail differently whatever the result. */
  readonly testing: boolean;
  /** t=s: the i= of a signature must be the d= domain itself, not a subdomain. */
  readonly strictSubdomains: boolean;
  /** h=, the hash algorithms allowed (all when absent). */
  readonly hashes?: string;
  /** s=, the service types (all, "*", when absent). */
  readonly services?: string;
  readonly notes?: string;
}

export function parseKeyRecord(record: string): DkimKeyRecord {
  const tags = parseTagList(record);
  const flags = (tags.get('t') ?? '').split(':').map((f) => f.trim().toLowerCase());
  const optional = (name: string, key: 'hashes' | 'services' | 'notes'): Partial<DkimKeyRecord> => (tags.has(name) ? { [key]: tags.get(name) } : {});
  return {
    record,
    keyType: (tags.get('k') || 'rsa').toLowerCase(),
    revoked: tags.has('p') && tags.get('p') === '',
    testing: flags.includes('y'),
    strictSubdomains: flags.includes('s'),
    ...optional('h', 'hashes'),
    ...optional('s', 'services'),
    ...optional('n', 'notes'),
  };
}

/** The tags of one DKIM-Signature field that the report shows besides mailauth's result. */
export interface SignatureTags {
  readonly domain?: string;
  readonly selector?: string;
  readonly algorithm?: string;
  readonly canonicalization: string;
  readonly signedHeaders: readonly string[];
  readonly signedAt?: Date;
  readonly expiresAt?: Date;
  /** l=: only this many body bytes are signed (the rest may be anything). */
  readonly bodyLength?: number;
  readonly identity?: string;
  /** The b= value, for matching the field to mailauth's result. */
  readonly signature: string;
}

function date(seconds: string | undefined): Date | undefined {
  return seconds && /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : undefined;
}

export function parseSignatureTags(value: string): SignatureTags {
  const tags = parseTagList(value);
  const signedAt = date(tags.get('t'));
  const expiresAt = date(tags.get('x'));
  const l = tags.get('l');
  const canonicalization = (tags.get('c') || 'simple/simple').toLowerCase();
  const optional = <K extends keyof SignatureTags>(key: K, v: SignatureTags[K] | undefined): Partial<SignatureTags> => (v === undefined || v === '' ? {} : { [key]: v });
  return {
    ...optional('domain', tags.get('d')),
    ...optional('selector', tags.get('s')),
    ...optional('algorithm', tags.get('a')),
    // c=relaxed alone means relaxed headers and simple body.
    canonicalization: canonicalization.includes('/') ? canonicalization : `${canonicalization}/simple`,
    signedHeaders: (tags.get('h') ?? '').split(':').map((h) => h.trim()).filter((h) => h !== ''),
    ...optional('signedAt', signedAt),
    ...optional('expiresAt', expiresAt),
    ...optional('bodyLength', l && /^\d+$/.test(l) ? Number(l) : undefined),
    ...optional('identity', tags.get('i')),
    signature: tags.get('b') ?? '',
  };
}
