import type { AccountDefinition } from '../accounts/account';
import type { CredentialProvider } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import type { SessionLimits } from '../mailStore';
import type { CertificateTrust } from '../tls/certificateTrust';
import type { TrafficTap } from '../traffic/trafficTap';
import type { DiagnoseTarget, ImapFacts, LoginAttempt, Pop3Facts, StepTiming, TlsSection } from './diagnosisTypes';
import { DiagnosisWire, WireTls } from './diagnosisWire';
import { connectedOrWrongPort } from './explainWrongPort';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ImapDraft = Mutable<ImapFacts>;
export type Pop3Draft = Mutable<Pop3Facts>;

/** What a protocol's conversation fills in as it goes (so that a failure part way keeps what was learnt). */
export interface ConversationDraft {
  tls?: Mutable<TlsSection>;
  greeting?: string;
  imap?: ImapDraft;
  pop3?: Pop3Draft;
  attempts: LoginAttempt[];
  loginOffered?: string[];
  loginSkipped?: string;
}

/** Times each step, tells the caller which one runs (for a progress message), and keeps their list. */
export class StepClock {
  readonly steps: StepTiming[] = [];

  constructor(private readonly onStep?: (step: string) => void) {}

  async run<T>(step: string, work: () => Promise<T>): Promise<T> {
    this.onStep?.(step);
    const started = performance.now();
    try {
      const result = await work();
      this.steps.push({ step, ms: Math.round(performance.now() - started) });
      return result;
    } catch (error) {
      this.steps.push({ step, ms: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}

/** What a conversation (IMAP or POP3) needs. */
export interface ConversationContext {
  readonly target: DiagnoseTarget;
  /** The target as an account, for the credential provider (its id is the caller's, or "diagnosis"). */
  readonly account: AccountDefinition;
  readonly credentials: CredentialProvider | undefined;
  readonly limits: SessionLimits;
  readonly trust: CertificateTrust;
  readonly tap: TrafficTap | undefined;
  readonly signal: AbortSignal | undefined;
  readonly clock: StepClock;
  readonly draft: ConversationDraft;
}

/** The conversation's connection, tapped when there is a tap. */
export function openWire(context: ConversationContext): Promise<DiagnosisWire> {
  const { target, limits, trust, tap, signal } = context;
  return DiagnosisWire.open(
    { host: target.host, port: target.port, implicitTls: target.security === 'tls', timeoutMs: Math.max(limits.connectTimeoutMs, limits.greetingTimeoutMs), maxLineBytes: Math.min(limits.maxLineBytes, 256 * 1024) },
    trust,
    tap?.open(target.protocol),
    signal,
  );
}

/** Records the TLS of a handshake in the draft. */
export function noteTls(draft: ConversationDraft, mode: TlsSection['mode'], secured: WireTls): void {
  const tls = (draft.tls ??= { mode, weakVersions: [] });
  tls.mode = mode;
  tls.facts = secured.facts;
  tls.accepted = secured.verdict.accepted;
  tls.verdict = secured.verdict.accepted ? secured.verdict.note : secured.verdict.error.message;
}

/**
 * Whether a password may be sent on this connection, and if not why: only over TLS the target's trust rules
 * accept, or in plain text when the target itself says "none" (the account would do the same).
 */
export function loginBlocked(context: ConversationContext, wire: DiagnosisWire): string | undefined {
  if (!context.target.user) return 'No user name was given, so the diagnosis stopped before login.';
  if (!context.credentials) return 'The diagnosis was asked to stop before login.';
  if (wire.tls && !wire.tls.verdict.accepted) return 'The certificate is not trusted by this account\'s rules, so no password was sent.';
  if (!wire.tls && context.target.security !== 'none') return 'The connection is not secured, so no password was sent.';
  return undefined;
}

/** A cancelled diagnosis stops at once, whatever step it is in. */
export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MailError('cancelled', 'The diagnosis was cancelled.');
}

/**
 * The greeting, or the plain explanation of a wrong port instead of a long wait: a plain-text connection to a
 * port that expects TLS hears nothing, so after a moment of silence the port is probed (as the sessions do).
 */
export async function greetingOrWrongPort(context: ConversationContext, wire: DiagnosisWire, read: () => Promise<string>): Promise<string> {
  const reading = read();
  await connectedOrWrongPort(
    reading.then(() => undefined),
    context.target,
    () => wire.close('abandoned: the port speaks something else'),
  );
  return reading;
}
