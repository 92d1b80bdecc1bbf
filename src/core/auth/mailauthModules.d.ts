// Type declarations for the parts of postalsys mailauth (pinned 4.9.5, no types of its own) that the
// authentication check calls. Its modules are imported one by one rather than through its index, which
// also loads the BIMI logo fetcher (undici, whose engines ask for a newer Node than VS Code 1.95 ships):
// the BIMI record is only looked up and shown, never fetched further. Only what we use is declared, so a
// change in the library shows up here.

declare module 'mailauth/lib/dkim/verify' {
  /** What mailauth's resolver option is called with and must return: `dns.promises.resolve`'s contract. */
  export type MailauthResolver = (name: string, type: string) => Promise<unknown[]>;

  export interface DkimStatus {
    /** pass, fail, neutral (body hash, key, expiry problems), temperror, policy, none. */
    result: string;
    comment?: string;
    aligned?: string | false;
    underSized?: number;
    policy?: Record<string, string>;
  }

  export interface DkimSignatureResult {
    id?: string;
    signingDomain?: string;
    selector?: string;
    /** The b= value. */
    signature?: string;
    /** a= */
    algo?: string;
    /** c= */
    format?: string;
    /** The body hash computed over the body as received. */
    bodyHash?: string;
    /** The bh= value. */
    bodyHashExpecting?: string;
    signingHeaders?: { keys: string; headers: string[] };
    canonBodyLength?: number;
    canonBodyLengthTotal?: number;
    canonBodyLengthLimited?: boolean;
    /** The key record (TXT) used, whitespace removed. */
    rr?: string;
    modulusLength?: number;
    status: DkimStatus;
    info?: string;
  }

  /** One ARC set as getARChain parsed it (each header with its tags). */
  export interface ArcHeader {
    original: Buffer;
    parsed?: Record<string, { value?: unknown } | undefined>;
  }
  export interface ArcSet {
    i: number;
    'arc-seal': ArcHeader;
    'arc-message-signature': ArcHeader;
    'arc-authentication-results': ArcHeader;
  }
  export interface ArcData {
    /** false when the message has no ARC set. */
    chain?: ArcSet[] | false;
    lastEntry?: ArcSet & { messageSignature?: DkimSignatureResult };
    error?: Error;
  }

  export interface DkimVerifyResult {
    headerFrom?: string[];
    envelopeFrom?: string | false;
    results: DkimSignatureResult[];
    /** Not enumerable. */
    readonly arc?: ArcData;
  }

  export function dkimVerify(input: Buffer, options: { resolver: MailauthResolver; sender?: string; minBitLength?: number; curTime?: Date }): Promise<DkimVerifyResult>;
}

declare module 'mailauth/lib/spf' {
  import type { MailauthResolver } from 'mailauth/lib/dkim/verify';
  export interface SpfResult {
    domain: string;
    'client-ip'?: string;
    helo?: string;
    'envelope-from'?: string;
    /** The record evaluated last. */
    rr?: string;
    status: { result: string; comment?: string };
    lookups?: { limit: number; count: number; void: number };
  }
  export function spf(options: { sender?: string; ip: string; helo?: string; mta: string; resolver: MailauthResolver }): Promise<SpfResult>;
}

declare module 'mailauth/lib/arc' {
  import type { ArcData, DkimSignatureResult, MailauthResolver } from 'mailauth/lib/dkim/verify';
  export interface ArcResult {
    status: { result: string; comment?: string; shouldSeal?: boolean };
    i?: number | false;
    signature?: DkimSignatureResult | false;
  }
  export function arc(data: ArcData, options: { resolver: MailauthResolver; minBitLength?: number }): Promise<ArcResult>;
  /** Test and demo helper: the ARC headers (a new instance) to prepend to a message. */
  export function sealMessage(
    input: Buffer,
    seal: { signingDomain: string; selector: string; privateKey: string | Buffer; algorithm?: string; authResults: string; cv: string; signTime?: Date },
  ): Promise<Buffer>;
}

declare module 'mailauth/lib/dkim/sign' {
  export interface SignatureData {
    signingDomain: string;
    selector: string;
    privateKey: string | Buffer;
    algorithm?: string;
    canonicalization?: string;
  }
  /** Test and demo helper: the DKIM-Signature headers to prepend. */
  export function dkimSign(
    input: Buffer,
    options: { signatureData: SignatureData[]; signTime?: Date; expires?: Date; headerList?: string[] },
  ): Promise<{ signatures: string; errors: unknown[] }>;
}

declare module 'mailauth/lib/dmarc' {
  import type { MailauthResolver } from 'mailauth/lib/dkim/verify';
  export interface DmarcResult {
    status: { result: string; comment?: string; header?: { from?: string; d?: string } };
    domain?: string;
    policy?: string;
    p?: string;
    sp?: string;
    pct?: number;
    /** The DMARC record found (at the From domain or its organisational domain). */
    rr?: string;
    error?: string;
  }
  export function dmarc(options: {
    headerFrom: string;
    spfDomains: string[];
    dkimDomains: { domain: string }[];
    arcResult?: { status: { result: string } };
    resolver: MailauthResolver;
  }): Promise<DmarcResult>;
}
