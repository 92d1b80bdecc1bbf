import type { AccountDefinition } from '../accounts/account';
import type { DiagnoseTarget } from './diagnosisTypes';

/** What Diagnose Connection is given for an account: its server, security, user and trust settings (never a password). */
export function diagnoseTargetOf(account: AccountDefinition): DiagnoseTarget {
  return {
    protocol: account.protocol,
    host: account.host,
    port: account.port,
    security: account.security,
    user: account.user,
    allowInvalidCertificate: account.allowInvalidCertificate,
    ...(account.caFile ? { caFile: account.caFile } : {}),
    ...(account.pinnedCertificate ? { pinnedCertificate: account.pinnedCertificate } : {}),
    useApop: account.useApop,
  };
}
