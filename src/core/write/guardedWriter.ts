import { MailError } from '../errors';
import { AccessMode, MailWriter, WRITE_OPERATIONS } from './mailWriter';

/** The words a refusal names the operation with ("Mark Read needs…" reads better than a method name). */
const OPERATION_WORDS: Record<(typeof WRITE_OPERATIONS)[number], string> = {
  storeFlags: 'changing flags',
  createFolder: 'creating a folder',
  renameFolder: 'renaming a folder',
  deleteFolder: 'deleting a folder',
  setSubscribed: 'changing a subscription',
  copyMessages: 'copying messages',
  planMove: 'moving messages',
  moveMessages: 'moving messages',
  removeMessages: 'removing messages',
  deleteMessages: 'deleting messages',
  expungeFolder: 'expunging a folder',
  appendMessage: 'uploading a message',
  undo: 'undoing a change',
};

/** The refusal of a write on a read-only account: typed, in plain words, with what to do. */
export function readOnlyError(accountLabel: string, what: string): MailError {
  return new MailError('readOnly', `"${accountLabel}" is read-only, so ${what} was refused before anything was sent. Switch the account to read-write (its "access" setting, or "Allow Changes for This Session") to make changes.`);
}

/** Throws readOnlyError unless the mode is read-write. For writes outside MailWriter (POP3 deletion after download). */
export function assertWritable(mode: AccessMode, accountLabel: string, what: string): void {
  if (mode !== 'read-write') throw readOnlyError(accountLabel, what);
}

/**
 * A MailWriter that asks `mode()` on every call and refuses every method with MailError 'readOnly' unless the
 * account is read-write, before the inner writer (and so the server) is reached. This is where read-only is
 * enforced; menus only follow it.
 */
export function guardedWriter(inner: MailWriter, mode: () => AccessMode, accountLabel: () => string): MailWriter {
  const guarded = {} as Record<string, unknown>;
  for (const name of WRITE_OPERATIONS) {
    const method = inner[name] as (...args: unknown[]) => Promise<unknown>;
    guarded[name] = (...args: unknown[]): Promise<unknown> => {
      if (mode() !== 'read-write') return Promise.reject(readOnlyError(accountLabel(), OPERATION_WORDS[name]));
      return method.apply(inner, args);
    };
  }
  return guarded as unknown as MailWriter;
}

/** A writer for a protocol or server that cannot make changes: every method says so. */
export function unsupportedWriter(why: (operation: string) => string): MailWriter {
  const writer = {} as Record<string, unknown>;
  for (const name of WRITE_OPERATIONS) writer[name] = (): Promise<never> => Promise.reject(new MailError('unsupported', why(OPERATION_WORDS[name])));
  return writer as unknown as MailWriter;
}
