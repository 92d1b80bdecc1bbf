import type { Security } from '../accounts/account';
import type { TlsFacts } from './tlsFacts';
import type { Finding } from './tlsFindings';

/** What to diagnose: an account's connection settings, or host, port, protocol and security typed by hand. */
export interface DiagnoseTarget {
  protocol: 'imap' | 'pop3';
  host: string;
  port: number;
  security: Security;
  /** Without a user name the diagnosis stops before login. */
  user?: string;
  allowInvalidCertificate?: boolean;
  caFile?: string;
  pinnedCertificate?: string;
  useApop?: boolean;
}

/** One address the host name resolved to, and how long a TCP connect to it took (or why it failed). */
export interface AddressCheck {
  readonly address: string;
  readonly family: 4 | 6;
  readonly connectMs?: number;
  readonly error?: string;
}

export interface Resolution {
  /** The host is an address already: nothing was looked up. */
  readonly literal: boolean;
  readonly ms: number;
  readonly addresses: readonly AddressCheck[];
  readonly error?: string;
}

/** A TLS version below 1.2 offered on its own: did the server accept it? undefined: could not be tried here. */
export interface WeakTlsCheck {
  readonly version: 'TLSv1' | 'TLSv1.1';
  readonly accepted: boolean | undefined;
  readonly note?: string;
}

export interface TlsSection {
  /** implicit: TLS from the first byte; starttls: upgraded by STARTTLS/STLS; none: the connection stayed plain. */
  readonly mode: 'implicit' | 'starttls' | 'none';
  /** Plain-text ports: STARTTLS (IMAP) or STLS (POP3) was in the capabilities before login. */
  readonly upgradeOffered?: boolean;
  /**
   * Plain-text ports: the server refuses a login before TLS (IMAP LOGINDISABLED and no AUTH=; POP3 without
   * USER and SASL before STLS). undefined when it cannot be told.
   */
  readonly required?: boolean;
  readonly facts?: TlsFacts;
  /** The target's trust rules (caFile, pin, allowInvalidCertificate) accept the certificate: only then a password goes. */
  readonly accepted?: boolean;
  /** What the trust decision said (verified, pinned, accepted although invalid, refused and why). */
  readonly verdict?: string;
  readonly error?: string;
  readonly weakVersions: readonly WeakTlsCheck[];
}

/** An IMAP folder as LIST (with special-use) and STATUS show it. */
export interface FolderFacts {
  readonly name: string;
  readonly flags: readonly string[];
  readonly specialUse?: string;
  readonly messages?: number;
  /** STATUS SIZE (RFC 8438): bytes of the folder's messages. */
  readonly size?: number;
}

export interface ImapFacts {
  readonly capabilitiesBeforeTls?: readonly string[];
  readonly capabilitiesAfterTls?: readonly string[];
  readonly capabilitiesAfterLogin?: readonly string[];
  /** The server's ID answer (RFC 2971), field by field. */
  readonly id?: Readonly<Record<string, string>>;
  /** NAMESPACE's answer, as sent. */
  readonly namespace?: string;
  /** What ENABLE asked for and what the server enabled. */
  readonly enableAsked?: readonly string[];
  readonly enabled?: readonly string[];
  /** GETQUOTAROOT INBOX: the untagged QUOTAROOT/QUOTA lines, or why not. */
  readonly quota?: readonly string[];
  readonly quotaNote?: string;
  readonly folders?: readonly FolderFacts[];
  /** The folders were more than were asked STATUS for. */
  readonly foldersNote?: string;
}

export interface Pop3Facts {
  readonly capaBeforeTls?: readonly string[];
  readonly capaAfterTls?: readonly string[];
  readonly capaAfterLogin?: readonly string[];
  /** CAPA unknown (the server answered -ERR): an RFC 1939-only server. */
  readonly capaUnsupported?: boolean;
  readonly saslMechanisms: readonly string[];
  readonly apopTimestamp?: string;
  readonly uidl?: boolean;
  readonly top?: boolean;
  /** EXPIRE's argument as sent ("30", "NEVER", "0", "30 USER") and in words. */
  readonly expire?: { readonly value: string; readonly words: string };
  readonly loginDelay?: { readonly value: string; readonly words: string };
  readonly implementation?: string;
}

/** One login attempt: the mechanism, the server's answer (never what was sent), and how long it took. */
export interface LoginAttempt {
  readonly mechanism: string;
  readonly ok: boolean;
  readonly answer: string;
  readonly ms: number;
  /** A SASL error the server sent base64-encoded (XOAUTH2, OAUTHBEARER JSON), decoded. */
  readonly decoded?: string;
}

export interface LoginSection {
  /** The ways to log in the server offered on this connection (before login, after TLS where there was TLS). */
  readonly offered?: readonly string[];
  readonly attempts: readonly LoginAttempt[];
  /** Why no login was tried (no credentials asked for, the certificate not trusted, no password given…). */
  readonly skipped?: string;
}

/** One step of the diagnosis and its time. */
export interface StepTiming {
  readonly step: string;
  readonly ms: number;
  readonly error?: string;
}

/** Everything a diagnosis found. Holds no password and no AUTH payload: only what the server said and what was measured. */
export interface Diagnosis {
  readonly target: DiagnoseTarget;
  readonly startedAt: Date;
  readonly totalMs: number;
  readonly resolution?: Resolution;
  readonly tls?: TlsSection;
  readonly greeting?: string;
  readonly imap?: ImapFacts;
  readonly pop3?: Pop3Facts;
  readonly login?: LoginSection;
  readonly steps: readonly StepTiming[];
  readonly findings: readonly Finding[];
  /** Where and why the diagnosis stopped early (the sections before it are filled). */
  readonly stopped?: string;
}
