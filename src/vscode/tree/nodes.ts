import * as vscode from 'vscode';
import { accessOf, AccountDefinition } from '../../core/accounts/account';
import { MailError } from '../../core/errors';
import { FolderInfo, MessageSummary } from '../../core/mailStore';
import { MessageInspector } from '../../core/inspect/messageInspector';
import { PartTree } from '../../core/mime/partTree';
import { MessageRef, toMessageUri } from '../documents/uris';
import { partNodes } from './partNodes';
import { formatBytesExact } from '../../core/format';
import { errorRowText } from '../../core/errorText';
import { folderDescription, folderTooltipCounts } from '../../core/folderText';
import { shownFolders } from '../../core/folderVisibility';
import { Feature, Features } from '../../core/session/features';
import { ConnectionState } from '../../core/session/sessionEvents';
import { accountContext, folderContext, messageContext } from '../../core/treeContext';
import { AccessMode } from '../../core/write/mailWriter';
import { escapeMarkdown } from './markdown';
import { flagState, formatAddress, formatDate } from './messageLabels';
import { TreeNode } from './treeNode';

/** What nodes need from the tree: loading, cached per account and folder. */
export interface TreeBackend {
  folders(account: AccountDefinition): Promise<FolderInfo[]>;
  /** The loaded page of a folder; `uidValidity` is the generation its ids belong to (IMAP). */
  messages(account: AccountDefinition, folder: FolderInfo): Promise<{ messages: readonly MessageSummary[]; hasMore: boolean; warning?: string; uidValidity?: number }>;
  inspector(ref: MessageRef, expectedSize?: number): MessageInspector;
  /** Called when a message's part tree is known, so its node can say what is missing. */
  partTreeLoaded(node: TreeNode, tree: PartTree): void;
  /** A short note about a message's part tree ("1,000 of 10,000 parts"), if it was cut. */
  partTreeNote(nodeId: string): string | undefined;
  /** What the account's live connection offers; undefined before its first connection. */
  features(account: AccountDefinition): Features | undefined;
  /** The account session's state (live, polling, offline, …); undefined before its first use. */
  state(account: AccountDefinition): ConnectionState | undefined;
  /** The folder the account's session keeps live now, if any. */
  watchedFolder(account: AccountDefinition): string | undefined;
  /** A folder's messages are shown (it is expanded, also when VS Code restored the expansion): keep it live. */
  folderShown(node: FolderNode): void;
  /** The account's access mode now: its session's (which "Allow Changes for This Session" may switch), else its setting. */
  access(account: AccountDefinition): AccessMode;
  /** Whether folders the server reports as unsubscribed are listed (mailInspector.showUnsubscribedFolders). */
  showUnsubscribed(): boolean;
  /** The saved searches' result nodes under an account (searches of every folder) or a folder (src/vscode/search). */
  searchNodes(parent: AccountNode | FolderNode): Promise<TreeNode[]>;
}

/** What the account row says about its session, and its icon. Nothing for a session that is idle or not used yet. */
const STATE_TEXT: Partial<Record<ConnectionState, { word: string; icon: string; tooltip: string }>> = {
  live: { word: 'live', icon: 'broadcast', tooltip: 'Live: the server pushes changes to the expanded folder as they happen (IDLE).' },
  polling: { word: 'polling', icon: 'sync', tooltip: 'Polling: the expanded folder is asked for changes every few seconds (mailInspector.pollSeconds).' },
  offline: { word: 'offline', icon: 'debug-disconnect', tooltip: 'Offline: the server cannot be reached; what was fetched before is shown from the cache.' },
  reconnecting: { word: 'reconnecting…', icon: 'sync~spin', tooltip: 'Reconnecting: the connection was lost and is being opened again.' },
};

/** The account row's words for its access: read-write is shown, read-only (the default) is not. */
function accessText(mode: AccessMode, setting: AccessMode): { description: string; tooltip: string } {
  const forSession = mode !== setting ? ` for this session (the account's "access" setting says ${setting})` : '';
  return mode === 'read-write'
    ? {
        description: ' · read-write',
        tooltip: `$(unlock) **Read-write**${forSession}: flags, folders, copies, moves, deletions and uploads are made when you ask for them; each write shows its commands in the traffic.`,
      }
    : { description: '', tooltip: `$(lock) **Read-only**${forSession}: nothing on the server is changed; every write is refused before anything is sent.` };
}

