import { AccountDefinition } from './accounts/account';

/** IMAP special-use attribute of a folder (RFC 6154), or the inbox. */
export type SpecialUse = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive' | 'all' | 'flagged';

export interface FolderInfo {
  /** Full path as the server names it (decoded from modified UTF-7), e.g. "Projects/2026". */
  readonly path: string;
  /** Last component of the path, decoded, for display. */
  readonly name: string;
  /** Hierarchy delimiter, or undefined when the server has no hierarchy. */
  readonly delimiter: string | undefined;
  /** Path of the parent folder, or undefined at the top. */
  readonly parentPath: string | undefined;
  readonly specialUse: SpecialUse | undefined;
  /** False for \Noselect / \NonExistent folders: shown in the hierarchy, never opened. */
  readonly selectable: boolean;
  /** Message count (IMAP STATUS MESSAGES, POP3 STAT). */
  readonly total: number | undefined;
  /** Unseen count (IMAP STATUS UNSEEN); POP3 has no flags. */
  readonly unseen: number | undefined;
  /** Total size in bytes when the protocol tells it cheaply (POP3 STAT). */
  readonly size: number | undefined;
  /** True when the server could not be reached and this entry comes from the offline cache. */
  readonly offline?: boolean;
  /** IMAP: whether the folder is subscribed (LSUB, or LIST RETURN (SUBSCRIBED)); undefined when the protocol has no subscriptions. */
  readonly subscribed?: boolean;
}

export interface Address {
  readonly name: string;
  readonly address: string;
}

export interface MessageSummary {
  /** Stable id within the folder: the IMAP UID, or the POP3 UIDL (or message number when the server has no UIDL). */
  readonly id: string;
  /** Position in the folder when listed (IMAP sequence number, POP3 message number). */
  readonly seq: number;
  readonly subject: string;
  readonly from: Address[];
  readonly to: Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
  readonly size: number;
  /** IMAP flags (\Seen, \Flagged, …); always empty for POP3. */
  readonly flags: readonly string[];
  /** CONDSTORE MODSEQ when listed (decimal), where the server offers CONDSTORE: what STORE UNCHANGEDSINCE sends. */
  readonly modseq?: string;
}

export interface MessagePage {
  /** Messages in the folder when the page was taken. */
  readonly total: number;
  /** Newest first. */
  readonly messages: MessageSummary[];
  /** Offset (from the newest) of the next page, or undefined when this is the last one. */
  readonly nextOffset: number | undefined;
  /** A caveat the user should see about this listing (e.g. POP3 without UIDL). */
  readonly warning?: string;
  /** The folder's UIDVALIDITY when the page was taken (IMAP); the generation its ids belong to. */
  readonly uidValidity?: number;
  /** True when the server could not be reached and this page comes from the offline cache. */
  readonly offline?: boolean;
}

/**
 * A message by its full identity: folder, the folder's generation (IMAP UIDVALIDITY; undefined for POP3 or when
 * not known) and the id within it. A store that is asked for a generation the folder no longer has refuses
 * (MailError 'notFound', detail `staleGeneration`) instead of answering with whatever holds that UID now.
 */
export interface MessageRef {
  readonly folder: string;
  readonly uidValidity: number | undefined;
  readonly id: string;
}

/**
 * How folder counts are asked where a server gives them one folder at a time (IMAP STATUS per folder, without
 * LIST-STATUS): the folders in `usedFirst` (paths, most recently used first) are asked before the rest, and each
 * folder is told to `onCounts` as its counts arrive, so a tree fills in what the user looks at first.
 */
export interface CountsProgress {
  readonly usedFirst?: readonly string[];
  onCounts?(folder: FolderInfo): void;
}

/** Cancels a slow operation; satisfied by AbortSignal and by an adapter over VS Code's CancellationToken. */
export type Cancel = AbortSignal;

/**
 * What the tree and the documents need from an account, whatever its protocol. Every method is
 * read-only on the server: browsing never changes flags or deletes anything.
 */
export interface MailStore {
  readonly account: AccountDefinition;
  /** Every folder with its counts; `counts` orders them and hears each folder as its counts arrive, where they come one by one. */
  listFolders(signal?: Cancel, counts?: CountsProgress): Promise<FolderInfo[]>;
  /** One page of a folder, newest first, `offset` messages from the newest. */
  listMessages(folderPath: string, offset: number, pageSize: number, signal?: Cancel): Promise<MessagePage>;
  /** The message's raw RFC 5322 bytes, exactly as the server holds them. */
  fetchRaw(folderPath: string, messageId: string, signal?: Cancel): Promise<Buffer>;
  /** Closes connections; the store can be used again afterwards (it reconnects). */
  close(): Promise<void>;
}

/** What a single-part fetch cost, so the UI can say "fetched 2 KB of a 25 MB message". */
export interface PartFetch {
  /** The part's bytes as stored (still transfer-encoded), or its MIME header block for `<section>.MIME`. */
  readonly bytes: Buffer;
  /** Protocol bytes received for this fetch. */
  readonly wireBytes: number;
}

/** A message's BODYSTRUCTURE (imapflow's object) and its size. */
export interface MessageStructure {
  readonly structure: unknown;
  readonly size: number;
  /** True when the server could not be reached and this comes from the offline cache. */
  readonly offline?: boolean;
}

/**
 * IMAP can describe a message (BODYSTRUCTURE) and fetch one part without the rest; POP3 cannot. The
 * tree uses this when a store offers it and otherwise parses the whole message.
 */
export interface PartialFetcher {
  /**
   * The message's BODYSTRUCTURE (imapflow's object) and its size, without downloading the body. `structure` is
   * undefined when the message exists but its BODYSTRUCTURE cannot be read (e.g. nested past imapflow's parser
   * limit): the caller then builds the tree from the raw message. Only a message that is gone is 'notFound'.
   */
  fetchStructure(folderPath: string, messageId: string, signal?: Cancel): Promise<MessageStructure>;
  /** One part (`BODY.PEEK[section]`), or `section.MIME` / `HEADER` for header blocks. */
  fetchPart(folderPath: string, messageId: string, section: string, signal?: Cancel): Promise<PartFetch>;
}

export function canFetchParts(store: MailStore): store is MailStore & PartialFetcher {
  const s = store as Partial<PartialFetcher>;
  return typeof s.fetchStructure === 'function' && typeof s.fetchPart === 'function';
}

/** Limits that bound what a server can make us hold, and how long we wait. */
export interface SessionLimits {
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  maxLiteralBytes: number;
  maxLineBytes: number;
  maxResponseBytes: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  connectTimeoutMs: 15_000,
  greetingTimeoutMs: 15_000,
  socketTimeoutMs: 60_000,
  maxLiteralBytes: 64 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
  maxResponseBytes: 80 * 1024 * 1024,
};
