import type { AuthReport, DkimSignatureReport } from './authReport';

// The "Check Authentication" report as Markdown: a summary first (ours beside the server's), then each
// check in detail, the extras, and every DNS query the checks made, so nothing is a black box.

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text from the message or DNS in inline code, so Markdown does not act on it. */
function code(text: string | undefined): string {
  if (text === undefined || text === '') return '—';
  const t = cell(text);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function utc(date: Date | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—';
}

function verdict(result: string | undefined): string {
  if (result === undefined) return '*could not run*';
  return result === 'pass' ? '**pass**' : `**${result}**`;
}

function dkimSection(out: string[], sig: DkimSignatureReport): void {
  out.push(`### Signature ${sig.index}: d=${cell(sig.domain ?? '?')} s=${cell(sig.selector ?? '?')} — ${verdict(sig.result)}`, '');
  if (sig.why) out.push(`> ${sig.why}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Domain (d=) | ${code(sig.domain)}${sig.alignedWithFrom ? ' (aligned with From)' : ' (not the From domain)'} |`);
  out.push(`| Selector (s=) | ${code(sig.selector)} |`);
  out.push(`| Algorithm (a=) | ${code(sig.algorithm)} |`);
  out.push(`| Canonicalisation (c=) | ${code(sig.canonicalization)} |`);
  out.push(`| Signed headers (h=) | ${code(sig.signedHeaders.join(':'))} |`);
  out.push(`| Signed at (t=) | ${utc(sig.signedAt)} |`);
  out.push(`| Expires (x=) | ${utc(sig.expiresAt)} |`);
  if (sig.bodyLength !== undefined) out.push(`| Body length (l=) | ${sig.bodyLength} bytes signed: anything after them is not covered |`);
  out.push(`| Body hash | ${sig.bodyHash.matches ? '**matches** bh=' : '**does not match** bh='} (computed ${code(sig.bodyHash.computed)}, bh= ${code(sig.bodyHash.expected)}) |`);
  out.push(`| Key record | ${code(sig.keyName)}: ${sig.key ? code(sig.key.record) : 'not fetched or not found'} |`);
  if (sig.key) {
    const flags = [
      `type ${sig.key.keyType}`,
      sig.key.bits !== undefined ? `${sig.key.bits} bits` : undefined,
      sig.key.revoked ? '**revoked** (empty p=)' : undefined,
      sig.key.testing ? '**testing** (t=y)' : undefined,
      sig.key.strictSubdomains ? 'no subdomains in i= (t=s)' : undefined,
      sig.key.hashes ? `hashes h=${sig.key.hashes}` : undefined,
      sig.key.services ? `services s=${sig.key.services}` : undefined,
    ].filter((f) => f !== undefined);
    out.push(`| Key | ${flags.join(', ')} |`);
  }
  out.push('');
}

/** The report as Markdown; `title` names the message. */
export function authMarkdown(title: string, report: AuthReport): string {
  const out: string[] = [`# Authentication of ${cell(title)}`, ''];
  out.push(`Checked ${utc(report.checkedAt)} by Mail Inspector (mailauth). From: ${code(report.from)}. DNS servers: ${report.dnsServers.length > 0 ? report.dnsServers.map(code).join(', ') : "the system's"}.`, '');

  const server = report.server;
  const theirs = (method: string): string => {
    const found = server.comparisons.filter((c) => c.method === method);
    if (found.length === 0) return '—';
    return found.map((c) => `${c.theirs ?? '—'}${c.agree ? '' : ' ⚠ **disagrees**'}`).join(', ');
  };
  out.push('## Summary', '', "| Check | Our result | Receiving server's result |", '|---|---|---|');
  out.push(`| DKIM | ${report.dkim.length === 0 ? 'none (not signed)' : report.dkim.map((s) => `${verdict(s.result)} (d=${cell(s.domain ?? '?')})`).join(', ')} | ${theirs('dkim')} |`);
  out.push(`| SPF | ${verdict(report.spf.result)} | ${theirs('spf')} |`);
  out.push(`| DMARC | ${verdict(report.dmarc.result)} | ${theirs('dmarc')} |`);
  out.push(`| ARC | ${verdict(report.arc.result)} | ${theirs('arc')} |`);
  out.push('');

  if (report.notRun.length > 0) {
    out.push('## Checks that could not run', '');
    for (const n of report.notRun) out.push(`- **${n.check}**: ${n.why}`);
    out.push('', 'Everything that needs no DNS is still shown: signature tags, body hashes, the header fields.', '');
  }

  out.push(`## DKIM (${report.dkim.length} signature${report.dkim.length === 1 ? '' : 's'})`, '');
  if (report.dkim.length === 0) out.push('The message has no DKIM-Signature field.', '');
  for (const sig of report.dkim) dkimSection(out, sig);

  const spf = report.spf;
  out.push(`## SPF — ${verdict(spf.result)}`, '');
  out.push(`- Connecting client: ${spf.client.ip ? code(spf.client.ip) : 'unknown'}${spf.client.helo ? `, HELO ${code(spf.client.helo)}` : ''}. ${spf.client.why}`);
  out.push(`- Sender checked: ${code(spf.sender)} (${spf.senderSource}).`);
  if (spf.comment) out.push(`- ${cell(spf.comment)}.`);
  if (spf.lookups) out.push(`- DNS lookups counted against the limit: ${spf.lookups.count} of ${spf.lookups.limit}; void lookups: ${spf.lookups.void} (RFC 7208 4.6.4).`);
  if (spf.chain.length > 0) {
    out.push('', 'Records evaluated, in order:', '', '| Name | Record |', '|---|---|');
    for (const r of spf.chain) out.push(`| ${code(r.name)} | ${code(r.record)} |`);
  }
  out.push('');

  const dmarc = report.dmarc;
  out.push(`## DMARC — ${verdict(dmarc.result)}`, '');
  if (dmarc.fromProblem) out.push(dmarc.fromProblem, '');
  else {
    out.push(`- From domain: ${code(dmarc.fromDomain)} (organisational domain ${code(dmarc.organisationalDomain)}).`);
    out.push(`- Record: ${dmarc.record ? `${code(dmarc.record)}${dmarc.orgRecord ? ` (found at _dmarc.${cell(dmarc.organisationalDomain)}, the organisational domain)` : ''}` : 'none found'}.`);
    if (dmarc.record) out.push(`- Policy p=${dmarc.p ?? '—'}, subdomain policy sp=${dmarc.sp ?? `(none: p applies)`}${dmarc.pct !== undefined ? `, pct=${dmarc.pct}` : ''}.`);
    out.push(`- SPF alignment (${dmarc.spf.mode}): ${dmarc.spf.aligned ? `aligned (${code(dmarc.spf.aligned)})` : `not aligned${dmarc.spf.domains.length ? ` (${dmarc.spf.domains.map(code).join(', ')})` : ' (no SPF pass)'}`}.`);
    out.push(`- DKIM alignment (${dmarc.dkim.mode}): ${dmarc.dkim.aligned ? `aligned (${code(dmarc.dkim.aligned)})` : `not aligned${dmarc.dkim.domains.length ? ` (${dmarc.dkim.domains.map(code).join(', ')})` : ' (no DKIM pass)'}`}.`);
    if (dmarc.disposition) out.push(`- Policy that would apply: ${dmarc.disposition}`);
    out.push('');
  }

  const arc = report.arc;
  out.push(`## ARC — ${verdict(arc.result)}`, '');
  if (arc.instances.length === 0) out.push('The message has no ARC sets.');
  else {
    if (arc.why) out.push(`> ${cell(arc.why)}`, '');
    out.push('| i= | Seal (d=, s=, a=, cv=) | Message signature (d=, s=, a=) | Authentication-Results |', '|---:|---|---|---|');
    for (const i of arc.instances) {
      const seal = `${code(i.seal.domain)} ${code(i.seal.selector)} ${code(i.seal.algorithm)} cv=${i.seal.cv ?? '?'}`;
      const ams = `${code(i.messageSignature.domain)} ${code(i.messageSignature.selector)} ${code(i.messageSignature.algorithm)}${i.messageSignature.result ? ` — ${verdict(i.messageSignature.result)}` : ''}`;
      out.push(`| ${i.instance} | ${seal} | ${ams} | ${code(i.authenticationResults)} |`);
    }
  }
  out.push('');

  out.push(`## Receiving server's Authentication-Results (${server.fields.length})`, '');
  if (server.fields.length === 0) out.push('The message carries no Authentication-Results field.', '');
  else {
    for (const f of server.fields) out.push(`${f.index + 1}. ${code(f.authservId)}: ${code(f.value)}`);
    out.push('');
    if (server.compared) {
      out.push(`Compared with field ${server.compared.index + 1}: ${server.compared.why}.`, '', '| Method | About | Ours | Theirs | |', '|---|---|---|---|---|');
      for (const c of server.comparisons) out.push(`| ${c.method} | ${code(c.subject)} | ${c.ours ?? '—'} | ${c.theirs ?? '—'} | ${c.agree ? 'agree' : '⚠ **disagree**'} |`);
      out.push('');
    } else out.push('No field was written by a trusted receiving host: nothing to compare with.', '');
  }

  out.push('## BIMI', '');
  out.push(report.bimi.record ? `${code(report.bimi.name)}: ${code(report.bimi.record)} (shown, not fetched further).` : (report.bimi.note ?? 'No BIMI record.'));
  if (report.bimi.record && report.bimi.note) out.push('', report.bimi.note);
  out.push('');

  const list = report.listUnsubscribe;
  out.push(`## List-Unsubscribe (RFC 8058 one-click: ${list.present ? (list.oneClick ? '**yes**' : '**no**') : 'no List-Unsubscribe field'})`, '');
  if (list.present) out.push(`URIs: ${list.uris.map(code).join(', ') || 'none'}`, '');
  for (const f of list.findings) out.push(`- ${f.ok ? '✓' : '✗'} ${cell(f.text)}`);
  out.push('');

  out.push(`## Attachments (${report.attachments.length})`, '');
  if (report.attachments.length > 0) {
    out.push('| Part | Name | Type | Size | SHA-256 | MD5 |', '|---|---|---|---:|---|---|');
    for (const a of report.attachments) out.push(`| ${a.section} | ${code(a.fileName)} | ${a.contentType} | ${a.size} | ${code(a.sha256)} | ${code(a.md5)} |`);
  } else out.push('No attachments.');
  out.push('');

  out.push(`## Links whose text shows another domain (${report.deceptiveLinks.length})`, '');
  if (report.deceptiveLinks.length > 0) {
    out.push('Listed, never fetched. A link that reads as one address and leads to another is a common phishing sign.', '', '| Part | Shown | Leads to | Target |', '|---|---|---|---|');
    for (const l of report.deceptiveLinks) out.push(`| ${l.section} | ${code(l.text)} | ${code(l.targetHost)} | ${code(l.href)} |`);
  } else out.push('None.');
  out.push('');

  out.push(`## DNS queries (${report.dns.length})`, '', '| Check | Name | Type | Answer | Time |', '|---|---|---|---|---:|');
  for (const q of report.dns) {
    const answer = q.failure ? `failed: ${q.failure.text} (${q.failure.code})` : q.noRecord ? 'no such record' : q.answers.map(code).join('<br>');
    out.push(`| ${q.check} | ${code(q.name)} | ${q.type} | ${answer} | ${q.cached ? 'cached' : `${q.ms} ms`} |`);
  }
  out.push('');
  return out.join('\n');
}
