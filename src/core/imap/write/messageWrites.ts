import { MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { AppendResult, DeleteResult, MessageSet, TransferPlan, TransferResult, UndoPlan } from '../../write/mailWriter';
import { ImapWriteDeps } from './writeContext';

export function copyMessages(_deps: ImapWriteDeps, _set: MessageSet, _target: string, _signal?: Cancel): Promise<TransferResult> {
  return Promise.reject(new MailError('unsupported', 'copyMessages is not built yet.'));
}

export function planMove(_deps: ImapWriteDeps, _set: MessageSet, _target: string, _signal?: Cancel): Promise<TransferPlan> {
  return Promise.reject(new MailError('unsupported', 'planMove is not built yet.'));
}

export function moveMessages(_deps: ImapWriteDeps, _set: MessageSet, _target: string, _options: { readonly expungeOthers?: boolean } | undefined, _signal?: Cancel): Promise<TransferResult> {
  return Promise.reject(new MailError('unsupported', 'moveMessages is not built yet.'));
}

export function removeMessages(_deps: ImapWriteDeps, _set: MessageSet, _signal?: Cancel): Promise<{ readonly removed: readonly string[] }> {
  return Promise.reject(new MailError('unsupported', 'removeMessages is not built yet.'));
}

export function deleteMessages(_deps: ImapWriteDeps, _set: MessageSet, _signal?: Cancel): Promise<DeleteResult> {
  return Promise.reject(new MailError('unsupported', 'deleteMessages is not built yet.'));
}

export function expungeFolder(_deps: ImapWriteDeps, _folder: string, _confirmedDeleted: number, _signal?: Cancel): Promise<{ readonly expunged: number }> {
  return Promise.reject(new MailError('unsupported', 'expungeFolder is not built yet.'));
}

export function appendMessage(_deps: ImapWriteDeps, _folder: string, _bytes: Buffer, _options: { readonly flags?: readonly string[]; readonly internalDate?: Date }, _signal?: Cancel): Promise<AppendResult> {
  return Promise.reject(new MailError('unsupported', 'appendMessage is not built yet.'));
}

export function undoMessages(_deps: ImapWriteDeps, _plan: Exclude<UndoPlan, { kind: 'flags' }>, _signal?: Cancel): Promise<void> {
  return Promise.reject(new MailError('unsupported', 'undo is not built yet.'));
}