function supports(features: Features | undefined, feature: Feature): boolean {
  return features?.supports(feature) ?? false;
}

const SPECIAL_ICONS: Record<string, string> = {
  inbox: 'inbox',
  sent: 'send',
  drafts: 'edit',
  trash: 'trash',
  junk: 'warning',
  archive: 'archive',
  all: 'mail',
  flagged: 'star-full',
};

export class AccountNode extends TreeNode {
  readonly parent = undefined;
  constructor(readonly account: AccountDefinition, private readonly backend: TreeBackend) {
    super();
  }

  get id(): string {
    return `account:${this.account.id}`;
  }

  toTreeItem(): vscode.TreeItem {
    const a = this.account;
    const item = new vscode.TreeItem(a.label, vscode.TreeItemCollapsibleState.Collapsed);
    const unencrypted = a.security === 'none';
    const state = this.backend.state(a);
    const shown = state ? STATE_TEXT[state] : undefined;
    const mode = this.backend.access(a);
    const writable = mode === 'read-write';
    const access = accessText(mode, accessOf(a));
    item.description = `${a.protocol.toUpperCase()} · ${a.host}:${a.port}${unencrypted ? ' · unencrypted' : ''}${shown ? ` · ${shown.word}` : ''}${access.description}`;
    // Read-write shows in the icon too: a pencil (or the state's icon) in orange, whatever the state.
    item.iconPath = unencrypted
      ? new vscode.ThemeIcon('unlock', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(shown?.icon ?? (writable ? 'edit' : 'account'), writable ? new vscode.ThemeColor('charts.orange') : state === 'live' ? new vscode.ThemeColor('charts.green') : undefined);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(a.label)}**\n\n`);
    tooltip.appendMarkdown(`${a.protocol.toUpperCase()} · ${escapeMarkdown(a.user)} @ ${escapeMarkdown(a.host)}:${a.port}\n\n`);
    tooltip.appendMarkdown(
      a.security === 'tls' ? 'Implicit TLS' : a.security === 'starttls' ? 'STARTTLS (required)' : '$(warning) **Unencrypted**: the password and mail cross the network in clear.',
    );
    if (a.allowInvalidCertificate) tooltip.appendMarkdown('\n\n$(warning) Invalid certificates are accepted for this account.');
    tooltip.appendMarkdown(`\n\n${access.tooltip}`);
    if (shown) tooltip.appendMarkdown(`\n\n${escapeMarkdown(shown.tooltip)}`);
    const watched = this.backend.watchedFolder(a);
    if (watched !== undefined && (state === 'live' || state === 'polling')) tooltip.appendMarkdown(`\n\nWatching: ${escapeMarkdown(watched)}`);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.contextValue = accountContext(this.backend.features(a), { writable });
    item.id = this.id;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const folders = await this.backend.folders(this.account);
    return [...folderChildren(this, this.account, folders, undefined, this.backend), ...(await this.backend.searchNodes(this))];
  }
}

function folderChildren(parent: TreeNode, account: AccountDefinition, all: FolderInfo[], parentPath: string | undefined, backend: TreeBackend): FolderNode[] {
  const known = new Set(all.map((f) => f.path));
  const shown = backend.showUnsubscribed() ? undefined : shownFolders(all);
  return all
    .filter((f) => (parentPath === undefined ? f.parentPath === undefined || !known.has(f.parentPath) : f.parentPath === parentPath))
    .filter((f) => shown === undefined || shown.has(f.path))
    .map((f) => new FolderNode(parent, account, f, all, backend));
}

export class FolderNode extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    readonly account: AccountDefinition,
    private info: FolderInfo,
    private all: FolderInfo[],
    private readonly backend: TreeBackend,
  ) {
    super();
  }

  get folder(): FolderInfo {
    return this.info;
  }

  /** New counts (STATUS, a session's `counts` event) for the same folder: the row shows them when rendered again. */
  update(info: FolderInfo, all: FolderInfo[]): void {
    this.info = info;
    this.all = all;
  }

  get id(): string {
    return `folder:${this.account.id}:${this.folder.path}`;
  }

  private get subfolders(): FolderInfo[] {
    return this.all.filter((f) => f.parentPath === this.folder.path);
  }

  toTreeItem(): vscode.TreeItem {
    const f = this.folder;
    const features = this.backend.features(this.account);
    const noFolders = features !== undefined && !features.supports('folders');
    const watched = f.selectable && this.backend.watchedFolder(this.account) === f.path;
    const hasChildren = f.selectable || this.subfolders.length > 0;
    const item = new vscode.TreeItem(f.name, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = folderDescription(f, this.all);
    item.iconPath = new vscode.ThemeIcon(!f.selectable ? 'folder-library' : f.specialUse ? SPECIAL_ICONS[f.specialUse] ?? 'folder' : 'folder');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(f.path)}**\n\n`);
    if (noFolders) tooltip.appendMarkdown('POP3 has no folders: this is the whole maildrop, one list of messages on the server.\n\n');
    for (const line of folderTooltipCounts(f, this.all)) tooltip.appendMarkdown(`${escapeMarkdown(line)}\n\n`);
    if (f.specialUse) tooltip.appendMarkdown(`Special use: ${f.specialUse}\n\n`);
    if (f.subscribed === false) tooltip.appendMarkdown('Not subscribed: other mail clients may not list it ("Subscribe" lists it again).\n\n');
    if (!f.selectable) tooltip.appendMarkdown('The server marks this folder \\\\Noselect: it only holds other folders.');
    if (watched) tooltip.appendMarkdown(supports(features, 'idle') ? 'Live: the server pushes new mail, expunges and flag changes (IDLE) while the folder is expanded.' : 'Checked for changes every few seconds (mailInspector.pollSeconds) while the folder is expanded.');
    item.tooltip = tooltip;
    item.contextValue = folderContext(f.selectable, watched, features, { writable: this.backend.access(this.account) === 'read-write', subscribed: f.subscribed, specialUse: f.specialUse });
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const subfolders = folderChildren(this, this.account, this.all, this.folder.path, this.backend);
    if (!this.folder.selectable) return subfolders;
    const page = await this.backend.messages(this.account, this.folder);
    this.backend.folderShown(this);
    const nodes: TreeNode[] = [...subfolders, ...(await this.backend.searchNodes(this))];
    if (page.warning) nodes.push(new NoticeNode(this, `${this.id}:warning`, page.warning, 'warning'));
    nodes.push(...page.messages.map((m) => new MessageNode(this, this.account, this.folder, m, this.backend, page.uidValidity)));
    if (page.hasMore) nodes.push(new LoadMoreNode(this));
    if (page.messages.length === 0 && subfolders.length === 0) nodes.push(new NoticeNode(this, `${this.id}:empty`, 'No messages', 'info'));
    return nodes;
  }
}

