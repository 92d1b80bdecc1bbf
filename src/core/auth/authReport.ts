import type { AuthResultsField } from './authenticationResults';
import type { ConnectingClient } from './connectingClient';
import type { DkimKeyRecord, SignatureTags } from './dkimTags';
import type { AuthCheck, DnsQuery } from './dnsLookups';
import type { DeceptiveLink } from './deceptiveLinks';
import type { ListUnsubscribeCheck } from './listUnsubscribe';
import type { PartChecksum } from './partChecksums';

// What "Check Authentication" found for one message: our verdicts (DKIM, SPF, DMARC, ARC, BIMI), the
// receiving server's own, where they disagree, every DNS query used and the checks that could not run.

/** One DKIM-Signature field and its verdict. */
export interface DkimSignatureReport extends Omit<SignatureTags, 'identity' | 'signature'> {
  /** Position among the DKIM-Signature fields, from 1 (top). */
  readonly index: number;
  /** Whether the body as received hashes to bh= (needs no DNS). */
  readonly bodyHash: { readonly matches: boolean; readonly computed?: string; readonly expected?: string };
  /** mailauth's result: pass, fail, neutral, temperror, policy, none. */
  readonly result: string;
  /** Why it did not pass, in words. */
  readonly why?: string;
  /** Where the key is looked up: selector._domainkey.domain. */
  readonly keyName?: string;
  readonly key?: DkimKeyRecord & { readonly bits?: number };
  /** The signing domain is the From domain's (relaxed alignment, as DMARC sees it). */
  readonly alignedWithFrom: boolean;
}

export interface SpfReport {
  readonly client: ConnectingClient;
  /** The envelope sender checked, and where it came from. */
  readonly sender?: string;
  readonly senderSource: string;
  readonly domain?: string;
  /** pass, fail, softfail, neutral, none, permerror, temperror; undefined when it could not run. */
  readonly result?: string;
  readonly comment?: string;
  /** The SPF records evaluated, in the order they were fetched (the first is the domain's, then include:/redirect=). */
  readonly chain: readonly { readonly name: string; readonly record: string }[];
  readonly lookups?: { readonly count: number; readonly limit: number; readonly void: number };
}

export interface AlignmentReport {
  readonly mode: 'relaxed' | 'strict';
  /** The passing domains considered (SPF: the envelope domain; DKIM: each passing signature's d=). */
  readonly domains: readonly string[];
  /** The domain that aligned, if any. */
  readonly aligned?: string;
}

export interface DmarcReport {
  readonly fromDomain?: string;
  /** Set when From does not hold exactly one address: DMARC cannot apply. */
  readonly fromProblem?: string;
  readonly record?: string;
  /** The record was found at the organisational domain, not the From domain itself. */
  readonly orgRecord: boolean;
  readonly organisationalDomain?: string;
  readonly p?: string;
  readonly sp?: string;
  readonly pct?: number;
  readonly spf: AlignmentReport;
  readonly dkim: AlignmentReport;
  /** pass, fail, none (no record), temperror; undefined when it could not run. */
  readonly result?: string;
  /** The policy a receiver would apply, in words. */
  readonly disposition?: string;
}

export interface ArcInstanceReport {
  readonly instance: number;
  readonly seal: { readonly domain?: string; readonly selector?: string; readonly algorithm?: string; readonly cv?: string };
  readonly messageSignature: { readonly domain?: string; readonly selector?: string; readonly algorithm?: string; readonly result?: string };
  readonly authenticationResults: string;
}

export interface ArcReport {
  readonly instances: readonly ArcInstanceReport[];
  /** none (no chain), pass, fail. */
  readonly result: string;
  readonly why?: string;
}

export interface BimiReport {
  readonly name?: string;
  readonly record?: string;
  /** Why no record is shown (no DMARC enforcement, none published…). */
  readonly note?: string;
}

/** One method where our verdict and the receiving server's are set side by side. */
export interface VerdictComparison {
  readonly method: string;
  /** What it is about: "d=example.com s=sel", "smtp.mailfrom=…". */
  readonly subject: string;
  readonly ours?: string;
  readonly theirs?: string;
  readonly agree: boolean;
}

export interface ServerVerdicts {
  readonly fields: readonly AuthResultsField[];
  /** The field our results are compared with (index into fields), and why that one. */
  readonly compared?: { readonly index: number; readonly why: string };
  readonly comparisons: readonly VerdictComparison[];
}

export interface AuthReport {
  readonly checkedAt: Date;
  readonly from?: string;
  readonly dkim: readonly DkimSignatureReport[];
  readonly spf: SpfReport;
  readonly dmarc: DmarcReport;
  readonly arc: ArcReport;
  readonly bimi: BimiReport;
  readonly server: ServerVerdicts;
  readonly listUnsubscribe: ListUnsubscribeCheck;
  readonly attachments: readonly PartChecksum[];
  readonly deceptiveLinks: readonly DeceptiveLink[];
  readonly dns: readonly DnsQuery[];
  /** The DNS servers asked ("the system's" when none were set). */
  readonly dnsServers: readonly string[];
  /** Checks that could not run (fully), and why. */
  readonly notRun: readonly { readonly check: AuthCheck; readonly why: string }[];
}
