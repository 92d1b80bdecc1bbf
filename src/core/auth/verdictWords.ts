import type { DkimKeyRecord, SignatureTags } from './dkimTags';
import type { DnsQuery } from './dnsLookups';

// mailauth's short comments ("body hash did not verify", "no key") turned into what happened and what it
// usually means, for the report.

function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Why a DKIM signature did not pass, in words; undefined when it passed without remark. */
export function dkimWhy(result: string, comment: string | undefined, tags: SignatureTags, key: DkimKeyRecord | undefined, unmatched: boolean): string | undefined {
  const where = tags.selector && tags.domain ? `${tags.selector}._domainkey.${tags.domain}` : 'the key record';
  if (unmatched) return 'The signature could not be read (a required tag is missing or malformed): it was not verified.';
  if (key?.revoked) return `Key revoked: the record at ${where} has an empty p=, so the signer withdrew this key; signatures made with it no longer verify.`;
  switch (comment) {
    case undefined:
      if (result === 'pass') return key?.testing ? `Passes, but the domain is testing DKIM (t=y in ${where}): receivers must not treat its mail differently for the result.` : undefined;
      break;
    case 'body hash did not verify':
      return `Body modified: the body as received does not hash to bh= (the body changed after signing: a footer or disclaimer added, line ends or encoding rewritten)${tags.bodyLength !== undefined ? `; only the first ${tags.bodyLength} bytes were signed (l=)` : ''}.`;
    case 'bad signature':
      return `Header changed: the body hash matches, but the signature does not verify over the signed header fields (${tags.signedHeaders.join(', ')}): one of them was changed or re-encoded after signing, or the key at ${where} is not the one it was signed with.`;
    case 'no key':
      return `Key not found: there is no TXT record at ${where}.`;
    case 'expired':
      return `Expired: the signature's x= (${tags.expiresAt ? utc(tags.expiresAt) : '?'}) is in the past.`;
    case 'invalid expiration':
      return 'Invalid expiration: x= is earlier than the signing time t=.';
    case 'unknown key version':
      return `The key record at ${where} has a v= other than DKIM1.`;
    case 'unknown key type':
      return `The key at ${where} is not an RSA or Ed25519 key, or its k= does not match the key.`;
    case 'invalid public key':
      return `The key record at ${where} has no usable public key (p= missing or not base64).`;
  }
  if (result === 'policy') return `The key at ${where} is too short (below 1024 bits): the signature is refused by policy.`;
  if (result === 'temperror') return `Could not be checked: ${comment ?? 'the key could not be fetched'} (the body hash was still compared).`;
  return comment ? `${comment}.` : undefined;
}

/** The SPF records among a check's queries, in the order they were fetched: the domain's, then include:/redirect= targets. */
export function spfRecordsOf(queries: readonly DnsQuery[]): { name: string; record: string }[] {
  const chain: { name: string; record: string }[] = [];
  for (const q of queries) {
    if (q.type !== 'TXT') continue;
    for (const answer of q.answers) if (/^v=spf1(\s|$)/i.test(answer.trim())) chain.push({ name: q.name, record: answer.trim() });
  }
  return chain;
}