export class MessageNode extends TreeNode {
  constructor(
    readonly parent: FolderNode,
    readonly account: AccountDefinition,
    readonly folder: FolderInfo,
    readonly message: MessageSummary,
    private readonly backend: TreeBackend,
    /** The folder's UIDVALIDITY when the message was listed: tabs opened from here name that generation. */
    readonly uidValidity?: number,
  ) {
    super();
  }

  get ref(): MessageRef {
    return { kind: 'server', accountId: this.account.id, folderPath: this.folder.path, messageId: this.message.id, ...(this.uidValidity !== undefined ? { uidValidity: this.uidValidity } : {}) };
  }

  override async getChildren(): Promise<TreeNode[]> {
    const inspector = this.backend.inspector(this.ref, this.message.size);
    const tree = await inspector.tree();
    this.backend.partTreeLoaded(this, tree);
    return partNodes(this, { ref: this.ref, title: this.message.subject || 'message', inspector, idPrefix: this.id }, tree);
  }

  get id(): string {
    // {account, folder, UIDVALIDITY, UID}: a message of a re-created folder with the same UID is another node.
    return `message:${this.account.id}:${this.folder.path}:${this.uidValidity ?? '-'}:${this.message.id}`;
  }

  get uri(): vscode.Uri {
    return toMessageUri({ accountId: this.account.id, folderPath: this.folder.path, messageId: this.message.id, ...(this.uidValidity !== undefined ? { uidValidity: this.uidValidity } : {}) }, this.message.subject);
  }

