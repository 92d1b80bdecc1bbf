import { Address, MessageSummary } from '../../core/mailStore';

/** Text shown for a message in the tree: pure functions, so they are easy to test and reuse. */
export function formatAddress(list: readonly Address[]): string {
  const first = list[0];
  if (!first) return '(no sender)';
  return first.name || first.address || '(no sender)';
}

export function formatDate(date: Date | undefined, now = new Date()): string {
  if (!date) return '';
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export interface FlagState {
  unread: boolean;
  flagged: boolean;
  answered: boolean;
  forwarded: boolean;
  deleted: boolean;
  draft: boolean;
}

export function flagState(message: MessageSummary, isImap: boolean): FlagState {
  const has = (f: string): boolean => message.flags.some((x) => x.toLowerCase() === f.toLowerCase());
  return {
    unread: isImap && !has('\\Seen'),
    flagged: has('\\Flagged'),
    answered: has('\\Answered'),
    forwarded: has('$Forwarded'),
    deleted: has('\\Deleted'),
    draft: has('\\Draft'),
  };
}
