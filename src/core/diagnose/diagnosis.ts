import type { AccountDefinition } from '../accounts/account';
import type { CredentialProvider } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import type { Cancel, SessionLimits } from '../mailStore';
import { certificateTrust, CertificateTrust } from '../tls/certificateTrust';
import type { TrafficTap } from '../traffic/trafficTap';
import { diagnosisFindings } from './diagnosisFindings';
import { diagnoseImap } from './diagnosisImap';
import { resolveAndConnect, weakTlsChecks } from './diagnosisNetwork';
import { wrongPortOf } from './explainWrongPort';
import { diagnosePop3 } from './diagnosisPop3';
import { ConversationDraft, StepClock } from './diagnosisSteps';
import type { DiagnoseTarget, Diagnosis, Resolution } from './diagnosisTypes';

export type { DiagnoseTarget, Diagnosis } from './diagnosisTypes';
export { diagnosisMarkdown } from './diagnosisMarkdown';

export interface DiagnoseOptions {
  /** Undefined: the diagnosis stops before login (nothing secret is ever asked for). */
  credentials?: CredentialProvider;
  limits: SessionLimits;
  /** A CA trusted besides Node's and the target's caFile (a test server's). */
  ca?: Buffer;
  /** The account's tap: the diagnosis's conversation shows in its traffic, masked like every other. */
  tap?: TrafficTap;
  /** Told the name of each step as it starts (a progress message). */
  onStep?: (step: string) => void;
  signal?: Cancel;
}

/**
 * Diagnoses a server the way an operator would with `openssl s_client`, `curl -v` and imapsync
 * `--justconnect`, in one go: every address and its connect time, TLS (version, cipher, chain, name check,
 * old versions), the greeting, capabilities before and after TLS and login, the protocol's extras, the login,
 * and findings in words. It never throws for what it diagnoses: a failure part way is in `stopped`, with
 * everything learnt before it. No password is ever part of the result.
 */
export async function diagnose(target: DiagnoseTarget, options: DiagnoseOptions): Promise<Diagnosis> {
  const startedAt = new Date();
  const started = performance.now();
  const clock = new StepClock(options.onStep);
  const draft: ConversationDraft = { attempts: [] };
  let resolution: Resolution | undefined;
  let stopped: string | undefined;
  let tlsFailed = false;
  try {
    resolution = await clock.run(`Resolving ${target.host}`, () => resolveAndConnect(target.host, target.port, options.limits.connectTimeoutMs, options.signal));
    if (options.signal?.aborted) throw new MailError('cancelled', 'The diagnosis was cancelled.');
    if (resolution.error || !resolution.addresses.some((a) => a.connectMs !== undefined)) {
      stopped = resolution.error ?? `Nothing accepts a connection on port ${target.port}.`;
    } else {
      const trust = await trustOf(target, options.ca);
      const context = { target, account: accountOf(target), credentials: options.credentials, limits: options.limits, trust, tap: options.tap, signal: options.signal, clock, draft };
      await (target.protocol === 'imap' ? diagnoseImap(context) : diagnosePop3(context));
    }
  } catch (error) {
    stopped = error instanceof Error ? error.message : String(error);
    tlsFailed = MailError.is(error, 'tls') && /handshake|TLS|SSL/i.test(error.message);
    // A failure a wrong port causes (a TLS error, a foreign greeting) is explained by probing the port.
    if (MailError.is(error) && !MailError.is(error, 'wrongPort') && !options.signal?.aborted) {
      const explained = await wrongPortOf(target, error);
      if (explained) stopped = `${explained.message} (${stopped})`;
    }
  }
  // Old TLS versions: on connections of their own, whenever TLS was spoken (even if the conversation stopped later),
  // or the handshake failed (a server that speaks nothing newer than TLS 1.1 fails ours, which starts at 1.2).
  if ((draft.tls?.facts || tlsFailed) && target.security !== 'none' && !options.signal?.aborted) {
    draft.tls ??= { mode: target.security === 'tls' ? 'implicit' : 'starttls', weakVersions: [] };
    draft.tls.weakVersions = await clock.run('TLS 1.0 and 1.1', () => weakTlsChecks(target, options.limits.connectTimeoutMs, options.signal)).catch(() => []);
  }
  const partial: Omit<Diagnosis, 'findings'> = {
    target: { ...target },
    startedAt,
    totalMs: Math.round(performance.now() - started),
    ...(resolution ? { resolution } : {}),
    ...(draft.tls ? { tls: draft.tls } : {}),
    ...(draft.greeting !== undefined ? { greeting: draft.greeting } : {}),
    ...(draft.imap ? { imap: draft.imap } : {}),
    ...(draft.pop3 ? { pop3: draft.pop3 } : {}),
    ...(draft.attempts.length > 0 || draft.loginSkipped || draft.loginOffered
      ? { login: { ...(draft.loginOffered ? { offered: draft.loginOffered } : {}), attempts: draft.attempts, ...(draft.loginSkipped ? { skipped: draft.loginSkipped } : {}) } }
      : {}),
    steps: clock.steps,
    ...(stopped ? { stopped } : {}),
  };
  return { ...partial, findings: diagnosisFindings(partial) };
}

/** The target's trust rules with its caFile read now; an unreadable caFile stops the diagnosis before TLS. */
function trustOf(target: DiagnoseTarget, ca: Buffer | undefined): Promise<CertificateTrust> {
  return certificateTrust({ caFile: target.caFile, pinnedCertificate: target.pinnedCertificate, allowInvalidCertificate: target.allowInvalidCertificate === true }, ca);
}

/** The target as an account, for the credential provider (which knows accounts, not targets). */
function accountOf(target: DiagnoseTarget): AccountDefinition {
  return {
    id: 'diagnosis',
    label: `${target.user ?? ''}@${target.host}`,
    protocol: target.protocol,
    host: target.host,
    port: target.port,
    security: target.security,
    user: target.user ?? '',
    allowInvalidCertificate: target.allowInvalidCertificate === true,
    ...(target.caFile ? { caFile: target.caFile } : {}),
    ...(target.pinnedCertificate ? { pinnedCertificate: target.pinnedCertificate } : {}),
    useApop: target.useApop === true,
  };
}
