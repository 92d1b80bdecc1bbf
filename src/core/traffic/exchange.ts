import type { TrafficCounts, TrafficLine } from './trafficLine';

/**
 * How a command ended: IMAP `OK`/`NO`/`BAD` (tagged), `BYE` (the server closed instead of answering),
 * POP3 `+OK`/`-ERR` (as `ok`/`err`); `pending` while in flight, `lost` when the connection ended first.
 */
export type ExchangeStatus = 'pending' | 'ok' | 'no' | 'bad' | 'bye' | 'err' | 'lost';

/** A response code with its plain-words explanation: `[TRYCREATE]` → "the folder does not exist; create it first". */
export interface ResponseCode {
  /** Upper case, without brackets or arguments: "TRYCREATE", "UIDVALIDITY", "LOGIN-DELAY". */
  readonly name: string;
  /** The code's arguments as sent ("1234" for `[UIDVALIDITY 1234]`), if any. */
  readonly args?: string;
  /** What it means, in plain words (undefined for a code we do not know). */
  readonly explanation?: string;
}

/** What a command concerned, for the per-message transcript (filled where the command says it). */
export interface ExchangeTarget {
  /** IMAP: the mailbox selected on the connection when the command was sent (or named by it: EXAMINE, STATUS). */
  readonly mailbox?: string;
  /** IMAP: the UID set of a UID command (`UID FETCH 12:20,40`), as sent. */
  readonly uids?: string;
  /** POP3: the message number of RETR/TOP/LIST n/UIDL n/DELE, and its UIDL when the session learned it. */
  readonly pop3Number?: number;
  readonly pop3Uidl?: string;
}

/**
 * One command and its answer, paired: IMAP by tag (untagged responses and continuation requests while it
 * was in flight are attributed to it), POP3 in order (one reply, or a multi-line reply up to its `.`).
 * The server's greeting is an exchange with command "(greeting)"; lines that belong to no command
 * (unsolicited untagged responses on an idle connection) form exchanges with command "(unsolicited)".
 */
export interface Exchange {
  /** Unique within the record: `${connection}:${seq of its first event}`. */
  readonly id: string;
  readonly connection: string;
  readonly protocol: 'imap' | 'pop3';
  /** IMAP tag; undefined for POP3 and for greeting/unsolicited. */
  readonly tag?: string;
  /** Upper-case command name: "UID FETCH", "SELECT", "RETR", "(greeting)". */
  readonly command: string;
  /** The command's first client line, masked, as shown. */
  readonly commandText: string;
  readonly target?: ExchangeTarget;
  /** `at` of the first client event; `endedAt` of the final response event. */
  readonly startedAt: number;
  readonly endedAt?: number;
  /** endedAt − startedAt, milliseconds with fraction. */
  readonly latencyMs?: number;
  /** Wire bytes attributed to it, both directions (elided bytes included). */
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly status: ExchangeStatus;
  /** The final response line's text as shown ("A5 NO [TRYCREATE] Mailbox doesn't exist: Nope"). */
  readonly responseText?: string;
  /** Response codes from the final line and from untagged lines attributed to it (`[ALERT]`, `[UIDVALIDITY …]`). */
  readonly codes: readonly ResponseCode[];
  /** Every event attributed to it, in wire order. */
  readonly events: readonly TrafficLine[];
}

/** One connection of the account, as the traffic view lists it. */
export interface ConnectionRecord {
  readonly id: string;
  readonly protocol: 'imap' | 'pop3';
  readonly openedAt: number;
  readonly closedAt?: number;
  /** The greeting line as shown. */
  readonly greeting?: string;
  /** The TLS note ("TLSv1.3 TLS_AES_256_GCM_SHA384, certificate …"), once negotiated. */
  readonly tls?: string;
  /** How the client logged in: "LOGIN", "AUTHENTICATE PLAIN", "USER/PASS", "APOP", "PREAUTH". */
  readonly login?: string;
  /** Every note event of the connection, in order. */
  readonly notes: readonly TrafficLine[];
  readonly counts: TrafficCounts;
}

/** A change to the record: what the traffic view needs to update incrementally. */
export type RecordChange =
  | { readonly type: 'connection'; readonly connection: ConnectionRecord }
  | { readonly type: 'exchange'; readonly exchange: Exchange }
  | { readonly type: 'cleared' };

/**
 * The account's traffic, paired: every connection and exchange since the tap was made (bounded: the
 * oldest exchanges are dropped past a limit, counted in `dropped`). Read-only to its users.
 */
export interface TrafficRecord {
  connections(): readonly ConnectionRecord[];
  exchanges(): readonly Exchange[];
  /** Exchanges dropped because of the bound. */
  readonly dropped: number;
  onChange(listener: (change: RecordChange) => void): { dispose(): void };
}
