import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AfterDownload } from '../accounts/account';
import { MailError } from '../errors';
import { formatBytes } from '../format';
import { MailStore } from '../mailStore';
import { safeFileName, writeInside } from '../mime/safeFileName';
import { assertWritable } from '../write/guardedWriter';
import { AccessMode } from '../write/mailWriter';
import { Clock, DownloadLedger } from './downloadLedger';
import { markExactly } from './exactDeletion';
import { responseCode } from './pop3Errors';
import { deletesOnRetrieval, describeRetention, formatSeconds, parseRetention, Pop3Retention } from './pop3Retention';
import { Pop3Store } from './pop3Store';

// "Download Maildrop…", the classic POP3 client: one short session retrieves every message the ledger does not
// know yet into files, then keeps, deletes or leaves a copy by the account's policy. Deletion is a write: refused
// on a read-only account before anything is retrieved.

const EXPIRE_0_WORDS = 'downloading from a server that deletes every message it hands out (EXPIRE 0)';

/** Where downloaded messages go: one new file per message, never over an existing one. */
export interface MessageSink {
  /** Writes `bytes` as a new file named `name` (or "name (1).eml" when taken), checks it, returns its path. */
  write(name: string, bytes: Buffer): Promise<string>;
}

/** A sink writing into `folder` (created with O_EXCL: an existing file or link is never followed or replaced), read back to verify. */
export function folderSink(folder: string): MessageSink {
  return {
    async write(name, bytes) {
      const path = await writeInside(folder, name, bytes, 'message.eml');
      const written = await readFile(path);
      if (!written.equals(bytes)) throw new MailError('config', `${path} does not hold the ${bytes.length} bytes that were written to it; the download stopped and nothing was deleted.`);
      return path;
    },
  };
}

