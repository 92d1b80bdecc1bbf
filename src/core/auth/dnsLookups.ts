// DNS for the authentication checks. Every lookup goes through a resolver the core is handed (Node's
// `dns.promises.Resolver`, aimed at the servers the user chose), answers are kept for the session, and each
// check's queries are written down with their answers so the report can list exactly what was looked up.

/** The part of `dns.promises.Resolver` the checks use: `resolve(name, type)`. */
export interface DnsSource {
  resolve(name: string, type: string): Promise<unknown>;
}

/** The check a DNS query was made for. */
export type AuthCheck = 'DKIM' | 'SPF' | 'DMARC' | 'ARC' | 'BIMI';

/** One query as the report lists it. */
export interface DnsQuery {
  readonly check: AuthCheck;
  readonly name: string;
  readonly type: string;
  /** The records, each as text (TXT strings joined, MX as "priority exchange"); empty for "no such record". */
  readonly answers: readonly string[];
  /** ENOTFOUND/ENODATA: the name or the record does not exist (an answer, not a failure). */
  readonly noRecord: boolean;
  /** Set when the lookup itself failed (no answer): the Node error code and what it means. */
  readonly failure?: { readonly code: string; readonly text: string };
  /** Answered from the session's cache, without asking the server again. */
  readonly cached: boolean;
  readonly ms: number;
}

type Outcome = { readonly records: unknown[] } | { readonly code: string; readonly message: string };

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

const FAILURES: Record<string, string> = {
  ECONNREFUSED: 'the DNS server refused the connection (nothing listens there)',
  ETIMEOUT: 'the DNS server did not answer in time',
  ESERVFAIL: 'the DNS server reported a failure (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query (REFUSED)',
  ECANCELLED: 'the query was cancelled',
  ECONNECTIONREFUSED: 'the DNS server refused the connection',
  EBADRESP: 'the DNS server sent a malformed reply',
  ENOTIMP: 'the DNS server does not implement this query',
  EFORMERR: 'the DNS server could not read the query',
};

/** What a failed lookup's code means, in words. */
export function dnsFailureText(code: string): string {
  return FAILURES[code] ?? `the lookup failed (${code})`;
}

/**
 * Answers shared by every check of a session (a VS Code window, or one test). Only answers are kept: a
 * failure is asked again next time, so a report made offline does not stay wrong once DNS is back.
 */
export class DnsCache {
  private readonly answers = new Map<string, Promise<Outcome>>();

  constructor(private readonly source: DnsSource) {}

  /** The outcome of a lookup and whether it came from the cache. */
  async lookup(name: string, type: string): Promise<{ outcome: Outcome; cached: boolean }> {
    const key = `${type.toUpperCase()} ${name.toLowerCase()}`;
    const known = this.answers.get(key);
    if (known) {
      const outcome = await known;
      if ('records' in outcome || NO_RECORD.has(outcome.code)) return { outcome, cached: true };
    }
    const asked = this.ask(name, type);
    this.answers.set(key, asked);
    const outcome = await asked;
    if (!('records' in outcome) && !NO_RECORD.has(outcome.code)) this.answers.delete(key);
    return { outcome, cached: false };
  }

  private async ask(name: string, type: string): Promise<Outcome> {
    try {
      const records = await this.source.resolve(name, type);
      return { records: Array.isArray(records) ? records : [] };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { code: typeof e.code === 'string' ? e.code : 'EUNKNOWN', message: e.message ?? String(error) };
    }
  }
}

/** An Error with the Node DNS code, as mailauth expects a resolver to throw. */
function dnsError(name: string, type: string, code: string, message: string): Error {
  return Object.assign(new Error(`${type} ${name}: ${message}`), { code });
}

/** Records as lines of text for the report. */
export function recordText(record: unknown): string {
  if (Array.isArray(record)) return record.map((chunk) => String(chunk)).join('');
  if (record && typeof record === 'object') {
    const r = record as Record<string, unknown>;
    if (typeof r.exchange === 'string') return `${String(r.priority)} ${r.exchange}`;
    return JSON.stringify(record);
  }
  return String(record);
}

/**
 * One report's lookups: hands each check a resolver that goes through the cache and notes every query. After
 * the first failure of the server itself (refused, timed out), later lookups fail at once with the same code:
 * a report made offline then takes one timeout, not one per record.
 */
export class DnsRecorder {
  readonly queries: DnsQuery[] = [];
  private down: { code: string; message: string } | undefined;

  constructor(private readonly cache: DnsCache) {}

  /** The resolver mailauth is given for one check. */
  resolverFor(check: AuthCheck): (name: string, type: string) => Promise<unknown[]> {
    return async (name, type) => {
      const started = Date.now();
      const { outcome, cached } = this.down ? { outcome: this.down, cached: false } : await this.cache.lookup(name, type);
      const ms = Date.now() - started;
      if ('records' in outcome) {
        this.queries.push({ check, name, type, answers: outcome.records.map(recordText), noRecord: false, cached, ms });
        return outcome.records;
      }
      if (NO_RECORD.has(outcome.code)) {
        this.queries.push({ check, name, type, answers: [], noRecord: true, cached, ms });
      } else {
        if (['ECONNREFUSED', 'ETIMEOUT', 'ECONNECTIONREFUSED'].includes(outcome.code)) this.down = outcome;
        this.queries.push({ check, name, type, answers: [], noRecord: false, failure: { code: outcome.code, text: dnsFailureText(outcome.code) }, cached, ms });
      }
      throw dnsError(name, type, outcome.code, outcome.message);
    };
  }

  /** The first failed lookup of a check, if any: then the check could not run (fully). */
  failureOf(check: AuthCheck): DnsQuery | undefined {
    return this.queries.find((q) => q.check === check && q.failure !== undefined);
  }
}
