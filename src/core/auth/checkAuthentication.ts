import { arc as verifyArc } from 'mailauth/lib/arc';
import { dkimVerify, type DkimSignatureResult, type DkimVerifyResult } from 'mailauth/lib/dkim/verify';
import { dmarc as verifyDmarc } from 'mailauth/lib/dmarc';
import { spf as verifySpf } from 'mailauth/lib/spf';
import { getDomain } from 'tldts';
import { parseMessageHeaders, type HeaderField } from '../mime/headers';
import { partTreeFromRaw } from '../mime/fromRawMessage';
import { receivedChain } from '../mime/receivedChain';
import type { ArcInstanceReport, ArcReport, AuthReport, BimiReport, DkimSignatureReport, DmarcReport, SpfReport } from './authReport';
import { parseAuthenticationResults } from './authenticationResults';
import { connectingClient } from './connectingClient';
import { parseKeyRecord, parseSignatureTags, parseTagList } from './dkimTags';
import { DnsCache, DnsRecorder, type AuthCheck } from './dnsLookups';
import { dkimWhy, spfRecordsOf } from './verdictWords';
import { compareVerdicts } from './compareVerdicts';
import { attachmentChecksums } from './partChecksums';
import { checkListUnsubscribe } from './listUnsubscribe';
import { htmlLinks } from './htmlLinks';

export interface AuthCheckOptions {
  /** The session's DNS answers (see DnsCache): every lookup goes through it. */
  readonly dns: DnsCache;
  /** The servers the cache's resolver asks, for the report ("the system's" when empty). */
  readonly dnsServers: readonly string[];
  /** Host names of the receiving servers whose Received and Authentication-Results fields are trusted. */
  readonly trustedReceivers: readonly string[];
  /** The time signatures' x= is compared with; now by default. */
  readonly now?: Date;
}

// tldts' options as mailauth uses them, so both find the same organisational domain.
const TLDTS = { allowIcannDomains: true, allowPrivateDomains: true };

/** The organisational domain (RFC 7489 3.2) by the Public Suffix List, as mailauth finds it. */
export function organisationalDomain(domain: string): string {
  return (getDomain(domain, TLDTS) ?? domain).toLowerCase();
}

