import { FlagChange } from './mailWriter';

// The flag commands of issue 10, as data: each command's id, its title, and the change it stores. The UI makes its
// commands and menus from this table; the core and the tests use the same changes. Keywords the user types (Add
// Keyword… / Remove Keyword…) go through keywordChange.

export type FlagCommandId =
  | 'markRead'
  | 'markUnread'
  | 'flag'
  | 'unflag'
  | 'markAnswered'
  | 'markUnanswered'
  | 'markForwarded'
  | 'markDeleted'
  | 'undelete'
  | 'markJunk'
  | 'markNotJunk';

export interface FlagCommand {
  readonly id: FlagCommandId;
  readonly title: string;
  readonly change: FlagChange;
  /** The flag the command is about (a menu may offer Mark Read only where a message lacks \Seen). */
  readonly flag: string;
}

export const FLAG_COMMANDS: readonly FlagCommand[] = [
  { id: 'markRead', title: 'Mark Read', change: { add: ['\\Seen'] }, flag: '\\Seen' },
  { id: 'markUnread', title: 'Mark Unread', change: { remove: ['\\Seen'] }, flag: '\\Seen' },
  { id: 'flag', title: 'Flag', change: { add: ['\\Flagged'] }, flag: '\\Flagged' },
  { id: 'unflag', title: 'Unflag', change: { remove: ['\\Flagged'] }, flag: '\\Flagged' },
  { id: 'markAnswered', title: 'Mark Answered', change: { add: ['\\Answered'] }, flag: '\\Answered' },
  { id: 'markUnanswered', title: 'Mark Unanswered', change: { remove: ['\\Answered'] }, flag: '\\Answered' },
  { id: 'markForwarded', title: 'Mark Forwarded', change: { add: ['$Forwarded'] }, flag: '$Forwarded' },
  { id: 'markDeleted', title: 'Mark Deleted', change: { add: ['\\Deleted'] }, flag: '\\Deleted' },
  { id: 'undelete', title: 'Undelete', change: { remove: ['\\Deleted'] }, flag: '\\Deleted' },
  { id: 'markJunk', title: 'Mark as Junk', change: { add: ['$Junk'], remove: ['$NotJunk'] }, flag: '$Junk' },
  { id: 'markNotJunk', title: 'Mark as Not Junk', change: { add: ['$NotJunk'], remove: ['$Junk'] }, flag: '$NotJunk' },
];

export function flagCommand(id: FlagCommandId): FlagCommand {
  const command = FLAG_COMMANDS.find((c) => c.id === id);
  if (!command) throw new Error(`unknown flag command ${id}`);
  return command;
}

/** Add Keyword… / Remove Keyword…: the change for a keyword the user typed (validated by the writer before sending). */
export function keywordChange(keyword: string, add: boolean): FlagChange {
  const trimmed = keyword.trim();
  return add ? { add: [trimmed] } : { remove: [trimmed] };
}

/** What a FlagChange does, in words for a notification: "added \Seen", "added $Junk, removed $NotJunk". */
export function describeChange(change: FlagChange): string {
  const parts: string[] = [];
  if (change.add && change.add.length > 0) parts.push(`added ${change.add.join(' ')}`);
  if (change.remove && change.remove.length > 0) parts.push(`removed ${change.remove.join(' ')}`);
  return parts.join(', ') || 'no change';
}
