import { Cancel, SpecialUse } from '../mailStore';

// Every change an account can make on its server, whatever its protocol. The session hands out a MailWriter
// guarded by the account's access mode (guardedWriter.ts): a read-only account refuses every method here with
// MailError 'readOnly' before anything is sent. Browsing never goes through this interface.

/** The account's access mode: read-only (the default) or read-write. */
export type AccessMode = 'read-only' | 'read-write';

/** Messages of one folder generation, by id (IMAP UID; POP3 UIDL). */
export interface MessageSet {
  readonly folder: string;
  /** The folder's UIDVALIDITY the ids belong to (IMAP); a folder that has another one now is refused (staleGeneration). */
  readonly uidValidity: number | undefined;
  readonly ids: readonly string[];
}

/** Flags and keywords to add and remove (`\Seen`, `$Forwarded`, `project-x`). */
export interface FlagChange {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

/** The flags of one message as the user loaded them: with CONDSTORE, its MODSEQ then (STORE UNCHANGEDSINCE). */
export interface LoadedFlags {
  readonly id: string;
  readonly flags: readonly string[];
  /** Decimal MODSEQ when the message was listed; undefined without CONDSTORE. */
  readonly modseq?: string;
}

/** A message another client changed since the user loaded it: nothing was stored on it. */
export interface FlagConflict {
  readonly id: string;
  /** Its flags now, as the server reports them. */
  readonly current: readonly string[];
  readonly modseq?: string;
}

export interface FlagResult {
  /** Messages whose flags were stored, with their flags afterwards. */
  readonly changed: readonly { readonly id: string; readonly flags: readonly string[]; readonly modseq?: string }[];
  /** UNCHANGEDSINCE refused these ("changed by another client since you loaded it"). */
  readonly conflicts: readonly FlagConflict[];
  /** Flags the folder does not let us set (not in PERMANENTFLAGS, and no `\*`), left out of the STORE. */
  readonly refusedFlags: readonly string[];
  readonly undo: UndoAvailability;
}

/** Where a transfer went and which ids the messages have there (COPYUID/APPENDUID, UIDPLUS). */
export interface TransferResult {
  readonly source: string;
  readonly target: string;
  /** The target folder's UIDVALIDITY, when the server said (COPYUID). */
  readonly targetUidValidity: number | undefined;
  /** Source id → id in the target; empty when the server gave no COPYUID. */
  readonly idMap: ReadonlyMap<string, string>;
  /** How it was done: MOVE; COPY + STORE \Deleted + UID EXPUNGE; or COPY + \Deleted left for an expunge (no UIDPLUS). */
  readonly method: 'move' | 'copy' | 'copyExpunge' | 'copyMarkDeleted';
  readonly undo: UndoAvailability;
}

export interface DeleteResult {
  /** 'trash': moved to the special-use Trash; 'flagged': marked \Deleted (no Trash, or already in it); 'removed': POP3 DELE. */
  readonly method: 'trash' | 'flagged' | 'removed';
  readonly transfer?: TransferResult;
  readonly undo: UndoAvailability;
}

export interface AppendResult {
  readonly folder: string;
  /** From APPENDUID (UIDPLUS), else undefined. */
  readonly uid: number | undefined;
  readonly uidValidity: number | undefined;
}

/** What the user saw when confirming a folder's deletion; the core refuses when the folder holds more now. */
export interface FolderDeletion {
  readonly messages: number;
  readonly subfolders: number;
}

export interface NewFolder {
  /** The parent folder's full path, or undefined for the top level. */
  readonly parent: string | undefined;
  /** The new folder's own name (no delimiter), any Unicode. */
  readonly name: string;
  /** CREATE-SPECIAL-USE (RFC 6154) where offered. */
  readonly specialUse?: SpecialUse;
}

/** Either a plan to undo the change, or why there is none (said to the user instead of offering Undo). */
export type UndoAvailability = { readonly possible: true; readonly plan: UndoPlan } | { readonly possible: false; readonly why: string };

/** What undoing a change takes: data only, so it can be shown, tested and run later by `undo()`. */
export type UndoPlan =
  /** Put back each message's flags: remove what was added, add what was removed (only on messages that changed). */
  | { readonly kind: 'flags'; readonly folder: string; readonly uidValidity: number | undefined; readonly change: FlagChange; readonly ids: readonly string[] }
  /** Move the messages back from where they went (their ids there, from COPYUID). */
  | { readonly kind: 'moveBack'; readonly from: string; readonly fromUidValidity: number | undefined; readonly ids: readonly string[]; readonly to: string }
  /** Remove copies (COPYUID ids) that a copy made: mark \Deleted and UID EXPUNGE them. */
  | { readonly kind: 'removeCopies'; readonly folder: string; readonly uidValidity: number | undefined; readonly ids: readonly string[] };

/**
 * What a move will do before it is done (asked first, so the user can be told): MOVE where offered; else COPY +
 * STORE \Deleted + UID EXPUNGE with UIDPLUS; without UIDPLUS only a plain EXPUNGE can remove the originals, and it
 * would also remove the folder's `otherDeleted` messages already marked \Deleted by anyone.
 */
export interface TransferPlan {
  readonly method: TransferResult['method'];
  /** Messages of the source folder already marked \Deleted (not among those moved): a plain EXPUNGE would remove them too. */
  readonly otherDeleted: number;
  readonly uidplus: boolean;
}

/** Reports how far a long write is (a transfer between accounts, an upload of many files). */
export type WriteProgress = (done: number, total: number, note?: string) => void;

/** Every write an account can make. Methods a server cannot do reject with MailError 'unsupported'. */
export interface MailWriter {
  storeFlags(loaded: { readonly folder: string; readonly uidValidity: number | undefined; readonly messages: readonly LoadedFlags[] }, change: FlagChange, signal?: Cancel): Promise<FlagResult>;
  createFolder(folder: NewFolder, signal?: Cancel): Promise<{ readonly path: string }>;
  /** Renames (and so moves under another parent) a folder; INBOX is refused with RFC 3501's reason. */
  renameFolder(path: string, to: { readonly parent: string | undefined; readonly name: string }, signal?: Cancel): Promise<{ readonly path: string }>;
  deleteFolder(path: string, confirmed: FolderDeletion, signal?: Cancel): Promise<void>;
  setSubscribed(path: string, subscribed: boolean, signal?: Cancel): Promise<void>;
  copyMessages(set: MessageSet, target: string, signal?: Cancel): Promise<TransferResult>;
  /** What moveMessages would do now (no change is made; refused on a read-only account like every write). */
  planMove(set: MessageSet, target: string, signal?: Cancel): Promise<TransferPlan>;
  /**
   * Moves; without MOVE and UIDPLUS the originals are only marked \Deleted (method 'copyMarkDeleted') unless
   * `expungeOthers` says the user accepted that a plain EXPUNGE also removes the folder's other \Deleted messages.
   */
  moveMessages(set: MessageSet, target: string, options?: { readonly expungeOthers?: boolean }, signal?: Cancel): Promise<TransferResult>;
  /** Removes exactly these messages for good: STORE \Deleted + UID EXPUNGE (UIDPLUS; refused without it); POP3: DELE. */
  removeMessages(set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }>;
  /** To the special-use Trash where there is one (and the folder is not it), else mark \Deleted; POP3: DELE. */
  deleteMessages(set: MessageSet, signal?: Cancel): Promise<DeleteResult>;
  /** EXPUNGE the folder; `confirmedDeleted` is the count of \Deleted messages the user confirmed. */
  expungeFolder(folder: string, confirmedDeleted: number, signal?: Cancel): Promise<{ readonly expunged: number }>;
  /** APPENDs the bytes exactly, with flags and internal date. */
  appendMessage(folder: string, bytes: Buffer, options: { readonly flags?: readonly string[]; readonly internalDate?: Date }, signal?: Cancel): Promise<AppendResult>;
  undo(plan: UndoPlan, signal?: Cancel): Promise<void>;
}

/** Every method of MailWriter, by name: the guard and its unit test go over all of them. */
export const WRITE_OPERATIONS = [
  'storeFlags',
  'createFolder',
  'renameFolder',
  'deleteFolder',
  'setSubscribed',
  'copyMessages',
  'planMove',
  'moveMessages',
  'removeMessages',
  'deleteMessages',
  'expungeFolder',
  'appendMessage',
  'undo',
] as const satisfies readonly (keyof MailWriter)[];

// Compile-time check that WRITE_OPERATIONS names every method (a new method must be listed, so it is guarded).
type Missing = Exclude<keyof MailWriter, (typeof WRITE_OPERATIONS)[number]>;
export const WRITE_OPERATIONS_COMPLETE: Missing extends never ? true : never = true;