  toTreeItem(): vscode.TreeItem {
    const m = this.message;
    const features = this.backend.features(this.account);
    const hasFlags = supports(features, 'flags');
    const state = flagState(m, hasFlags);
    const subject = m.subject || '(no subject)';
    const item = new vscode.TreeItem(subject, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const note = this.backend.partTreeNote(this.id);
    // Keywords (flags without a backslash: `$Junk`, `project-x`) are marked on the row; system flags show in the icon.
    const keywords = m.flags.filter((f) => !f.startsWith('\\'));
    item.description = `${formatAddress(m.from)} · ${formatDate(m.date)}${keywords.length ? ` · 🏷 ${keywords.join(' ')}` : ''}${note ? ` · ⚠ ${note}` : ''}`;
    item.iconPath = state.flagged
      ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
      : state.answered
        ? new vscode.ThemeIcon('reply', state.unread ? new vscode.ThemeColor('charts.blue') : undefined)
        : state.unread
          ? new vscode.ThemeIcon('mail', new vscode.ThemeColor('charts.blue'))
          : new vscode.ThemeIcon('mail-read');
    const t = new vscode.MarkdownString();
    t.appendMarkdown(`**${escapeMarkdown(subject)}**\n\n`);
    t.appendMarkdown(`From: ${escapeMarkdown(m.from.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ') || '—')}\n\n`);
    if (m.to.length) t.appendMarkdown(`To: ${escapeMarkdown(m.to.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '))}\n\n`);
    t.appendMarkdown(`Date: ${m.date ? m.date.toUTCString() : '—'}\n\n`);
    if (m.messageId) t.appendMarkdown(`Message-ID: ${escapeMarkdown(m.messageId)}\n\n`);
    t.appendMarkdown(`Size: ${escapeMarkdown(formatBytesExact(m.size))}\n\n`);
    const status = [state.unread ? 'unread' : hasFlags ? 'read' : '', state.flagged ? 'flagged' : '', state.answered ? 'answered' : '', state.forwarded ? 'forwarded' : '', state.draft ? 'draft' : '', state.deleted ? 'marked deleted' : ''].filter(Boolean);
    if (status.length) t.appendMarkdown(`Status: ${status.join(', ')}\n\n`);
    const systemFlags = m.flags.filter((f) => f.startsWith('\\'));
    t.appendMarkdown(
      hasFlags || (features === undefined && m.flags.length > 0)
        ? `UID ${escapeMarkdown(m.id)} · Flags: ${escapeMarkdown(systemFlags.join(' ') || '(none)')} · Keywords: ${escapeMarkdown(keywords.join(' ') || '(none)')}${m.modseq ? ` · MODSEQ ${escapeMarkdown(m.modseq)}` : ''}`
        : features === undefined
          ? `Id ${escapeMarkdown(m.id)}`
          : `UIDL ${escapeMarkdown(m.id)} · POP3 has no flags`,
    );
    item.tooltip = t;
    item.contextValue = messageContext(features, { writable: this.backend.access(this.account) === 'read-write', ...(hasFlags ? { flags: m.flags } : {}) });
    item.command = { command: 'mailInspector.openMessage', title: 'Open Message', arguments: [this] };
    item.resourceUri = undefined;
    return item;
  }
}

export class LoadMoreNode extends TreeNode {
  constructor(readonly parent: FolderNode) {
    super();
  }

  get id(): string {
    return `${this.parent.id}:more`;
  }

  toTreeItem(): vscode.TreeItem {
    return loadMoreItem(this, 'Fetch the next page of older messages', 'mailInspector.loadMore');
  }
}

/** The "Load more…" row of a paged list (a folder's messages, a search's matches): `command` gets the node. */
export function loadMoreItem(node: TreeNode, tooltip: string, command: string): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('fold-down');
  item.tooltip = tooltip;
  item.contextValue = 'loadMore';
  item.command = { command, title: 'Load More', arguments: [node] };
  return item;
}

/** An operation failed: one node under the account with the plain explanation and the server's words. */
export class ErrorNode extends TreeNode {
  constructor(readonly parent: TreeNode, readonly account: AccountDefinition, readonly error: MailError) {
    super();
  }

  get id(): string {
    return `${this.parent.id}:error`;
  }

  toTreeItem(): vscode.TreeItem {
    const e = this.error;
    const text = errorRowText(e);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.description = text.description;
    item.tooltip = new vscode.MarkdownString(text.tooltip);
    item.contextValue = `error error-${e.reason}`;
    item.command = { command: 'mailInspector.showTraffic', title: 'Show Traffic', arguments: [this] };
    return item;
  }
}

/** A line of information (needs a password, empty folder, warning). */
export class NoticeNode extends TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly id: string,
    private readonly text: string,
    private readonly icon: 'info' | 'warning' | 'key',
    private readonly command?: vscode.Command,
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.text;
    item.contextValue = 'notice';
    item.command = this.command;
    return item;
  }
}
