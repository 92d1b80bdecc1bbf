import type { ArcReport, DkimSignatureReport, DmarcReport, ServerVerdicts, SpfReport, VerdictComparison } from './authReport';
import type { AuthResultEntry, AuthResultsField } from './authenticationResults';
import { isTrustedHost } from './connectingClient';

// Our verdicts beside the receiving server's Authentication-Results. The field compared with is the
// topmost one written by a trusted receiving host (any field below it may be forged), or the topmost one
// when no hosts are trusted.

export interface OurVerdicts {
  readonly dkim: readonly DkimSignatureReport[];
  readonly spf: SpfReport;
  readonly dmarc: DmarcReport;
  readonly arc: ArcReport;
}

/**
 * DKIM results that mean the same to a receiver: mailauth says "neutral" for a body hash mismatch or an
 * unusable key, where most servers write "fail" or "permerror" (RFC 8601 2.7.1): all are "did not verify".
 */
function dkimClass(result: string | undefined): string | undefined {
  return result && ['fail', 'neutral', 'permerror', 'policy'].includes(result) ? 'fail' : result;
}

function compare(method: string, subject: string, ours: string | undefined, theirs: string | undefined, same = (a?: string, b?: string) => a === b): VerdictComparison {
  return { method, subject, ...(ours !== undefined ? { ours } : {}), ...(theirs !== undefined ? { theirs } : {}), agree: ours !== undefined && theirs !== undefined && same(ours, theirs) };
}

function dkimOf(entry: AuthResultEntry, ours: readonly DkimSignatureReport[]): DkimSignatureReport | undefined {
  const d = (entry.properties['header.d'] ?? entry.properties['header.i']?.replace(/^.*@/, ''))?.toLowerCase();
  const s = entry.properties['header.s']?.toLowerCase();
  return ours.find((sig) => sig.domain?.toLowerCase() === d && (s === undefined || sig.selector?.toLowerCase() === s));
}

export function compareVerdicts(fields: readonly AuthResultsField[], trusted: readonly string[], ours: OurVerdicts): ServerVerdicts {
  if (fields.length === 0) return { fields, comparisons: [] };
  const chosen = trusted.length > 0 ? fields.find((f) => isTrustedHost(f.authservId, trusted)) : fields[0];
  if (!chosen) return { fields, comparisons: [] };
  const why =
    trusted.length > 0
      ? `the topmost Authentication-Results written by a trusted receiving host (${chosen.authservId})`
      : `the topmost Authentication-Results field (${chosen.authservId}); no trusted receiving hosts are set (mailInspector.auth.trustedReceivers), so any server could have written it`;
  const comparisons: VerdictComparison[] = [];
  for (const entry of chosen.entries) {
    switch (entry.method) {
      case 'dkim': {
        const sig = dkimOf(entry, ours.dkim);
        const subject = ['header.d', 'header.s', 'header.i'].filter((k) => entry.properties[k]).map((k) => `${k}=${entry.properties[k]}`).join(' ') || 'a signature';
        comparisons.push(compare('dkim', subject, sig?.result, entry.result, (a, b) => dkimClass(a) === dkimClass(b)));
        break;
      }
      case 'spf':
        comparisons.push(compare('spf', entry.properties['smtp.mailfrom'] ? `smtp.mailfrom=${entry.properties['smtp.mailfrom']}` : 'the envelope sender', ours.spf.result, entry.result));
        break;
      case 'dmarc':
        comparisons.push(compare('dmarc', entry.properties['header.from'] ? `header.from=${entry.properties['header.from']}` : 'the From domain', ours.dmarc.result, entry.result));
        break;
      case 'arc':
        comparisons.push(compare('arc', 'the ARC chain', ours.arc.result, entry.result));
        break;
      default:
        break;
    }
  }
  return { fields, compared: { index: chosen.index, why }, comparisons };
}
