import type { AccountDefinition } from '../accounts/account';
import type { CredentialProvider } from '../credentials/credentialProvider';
import type { Cancel, SessionLimits } from '../mailStore';
import type { TrafficTap } from '../traffic/trafficTap';
import type { ReportDiagnosis } from './bugReport';
import { diagnoseTargetOf } from './diagnoseTarget';
import { diagnose, diagnosisMarkdown } from './diagnosis';

export interface ReportDiagnosisOptions {
  /** Undefined: the diagnosis stops before login. */
  readonly credentials?: CredentialProvider;
  readonly limits: SessionLimits;
  readonly ca?: Buffer;
  /** The account's tap: the diagnosis's conversation is then part of the report's traffic too (masked like the rest). */
  readonly tap?: TrafficTap;
  readonly onStep?: (step: string) => void;
  readonly signal?: Cancel;
}

/** The account's diagnosis as the report's Markdown; a failure to diagnose at all is said in words, not thrown. */
export async function reportDiagnosis(account: AccountDefinition, options: ReportDiagnosisOptions): Promise<ReportDiagnosis> {
  try {
    const diagnosis = await diagnose(diagnoseTargetOf(account), {
      limits: options.limits,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.tap ? { tap: options.tap } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { markdown: diagnosisMarkdown(diagnosis) };
  } catch (error) {
    return { skipped: `the diagnosis failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
