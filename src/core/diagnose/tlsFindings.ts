import { TlsFacts } from './tlsFacts';

export type Severity = 'error' | 'warning' | 'info';

/** One finding of a diagnosis: how bad, what, and what to do, in plain words. */
export interface Finding {
  readonly severity: Severity;
  readonly text: string;
}

/** Days before expiry from which a certificate is flagged. */
export const EXPIRY_WARNING_DAYS = 30;

/** What the TLS facts mean for the user: expired, expiring soon, wrong name, self-signed, unknown issuer, old TLS. */
export function tlsFindings(facts: TlsFacts, host: string): Finding[] {
  const findings: Finding[] = [];
  const leaf = facts.chain[0];
  if (!leaf) return [{ severity: 'error', text: 'The server presented no certificate.' }];
  if (leaf.daysToExpiry < 0) findings.push({ severity: 'error', text: `The certificate expired ${-leaf.daysToExpiry} days ago (${day(leaf.validTo)}): clients refuse it; the server's administrator must renew it.` });
  else if (leaf.daysToExpiry <= EXPIRY_WARNING_DAYS) findings.push({ severity: 'warning', text: `The certificate expires in ${leaf.daysToExpiry} days (${day(leaf.validTo)}): renew it before clients start refusing it.` });
  if (leaf.validFrom.getTime() > Date.now()) findings.push({ severity: 'error', text: `The certificate is not valid before ${day(leaf.validFrom)}: check the server's clock, or the certificate's dates.` });
  if (!facts.hostnameMatches) findings.push({ severity: 'error', text: `The certificate is not issued for ${host} (it names ${leaf.altNames ?? leaf.subject}): connect with a name it lists, or get a certificate for this name.` });
  if (leaf.selfSigned && facts.chainTrusted) findings.push({ severity: 'info', text: 'The certificate is self-signed, and trusted because it is among the certificates this account trusts (its caFile).' });
  else if (leaf.selfSigned) findings.push({ severity: 'warning', text: 'The certificate is self-signed: nobody but the server vouches for it. Pin it after checking its fingerprint (Trust This Certificate…), or use one issued by a certificate authority.' });
  else if (!facts.chainTrusted && facts.chainProblem && !/expired|not issued for|not valid yet/.test(facts.chainProblem)) {
    findings.push({ severity: 'error', text: `The certificate is not trusted: ${facts.chainProblem}. Set the account's caFile to the authority's PEM file if it is your own authority.` });
  }
  if (!facts.chainTrusted || !facts.hostnameMatches) {
    findings.push({ severity: 'info', text: '"allowInvalidCertificate": true would make the account connect anyway, and accept any impostor\'s certificate as well; pinning this certificate accepts only this one.' });
  }
  if (/^TLSv1(\.[01])?$|^SSL/.test(facts.protocol)) findings.push({ severity: 'warning', text: `The connection used ${facts.protocol}, which is obsolete: the server should offer TLS 1.2 or 1.3.` });
  return findings;
}

function day(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'unknown date' : d.toISOString().slice(0, 10);
}