/** `<uidl>.eml`, the UIDL's characters a file system may misread written as %XX (so distinct UIDLs keep distinct names). */
export function fileNameFor(uidl: string): string {
  const encoded = uidl.replace(/[^A-Za-z0-9_\-+=@,.]|^\./g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return safeFileName(`${encoded}.eml`, 'message.eml');
}

export interface DownloadProgress {
  readonly phase: 'retrieving' | 'deleting';
  /** Messages retrieved so far, of `total` to retrieve. */
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  /** The server's EXPIRE / LOGIN-DELAY in words, once known (after login). */
  readonly retention?: string;
}

/** What the policy would delete, asked before any DELE (the user confirms with this count). */
export interface DeletionPlan {
  readonly ids: readonly string[];
  readonly policy: AfterDownload;
  readonly retention: Pop3Retention;
}

export interface DownloadOptions {
  readonly store: Pop3Store;
  readonly ledger: DownloadLedger;
  readonly clock: Clock;
  readonly sink: MessageSink;
  /** The account's `pop3.afterDownload` (afterDownloadOf(account)). */
  readonly policy: AfterDownload;
  /** The session's access mode: a policy that may delete is refused unless read-write. */
  readonly access: AccessMode;
  readonly progress?: (progress: DownloadProgress) => void;
  /** Cancel: retrieving stops after the message under way, the session ends with RSET and QUIT, nothing is deleted. */
  readonly signal?: AbortSignal;
  /** Asked once, with the exact messages, before any DELE; false keeps them all. Without it, the policy is applied. */
  readonly confirmDeletion?: (plan: DeletionPlan) => Promise<boolean>;
  /** Largest message retrieved (LIST size); bigger ones are left on the server and said so. */
  readonly maxMessageBytes?: number;
}

export interface DownloadedMessage {
  readonly id: string;
  readonly file: string;
  readonly bytes: number;
}

export interface DownloadResult {
  readonly downloaded: readonly DownloadedMessage[];
  readonly downloadedBytes: number;
  /** Messages on the server that an earlier download already saved. */
  readonly skipped: number;
  /** Deleted from the server by the policy (committed by QUIT). */
  readonly deleted: readonly string[];
  /** Messages left on the server. */
  readonly kept: number;
  readonly retention: Pop3Retention;
  /** The user cancelled: what was saved is recorded, nothing was deleted. */
  readonly cancelled: boolean;
  /** The user did not confirm the deletion: nothing was deleted. */
  readonly declined: boolean;
  /** When the server's LOGIN-DELAY allows the next login; undefined when it announced none. */
  readonly nextLogin: Date | undefined;
  /** Plain sentences: EXPIRE 0, messages too large, files saved under another name. */
  readonly notices: readonly string[];
}

/** The Pop3Store of a session's store (the offline wrapper names it `origin`), or undefined for another protocol. */
export function maildropOf(store: MailStore): Pop3Store | undefined {
  const inner = (store as { origin?: MailStore }).origin ?? store;
  return inner instanceof Pop3Store ? inner : undefined;
}

/** Whether the policy can delete anything on the server. */
export function policyDeletes(policy: AfterDownload): boolean {
  return policy.policy !== 'keep';
}

/** What the policy does, in words ("keep every message on the server"). */
export function describePolicy(policy: AfterDownload): string {
  switch (policy.policy) {
    case 'keep':
      return 'keep every message on the server';
    case 'delete':
      return 'delete each message from the server once it is saved';
    case 'leaveCopy':
      return `leave a copy on the server for ${policy.days} day${policy.days === 1 ? '' : 's'} after it was first downloaded`;
  }
}

/**
 * Refuses up front, before any session, a download that would change the server on a read-only account: a policy
 * that deletes, or a server known to delete what it hands out (EXPIRE 0). Answers what is known of the server's
 * EXPIRE and LOGIN-DELAY (from the latest session's CAPA) for the user's confirmation.
 */
export function checkDownloadAllowed(store: Pop3Store, policy: AfterDownload, access: AccessMode): Pop3Retention {
  const label = store.account.label;
  if (policyDeletes(policy)) assertWritable(access, label, `downloading with "${describePolicy(policy)}" (it deletes messages on the server)`);
  const known = parseRetention(store.capabilityLists()?.current);
  if (deletesOnRetrieval(known)) assertWritable(access, label, EXPIRE_0_WORDS);
  return known;
}

/**
 * Downloads the maildrop in one session: CAPA (after login, for this user's EXPIRE and LOGIN-DELAY), UIDL, LIST,
 * RETR of every message whose UIDL the ledger does not know (each written, verified and recorded with the
 * clock's date before the next), RSET (nothing retrieved is marked), then by the policy: keep; delete exactly those
 * saved now; or leave a copy: delete those first downloaded more than N days ago that are still there. QUIT.
 */
export async function downloadMaildrop(options: DownloadOptions): Promise<DownloadResult> {
  const { store, ledger, clock, sink, policy, access } = options;
  const label = store.account.label;
  const known = checkDownloadAllowed(store, policy, access);
  const delay = Math.max(ledger.loginDelay ?? 0, known.loginDelay?.seconds ?? 0);
  const allowed = ledger.nextLoginAllowed(delay);
  const now = clock.now();
  if (allowed && allowed > now) throw tooSoon(delay, allowed, now);

  const limit = options.maxMessageBytes ?? store.messageLimit;
  let present = new Set<string>();
  const result = await store
    .maildropSession(async (s): Promise<DownloadResult> => {
      const loginAt = clock.now();
      const retention = parseRetention((await s.capa()) ?? s.capabilities);
      await ledger.noteLogin(loginAt, retention.loginDelay?.seconds);
      const retentionWords = describeRetention(retention);
      const notices: string[] = [];
      if (deletesOnRetrieval(retention)) {
        // What is retrieved is deleted at QUIT by the server itself: a change, so a read-only account retrieves nothing.
        assertWritable(access, label, EXPIRE_0_WORDS);
        notices.push('The server deletes every message once it is downloaded, whatever this client does (EXPIRE 0): the downloaded messages are gone from the server.');
      }
      const expireDays = retention.expire?.days;
      if (policy.policy === 'leaveCopy' && typeof expireDays === 'number' && expireDays > 0 && expireDays < policy.days) {
        notices.push(`The server keeps messages only ${expireDays} day${expireDays === 1 ? '' : 's'} (EXPIRE ${expireDays}), fewer than the ${policy.days} days this account leaves a copy for: it may delete them sooner by itself.`);
      }
      const uidls = await s.uidlAll();
      if (!uidls) throw new MailError('unsupported', 'This server does not support UIDL, so the messages already downloaded cannot be told from new ones; nothing was downloaded.');
      const sizes = await s.listAll();
      const numbers = [...uidls.keys()].sort((a, b) => a - b);
      present = new Set(uidls.values());
      const wanted = numbers.filter((n) => !ledger.has(uidls.get(n)!));
      const skipped = numbers.length - wanted.length;
      const downloaded: DownloadedMessage[] = [];
      let bytes = 0;
      let cancelled = false;
      let renamed = 0;
      const tooLarge: string[] = [];
      const report = (phase: DownloadProgress['phase']): void => options.progress?.({ phase, done: downloaded.length, total: wanted.length, bytes, ...(retentionWords ? { retention: retentionWords } : {}) });
      report('retrieving');
      for (const n of wanted) {
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        const id = uidls.get(n)!;
        if ((sizes.get(n) ?? 0) > limit) {
          tooLarge.push(id);
          continue;
        }
        const raw = await s.retr(n, limit, sizes.get(n));
        const name = fileNameFor(id);
        const file = await sink.write(name, raw);
        if (basename(file) !== name) renamed++;
        await ledger.record(id, clock.now());
        downloaded.push({ id, file, bytes: raw.length });
        bytes += raw.length;
        report('retrieving');
      }
      if (options.signal?.aborted) cancelled = true;
      await s.rset(); // undoes what RETR marked (Dovecot's \Seen for IMAP clients); nothing is deleted yet
      if (tooLarge.length) notices.push(`${tooLarge.length} message${tooLarge.length === 1 ? ' is' : 's are'} larger than ${limit} bytes and stayed on the server, not downloaded (${tooLarge.join(', ')}).`);
      if (renamed) notices.push(`${renamed} file${renamed === 1 ? ' was' : 's were'} saved under another name ("… (1).eml"), because a file of that name already existed; no file was overwritten.`);

      let ids: string[] = [];
      if (!cancelled && policy.policy === 'delete') ids = downloaded.map((m) => m.id);
      else if (!cancelled && policy.policy === 'leaveCopy') ids = ledger.olderThan(policy.days, clock.now(), present);
      let declined = false;
      if (ids.length > 0 && options.confirmDeletion) declined = !(await options.confirmDeletion({ ids, policy, retention }));
      if (options.signal?.aborted) cancelled = true;
      const deleted = ids.length > 0 && !declined && !cancelled ? ids : [];
      if (deleted.length > 0) {
        report('deleting');
        await markExactly(s, deleted, uidls);
      }
      const nextLogin = ledger.nextLoginAllowed(); // LOGIN-DELAY counts from this session's login
      const kept = present.size - deleted.length;
      return { downloaded, downloadedBytes: bytes, skipped, deleted, kept, retention, cancelled, declined, nextLogin, notices };
    })
    .catch((err: unknown) => {
      throw loginDelayRefusal(err, ledger, clock);
    });
  // Committed by QUIT: the tree follows, and the ledger forgets what is no longer on the server.
  store.noteRemoved(result.deleted, result.kept);
  for (const id of result.deleted) present.delete(id);
  await ledger.keepOnly(present);
  return result;
}

/** One line for the final notification: "Saved 3 messages (12 KB) to …; 5 already downloaded; deleted 3 from the server." */
export function summarizeDownload(result: DownloadResult, folder: string): string {
  const n = result.downloaded.length;
  const parts = [`Saved ${n} message${n === 1 ? '' : 's'} (${formatBytes(result.downloadedBytes)}) to ${folder}`];
  if (result.skipped) parts.push(`${result.skipped} already downloaded before`);
  parts.push(result.deleted.length ? `deleted ${result.deleted.length} from the server` : 'deleted nothing on the server');
  parts.push(`${result.kept} left on the server`);
  let text = parts.join('; ') + '.';
  if (result.cancelled) text += ' Cancelled: the files saved so far are kept and recorded; nothing was deleted.';
  if (result.declined) text += ' The deletion was not confirmed, so nothing was deleted.';
  const words = describeRetention(result.retention);
  if (words) text += ` ${words}`;
  if (result.nextLogin) text += ` The next login is allowed from ${result.nextLogin.toISOString()}.`;
  for (const notice of result.notices) text += ` ${notice}`;
  return text;
}

function tooSoon(seconds: number, allowed: Date, now: Date): MailError {
  const wait = Math.ceil((allowed.getTime() - now.getTime()) / 1000);
  return new MailError(
    'server',
    `The server allows one login every ${formatSeconds(seconds)} (LOGIN-DELAY ${seconds}), and the last download logged in less than that ago; nothing was sent. The next download is allowed from ${allowed.toISOString()} (in ${formatSeconds(wait)}).`,
    `LOGIN-DELAY ${seconds}`,
  );
}

/** A login the server refused with [LOGIN-DELAY] (RFC 2449 §8.1.1), in plain words with when to try again. */
function loginDelayRefusal(err: unknown, ledger: DownloadLedger, clock: Clock): unknown {
  if (!MailError.is(err) || responseCode(err.serverText ?? '') !== 'LOGIN-DELAY') return err;
  const allowed = ledger.nextLoginAllowed();
  const when = allowed && allowed > clock.now() ? ` Try again from ${allowed.toISOString()}.` : ' Try again later.';
  return new MailError('server', `The server refused the login because the previous one was too recent (LOGIN-DELAY); nothing was downloaded or deleted.${when}`, err.serverText, { cause: err });
}
