/**
 * What the redactor knows to look for besides what it recognises by shape (addresses, IP addresses, dotted host
 * names): the accounts' host names and user names, which may have no dot or no @ at all ("mailhost", "alice").
 */
export interface RedactionSeeds {
  readonly hosts: readonly string[];
  readonly users: readonly string[];
}

type Kind = 'host' | 'user' | 'address';

const PLACEHOLDER = String.raw`(?:host|user)-\d+|address-\d+@example\.invalid|NIL "address-\d+" "example\.invalid"\)`;
/** An address as IMAP's ENVELOPE writes it: `("Name" NIL "mailbox" "host")` (the last two are captured). */
const ENVELOPE_ADDRESS = String.raw`NIL "([^"\\\s]+)" "([^"\\\s]+)"\)`;
const EMAIL = String.raw`[A-Za-z0-9._%+'-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}`;
const IPV4 = String.raw`(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]*\w)`;
/** Eight groups, or a "::" form; never part of a longer colon run (a certificate fingerprint, a clock time). */
const IPV6 = String.raw`(?<![:\w])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?|::1)(?![:\w])`;
/**
 * A dotted name whose last label is lower-case letters: "imap.example.com", "mx1.Mail.example.org". Upper-case
 * last labels are protocol words (BODY.PEEK, RFC822.SIZE), which stay.
 */
const FQDN = String.raw`(?<![\w.@/\\-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[a-z]{2,63}(?![\w-])`;

/** Dotted words that are not host names: our settings' keys, file names, the placeholders' own domain. */
const NOT_A_HOST = /^(?:mailInspector\..*|example\.invalid|.*\.(?:js|ts|mjs|cjs|json|md|txt|log|eml|pem|crt|key|pdf|png|jpe?g|gif|svg|html?|css|csv|xml|zip|gz|bin|exe|docx?|xlsx?|pptx?|ics|vcf|asc|sig|p7s|p7m))$/i;

/** A literal name as a pattern that matches it in any case (the pattern as a whole is case-sensitive: see FQDN). */
function anyCase(text: string): string {
  return [...text].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
}

/**
 * Replaces host names, user names and e-mail addresses by placeholders (`host-1`, `user-1`,
 * `address-1@example.invalid`), the same value by the same placeholder throughout, so a report still shows which
 * lines speak of the same server or person. Addresses and dotted host names are found by their shape; the seeds
 * add names without a dot or an @. A text already redacted keeps its placeholders.
 */
export class Redactor {
  private readonly pattern: RegExp;
  private readonly hosts: ReadonlySet<string>;
  private readonly users: ReadonlySet<string>;
  private readonly given = new Map<string, string>();
  private readonly next: Record<Kind, number> = { host: 0, user: 0, address: 0 };

  constructor(seeds: RedactionSeeds) {
    const hosts = new Set(['localhost', ...seeds.hosts].map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0));
    const users = new Set<string>();
    for (const user of seeds.users) {
      const u = user.trim();
      if (u.length === 0) continue;
      users.add(u.toLowerCase());
      // "alice@example.com" logs in as an address, but its local part alone may appear too (a path, a greeting).
      const local = u.includes('@') ? u.slice(0, u.lastIndexOf('@')) : undefined;
      if (local && local.length >= 2) users.add(local.toLowerCase());
    }
    this.hosts = hosts;
    this.users = users;
    const known = [...hosts, ...users].sort((a, b) => b.length - a.length).map(anyCase);
    const knownPattern = known.length > 0 ? `(?<![A-Za-z0-9])(?:${known.join('|')})(?![A-Za-z0-9])` : undefined;
    const alternatives = [PLACEHOLDER, ENVELOPE_ADDRESS, EMAIL, ...(knownPattern ? [knownPattern] : []), IPV4, IPV6, FQDN];
    this.pattern = new RegExp(alternatives.map((a) => `(${a})`).join('|'), 'g');
  }

  redact(text: string): string {
    return text.replace(this.pattern, (match: string, placeholder?: string, envelope?: string, mailbox?: string, domain?: string, email?: string) => {
      if (placeholder) return match;
      if (envelope && mailbox && domain) {
        const shown = this.placeholder('address', `${mailbox}@${domain}`);
        return `NIL "${shown.slice(0, shown.indexOf('@'))}" "example.invalid")`;
      }
      if (email) return this.placeholder('address', match);
      const lower = match.toLowerCase();
      if (this.users.has(lower) && !this.hosts.has(lower)) return this.placeholder('user', match);
      if (this.hosts.has(lower) || !NOT_A_HOST.test(match)) return this.placeholder('host', match);
      return match;
    });
  }

  /** How many distinct values of each kind were replaced. */
  get counts(): Readonly<Record<Kind, number>> {
    return { ...this.next };
  }

  private placeholder(kind: Kind, value: string): string {
    const key = `${kind}\0${value.toLowerCase()}`;
    let shown = this.given.get(key);
    if (!shown) {
      const n = ++this.next[kind];
      shown = kind === 'address' ? `address-${n}@example.invalid` : `${kind}-${n}`;
      this.given.set(key, shown);
    }
    return shown;
  }
}
