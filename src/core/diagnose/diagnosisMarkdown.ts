import { formatBytes } from '../format';
import { tlsVersionName } from './diagnosisFindings';
import type { Diagnosis, FolderFacts } from './diagnosisTypes';
import type { ChainCertificate } from './tlsFacts';

const MARK = { error: '❌ **error**', warning: '⚠️ **warning**', info: 'ℹ️ info' } as const;
const SECURITY = { tls: 'TLS', starttls: 'STARTTLS', none: 'no TLS' } as const;

/** Server text in a code span, as written (a backtick run in it gets a longer fence; long text is cut). */
function code(value: string): string {
  const body = value.length > 400 ? `${value.slice(0, 400)}…` : value;
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

/** A code span inside a table row: GFM ends a cell at any "|", even in code, unless escaped. */
function codeCell(value: string): string {
  return code(value).replace(/\|/g, '\\|');
}

/** Plain text in a table cell or list item: Markdown characters escaped, pipes too. */
function text(value: string): string {
  return value.replace(/[\\`*_[\]<>|]/g, '\\$&');
}

function list(values: readonly string[] | undefined): string {
  return values === undefined ? '(not asked)' : values.length === 0 ? '(none)' : values.map(code).join(' ');
}

/**
 * The diagnosis as a Markdown report: findings first (what to do), then each section in the order the
 * steps ran, the timing last. Everything the server said is in code spans, so it shows as written.
 */
export function diagnosisMarkdown(d: Diagnosis): string {
  const { target } = d;
  const out: string[] = [];
  const name = target.protocol.toUpperCase();
  out.push(`# Diagnosis: ${name} ${text(target.host)}:${target.port} (${SECURITY[target.security]})`, '');
  out.push(`Run ${d.startedAt.toISOString()}, ${d.totalMs} ms${target.user ? `, user ${code(target.user)}` : ', no user (stopped before login)'}.`, '');
  if (d.stopped) out.push(`> Stopped: ${text(d.stopped)}`, '');

  out.push('## Findings', '');
  if (d.findings.length === 0) out.push('Nothing to report: the server looks well configured.');
  for (const f of d.findings) out.push(`- ${MARK[f.severity]}: ${text(f.text)}`);
  out.push('');

  if (d.resolution) {
    const r = d.resolution;
    out.push('## Name resolution and TCP', '');
    out.push(r.literal ? `${code(target.host)} is an address: nothing to look up.` : `${code(target.host)} resolved in ${r.ms} ms${r.error ? `: ${text(r.error)}` : ` to ${r.addresses.length} ${r.addresses.length === 1 ? 'address' : 'addresses'}`}.`, '');
    if (r.addresses.length > 0) {
      out.push('| Address | Family | TCP connect to port ' + target.port + ' |', '|---|---|---|');
      for (const a of r.addresses) out.push(`| ${codeCell(a.address)} | IPv${a.family} | ${a.connectMs !== undefined ? `${a.connectMs} ms` : `failed: ${text(a.error ?? 'unknown')}`} |`);
      out.push('');
    }
  }

  if (d.tls) {
    const t = d.tls;
    out.push('## TLS', '');
    const upgrade = target.protocol === 'imap' ? 'STARTTLS' : 'STLS';
    out.push(`- Mode: ${t.mode === 'implicit' ? 'TLS from the first byte' : t.mode === 'starttls' ? `upgraded with ${upgrade}` : 'none (the connection stayed in plain text)'}`);
    if (t.upgradeOffered !== undefined) out.push(`- ${upgrade} offered: ${t.upgradeOffered ? 'yes' : 'no'}`);
    if (t.required !== undefined) out.push(`- TLS required before login: ${t.required ? 'yes' : 'no (a password is accepted in plain text)'}`);
    if (t.facts) {
      const f = t.facts;
      out.push(`- Protocol: ${code(f.protocol)}, cipher ${code(f.cipher)}, ALPN ${f.alpn ? code(f.alpn) : 'none'}`);
      out.push(`- Chain verified: ${f.chainTrusted ? 'yes' : `no — ${text(f.chainProblem ?? 'unknown')}`}`);
      out.push(`- Host name ${code(target.host)} matches the certificate: ${f.hostnameMatches ? 'yes' : `no — ${text(f.hostnameProblem ?? '')}`}`);
      if (t.verdict) out.push(`- This account's trust rules: ${t.accepted ? 'accepted' : 'refused'} — ${text(t.verdict)}`);
      out.push('', '| # | Subject | Issuer | Names | Valid | Days left | Key | SHA-256 |', '|---|---|---|---|---|---|---|---|');
      f.chain.forEach((c, i) => out.push(chainRow(c, i)));
    }
    if (t.weakVersions.length > 0) {
      out.push('', '| Old version offered alone | Accepted |', '|---|---|');
      for (const w of t.weakVersions) out.push(`| ${tlsVersionName(w.version)} | ${w.accepted === undefined ? `not tested: ${text(w.note ?? '')}` : w.accepted ? '**yes**' : `no${w.note ? ` (${text(w.note)})` : ''}`} |`);
    }
    out.push('');
  }

  if (d.greeting !== undefined) out.push('## Greeting', '', code(d.greeting), '');

  if (d.imap) {
    const i = d.imap;
    out.push('## IMAP', '');
    if (i.capabilitiesBeforeTls) out.push(`- CAPABILITY before TLS: ${list(i.capabilitiesBeforeTls)}`);
    if (i.capabilitiesAfterTls) out.push(`- CAPABILITY ${i.capabilitiesBeforeTls ? 'after STARTTLS' : 'before login'}: ${list(i.capabilitiesAfterTls)}`);
    out.push(`- CAPABILITY after login: ${list(i.capabilitiesAfterLogin)}`);
    if (i.id) out.push(`- ID: ${Object.entries(i.id).map(([k, v]) => `${text(k)} ${code(v)}`).join(', ')}`);
    if (i.namespace) out.push(`- NAMESPACE: ${code(i.namespace)}`);
    if (i.enableAsked) out.push(`- ENABLE ${i.enableAsked.length ? i.enableAsked.join(' ') : '(nothing to enable)'}: enabled ${list(i.enabled ?? [])}`);
    if (i.quota && i.quota.length > 0) out.push(`- GETQUOTAROOT INBOX: ${i.quota.map(code).join(' ')}`);
    if (i.quotaNote) out.push(`- Quota: ${text(i.quotaNote)}`);
    out.push('');
    if (i.folders) out.push(...foldersTable(i.folders, i.foldersNote));
  }

  if (d.pop3) {
    const p = d.pop3;
    out.push('## POP3', '');
    if (p.capaUnsupported) out.push('- CAPA: not supported (an RFC 1939-only server)');
    if (p.capaBeforeTls) out.push(`- CAPA before TLS: ${list(p.capaBeforeTls)}`);
    if (p.capaAfterTls) out.push(`- CAPA ${p.capaBeforeTls ? 'after STLS' : 'before login'}: ${list(p.capaAfterTls)}`);
    out.push(`- CAPA after login: ${list(p.capaAfterLogin)}`);
    out.push(`- SASL mechanisms: ${list(p.saslMechanisms)}`);
    out.push(`- APOP: ${p.apopTimestamp ? `offered, timestamp ${code(p.apopTimestamp)}` : 'not offered (no timestamp in the greeting)'}`);
    out.push(`- UIDL: ${yesNo(p.uidl)}; TOP: ${yesNo(p.top)}`);
    out.push(`- EXPIRE: ${p.expire ? `${code(p.expire.value)} — ${text(p.expire.words)}` : 'not announced'}`);
    out.push(`- LOGIN-DELAY: ${p.loginDelay ? `${code(p.loginDelay.value)} — ${text(p.loginDelay.words)}` : 'not announced'}`);
    if (p.implementation) out.push(`- IMPLEMENTATION: ${code(p.implementation)}`);
    out.push('');
  }

  if (d.login) {
    out.push('## Login', '');
    if (d.login.offered) out.push(`Offered: ${d.login.offered.length > 0 ? d.login.offered.map(code).join(' ') : 'nothing (no way to log in here)'}`, '');
    if (d.login.skipped) out.push(`Not tried: ${text(d.login.skipped)}`, '');
    if (d.login.attempts.length > 0) {
      out.push('| Mechanism | Result | Server\'s answer | Time |', '|---|---|---|---|');
      for (const a of d.login.attempts) out.push(`| ${a.mechanism} | ${a.ok ? 'accepted' : '**refused**'} | ${codeCell(a.answer)}${a.decoded ? ` — ${text(a.decoded)}` : ''} | ${a.ms} ms |`);
      out.push('');
    }
  }

  out.push('## Timing', '', '| Step | Time |', '|---|---|');
  for (const s of d.steps) out.push(`| ${text(s.step)} | ${s.ms} ms${s.error ? ` — failed: ${text(s.error)}` : ''} |`);
  out.push('', `Total: ${d.totalMs} ms.`, '');
  return out.join('\n');
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? 'unknown' : value ? 'yes' : '**no**';
}

function chainRow(c: ChainCertificate, i: number): string {
  const days = c.daysToExpiry < 0 ? `expired ${-c.daysToExpiry} days ago` : String(c.daysToExpiry);
  const valid = `${c.validFrom.toISOString().slice(0, 10)} → ${c.validTo.toISOString().slice(0, 10)}`;
  return `| ${i} | ${codeCell(c.subject)}${c.selfSigned ? ' (self-signed)' : ''} | ${codeCell(c.issuer)} | ${c.altNames ? codeCell(c.altNames) : '—'} | ${valid} | ${days} | ${c.key} | ${codeCell(c.fingerprint)} |`;
}

function foldersTable(folders: readonly FolderFacts[], note: string | undefined): string[] {
  const out = ['### Folders', ''];
  if (folders.length === 0) return [...out, '(none listed)', ''];
  const withSize = folders.some((f) => f.size !== undefined);
  out.push(`| Folder | Special use | Messages |${withSize ? ' Size |' : ''}`, `|---|---|---|${withSize ? '---|' : ''}`);
  for (const f of folders) {
    const special = f.specialUse ? codeCell(f.specialUse) : f.flags.some((x) => /^\\Noselect$/i.test(x)) ? '(not selectable)' : '';
    out.push(`| ${codeCell(f.name)} | ${special} | ${f.messages ?? ''} |${withSize ? ` ${f.size !== undefined ? formatBytes(f.size) : ''} |` : ''}`);
  }
  const total = folders.reduce((sum, f) => sum + (f.size ?? 0), 0);
  if (withSize) out.push('', `Total size: ${formatBytes(total)} in ${folders.reduce((n, f) => n + (f.messages ?? 0), 0)} messages.`);
  if (note) out.push('', text(note));
  out.push('');
  return out;
}