function aligned(fromDomain: string, domain: string, strict: boolean): boolean {
  const [a, b] = [fromDomain.toLowerCase(), domain.toLowerCase()];
  return strict ? a === b : organisationalDomain(a) === organisationalDomain(b);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * Checks DKIM, SPF, DMARC, ARC and BIMI for a raw message with mailauth, through the given DNS cache, and sets
 * the receiving server's own Authentication-Results beside them. Never throws for a message: what cannot be
 * checked (no DNS, no client address, no From) is said in the report.
 */
export async function checkAuthentication(raw: Buffer, options: AuthCheckOptions): Promise<AuthReport> {
  const now = options.now ?? new Date();
  const headers = parseMessageHeaders(raw);
  const fields = headers.fields;
  const dns = new DnsRecorder(options.dns);

  // ARC-Message-Signature keys are fetched while the DKIM signatures are verified: tag them as ARC's.
  const arcKeys = new Set(fields.filter((f) => f.key === 'arc-message-signature').map((f) => keyName(parseTagList(f.value))));
  const dkimResolver = dns.resolverFor('DKIM');
  const arcResolver = dns.resolverFor('ARC');
  const dkim = await dkimVerify(raw, { resolver: (name, type) => (arcKeys.has(name.toLowerCase()) ? arcResolver(name, type) : dkimResolver(name, type)), curTime: now });

  const signatures = dkimReports(fields, dkim);
  const spf = await spfReport(fields, dkim, options.trustedReceivers, dns);
  const arc = await arcReport(dkim, dns);
  const dmarc = await dmarcReport(dkim, signatures, spf, arc, dns);
  const bimi = await bimiReport(fields, dmarc, dns);
  const server = compareVerdicts(fields.filter((f) => f.key === 'authentication-results').map((f, i) => parseAuthenticationResults(f.value, i)), options.trustedReceivers, {
    dkim: signatures,
    spf,
    dmarc,
    arc,
  });

  const tree = await partTreeFromRaw(raw);
  const notRun: { check: AuthCheck; why: string }[] = [];
  for (const check of ['DKIM', 'SPF', 'DMARC', 'ARC', 'BIMI'] as const) {
    const failed = dns.failureOf(check);
    if (failed?.failure) notRun.push({ check, why: `DNS lookup of ${failed.name} (${failed.type}) failed: ${failed.failure.text} (${failed.failure.code}).` });
  }
  if (spf.result === undefined && !notRun.some((n) => n.check === 'SPF')) notRun.push({ check: 'SPF', why: spf.client.why });
  if (dmarc.result === undefined && dmarc.fromProblem && !notRun.some((n) => n.check === 'DMARC')) notRun.push({ check: 'DMARC', why: dmarc.fromProblem });

  const from = fields.find((f) => f.key === 'from')?.decoded;
  return {
    checkedAt: now,
    ...(from !== undefined ? { from } : {}),
    dkim: signatures,
    spf,
    dmarc,
    arc,
    bimi,
    server,
    listUnsubscribe: checkListUnsubscribe(
      fields,
      dkim.results.filter((r) => r.status.result === 'pass' && r.signingDomain).map((r) => ({ domain: r.signingDomain ?? '', headers: signedHeaderNames(r) })),
    ),
    attachments: attachmentChecksums(raw, tree),
    deceptiveLinks: htmlLinks(raw, tree),
    dns: dns.queries,
    dnsServers: options.dnsServers,
    notRun,
  };
}

function keyName(tags: Map<string, string>): string {
  return `${tags.get('s') ?? ''}._domainkey.${tags.get('d') ?? ''}`.toLowerCase();
}

function signedHeaderNames(result: DkimSignatureResult): string[] {
  return (result.signingHeaders?.keys ?? '').split(':').map((k) => k.trim().toLowerCase()).filter((k) => k !== '');
}

function dkimReports(fields: readonly HeaderField[], dkim: DkimVerifyResult): DkimSignatureReport[] {
  const fromDomain = dkim.headerFrom?.length === 1 ? dkim.headerFrom[0].split('@').pop() : undefined;
  const results = dkim.results.filter((r) => r.status.result !== 'none' || r.signature !== undefined);
  return fields
    .filter((f) => f.key === 'dkim-signature')
    .map((field, i) => {
      const tags = parseSignatureTags(field.value);
      const result = results.find((r) => r.signature !== undefined && r.signature.replace(/\s+/g, '') === tags.signature);
      const key = result?.rr !== undefined ? { ...parseKeyRecord(result.rr), ...(bitsOf(result) !== undefined ? { bits: bitsOf(result) } : {}) } : undefined;
      const bodyMatches = result !== undefined && result.bodyHash !== undefined && result.bodyHash === result.bodyHashExpecting;
      const verdict = result?.status.result ?? 'neutral';
      const why = dkimWhy(verdict, result?.status.comment, tags, key, result === undefined);
      const domain = tags.domain;
      return {
        index: i + 1,
        ...(domain !== undefined ? { domain } : {}),
        ...(tags.selector !== undefined ? { selector: tags.selector } : {}),
        ...(tags.algorithm !== undefined ? { algorithm: tags.algorithm } : {}),
        canonicalization: tags.canonicalization,
        signedHeaders: tags.signedHeaders,
        ...(tags.signedAt ? { signedAt: tags.signedAt } : {}),
        ...(tags.expiresAt ? { expiresAt: tags.expiresAt } : {}),
        ...(tags.bodyLength !== undefined ? { bodyLength: tags.bodyLength } : {}),
        bodyHash: { matches: bodyMatches, ...(result?.bodyHash ? { computed: result.bodyHash } : {}), ...(result?.bodyHashExpecting ? { expected: result.bodyHashExpecting } : {}) },
        result: verdict,
        ...(why !== undefined ? { why } : {}),
        ...(tags.selector && domain ? { keyName: `${tags.selector}._domainkey.${domain}` } : {}),
        ...(key ? { key } : {}),
        alignedWithFrom: fromDomain !== undefined && domain !== undefined && aligned(fromDomain, domain, false),
      };
    });
}

function bitsOf(result: DkimSignatureResult): number | undefined {
  if (result.modulusLength) return result.modulusLength;
  return /^ed25519/i.test(result.algo ?? '') && result.rr ? 256 : undefined;
}

async function spfReport(fields: readonly HeaderField[], dkim: DkimVerifyResult, trusted: readonly string[], dns: DnsRecorder): Promise<SpfReport> {
  const client = connectingClient(receivedChain(fields), trusted);
  const returnPath = typeof dkim.envelopeFrom === 'string' && dkim.envelopeFrom !== '' ? dkim.envelopeFrom : undefined;
  const sender = returnPath ?? (client.helo ? `postmaster@${client.helo}` : undefined);
  const senderSource = returnPath
    ? 'the envelope sender, from the Return-Path field'
    : client.helo
      ? `no Return-Path field (a bounce, or not delivered yet): the HELO name ${client.helo} is checked, as RFC 7208 2.3 says`
      : 'no Return-Path field and no HELO name';
  if (!client.ip || !sender) return { client, ...(sender ? { sender } : {}), senderSource, chain: [] };
  const before = dns.queries.length;
  const result = await verifySpf({ sender, ip: client.ip, ...(client.helo ? { helo: client.helo } : {}), mta: 'mail-inspector', resolver: dns.resolverFor('SPF') });
  const comment = result.status.comment?.replace(/^mail-inspector: /, '');
  return {
    client,
    sender,
    senderSource,
    domain: result.domain,
    result: result.status.result,
    ...(comment ? { comment } : {}),
    chain: spfRecordsOf(dns.queries.slice(before)),
    ...(result.lookups ? { lookups: { count: result.lookups.count, limit: result.lookups.limit, void: result.lookups.void } } : {}),
  };
}

async function arcReport(dkim: DkimVerifyResult, dns: DnsRecorder): Promise<ArcReport> {
  const data = dkim.arc ?? {};
  const chain = Array.isArray(data.chain) ? data.chain : [];
  const tag = (h: { parsed?: Record<string, { value?: unknown } | undefined> } | undefined, name: string): string | undefined => text(h?.parsed?.[name]?.value);
  const last = data.lastEntry;
  const result = await verifyArc(data, { resolver: dns.resolverFor('ARC') });
  const instances: ArcInstanceReport[] = chain.map((set) => {
    const ams = set['arc-message-signature'];
    const signature = last && last.i === set.i ? last.messageSignature?.status.result : undefined;
    const aar = set['arc-authentication-results']?.original?.toString('utf8') ?? '';
    const seal = set['arc-seal'];
    return {
      instance: set.i,
      seal: { ...opt('domain', tag(seal, 'd')), ...opt('selector', tag(seal, 's')), ...opt('algorithm', tag(seal, 'a')), ...opt('cv', tag(seal, 'cv')) },
      messageSignature: { ...opt('domain', tag(ams, 'd')), ...opt('selector', tag(ams, 's')), ...opt('algorithm', tag(ams, 'a')), ...opt('result', signature) },
      authenticationResults: aar.replace(/^ARC-Authentication-Results:\s*/i, '').replace(/\r?\n[ \t]+/g, ' ').trim(),
    };
  });
  const comment = result.status.comment ?? (data.error ? data.error.message : undefined);
  return { instances, result: result.status.result, ...(comment ? { why: comment } : {}) };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

async function dmarcReport(dkim: DkimVerifyResult, signatures: readonly DkimSignatureReport[], spf: SpfReport, arc: ArcReport, dns: DnsRecorder): Promise<DmarcReport> {
  const froms = dkim.headerFrom ?? [];
  const empty = { orgRecord: false, spf: { mode: 'relaxed' as const, domains: [] }, dkim: { mode: 'relaxed' as const, domains: [] } };
  if (froms.length !== 1) return { ...empty, fromProblem: froms.length === 0 ? 'The message has no From address: DMARC cannot apply.' : `From holds ${froms.length} addresses: DMARC applies to one author only.` };
  const fromDomain = (froms[0].split('@').pop() ?? '').toLowerCase();
  const spfDomains = spf.result === 'pass' && spf.domain ? [spf.domain] : [];
  const dkimDomains = signatures.filter((s) => s.result === 'pass' && s.domain).map((s) => s.domain ?? '');
  const found = await verifyDmarc({
    headerFrom: froms[0],
    spfDomains,
    dkimDomains: dkimDomains.map((domain) => ({ domain })),
    arcResult: { status: { result: arc.result } },
    resolver: dns.resolverFor('DMARC'),
  });
  const record = found.rr;
  const tags = record ? parseTagList(record) : new Map<string, string>();
  const strictSpf = tags.get('aspf') === 's';
  const strictDkim = tags.get('adkim') === 's';
  // mailauth 4.9.5 hands its alignment check an options object where a boolean is expected, so strict mode
  // still accepts the organisational domain: alignment is decided here, by RFC 7489 3.1.
  const spfAligned = spfDomains.find((d) => aligned(fromDomain, d, strictSpf));
  const dkimAligned = dkimDomains.find((d) => aligned(fromDomain, d, strictDkim));
  // mailauth does not say where it found the record: it is the From domain's own when that lookup answered one.
  const orgRecord = record !== undefined && !dns.queries.some((q) => q.check === 'DMARC' && q.name.toLowerCase() === `_dmarc.${fromDomain}` && q.answers.some((a) => /^v=DMARC1\b/i.test(a.trim())));
  const base = {
    fromDomain,
    organisationalDomain: organisationalDomain(fromDomain),
    orgRecord,
    spf: { mode: strictSpf ? ('strict' as const) : ('relaxed' as const), domains: spfDomains, ...opt('aligned', spfAligned) },
    dkim: { mode: strictDkim ? ('strict' as const) : ('relaxed' as const), domains: dkimDomains, ...opt('aligned', dkimAligned) },
  };
  if (found.status.result === 'temperror') return { ...base };
  if (!record) return { ...base, result: 'none', disposition: `No DMARC record at _dmarc.${fromDomain} or _dmarc.${organisationalDomain(fromDomain)}: no policy applies.` };
  const pass = spfAligned !== undefined || dkimAligned !== undefined;
  const p = tags.get('p')?.toLowerCase();
  const sp = tags.get('sp')?.toLowerCase();
  const pct = tags.has('pct') ? Number(tags.get('pct')) : undefined;
  const policy = orgRecord && sp ? sp : p;
  const disposition = pass
    ? 'The message passes DMARC: no policy applies.'
    : `${policyWords(policy)}${orgRecord && sp ? ` (sp=${sp}: the subdomain policy, as ${fromDomain} is below ${organisationalDomain(fromDomain)}, whose record applies)` : orgRecord ? ` (p=${p ?? '?'} of ${organisationalDomain(fromDomain)}, which sets no sp=)` : ''}${pct !== undefined && pct < 100 ? `, to ${pct}% of failing mail (pct=${pct}); the rest gets the next milder treatment` : ''}.`;
  return { ...base, record, ...opt('p', p), ...opt('sp', sp), ...opt('pct', pct), result: pass ? 'pass' : 'fail', disposition };
}

function policyWords(policy: string | undefined): string {
  switch (policy) {
    case 'reject':
      return 'p=reject: a receiver following the policy rejects the message';
    case 'quarantine':
      return 'p=quarantine: a receiver following the policy delivers it as suspicious (the spam folder)';
    case 'none':
      return 'p=none: the domain only monitors; the message is delivered as usual (and reported)';
    default:
      return `the record's policy (${policy ?? 'no p='}) is not one RFC 7489 knows: treated as none`;
  }
}

async function bimiReport(fields: readonly HeaderField[], dmarc: DmarcReport, dns: DnsRecorder): Promise<BimiReport> {
  if (!dmarc.fromDomain) return { note: 'No single From domain: BIMI does not apply.' };
  const selector = parseTagList(fields.find((f) => f.key === 'bimi-selector')?.value ?? '').get('s') || 'default';
  const resolver = dns.resolverFor('BIMI');
  const names = [...new Set([`${selector}._bimi.${dmarc.fromDomain}`, `${selector}._bimi.${organisationalDomain(dmarc.fromDomain)}`])];
  for (const name of names) {
    try {
      const records = (await resolver(name, 'TXT')) as string[][];
      const record = records.map((r) => r.join('')).find((r) => /^v=BIMI1\b/i.test(r.trim()));
      if (record) {
        const enforced = dmarc.result === 'pass' && (dmarc.p === 'quarantine' || dmarc.p === 'reject') && (dmarc.pct ?? 100) === 100;
        return { name, record, ...(enforced ? {} : { note: 'Mail clients show the logo only when DMARC passes under p=quarantine or p=reject at pct=100.' }) };
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTFOUND' && code !== 'ENODATA') return { name, note: 'The BIMI lookup failed (see the DNS queries).' };
    }
  }
  return { note: `No BIMI record (${names.join(', ')}).` };
}
