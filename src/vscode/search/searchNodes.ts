import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { FolderInfo, MessageSummary } from '../../core/mailStore';
import { escapeMarkdown } from '../tree/markdown';
import { AccountNode, FolderNode, loadMoreItem, MessageNode, TreeBackend } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { SavedSearch } from '../../core/search/savedSearches';
import { groupLabel, resultDescription, resultLabel, resultTooltipLines, searchContext, SearchState } from '../../core/search/resultText';

// The Accounts tree's search rows: a result node under the folder it searched (or under the account, for every
// folder), its pages of messages newest first with "Load more…", and for a search of several folders one group
// per folder with matches. Messages are the tree's own MessageNode (they open, show headers, … like any other);
// what the rows hold comes from the controller (searchController.ts), which the nodes only ask.

/** What the nodes ask of the controller. */
export interface SearchRows {
  state(searchId: string): SearchState;
  queryLabel(saved: SavedSearch): string;
  resultChildren(node: SearchResultNode): Promise<TreeNode[]>;
  groupChildren(node: SearchGroupNode): Promise<TreeNode[]>;
}

/** The row of one saved search: "Search: subject "invoice" — 1,204 results (server 38 ms)". */
export class SearchResultNode extends TreeNode {
  constructor(
    readonly parent: AccountNode | FolderNode,
    readonly account: AccountDefinition,
    readonly saved: SavedSearch,
    private readonly rows: SearchRows,
  ) {
    super();
  }

  get id(): string {
    return `search:${this.saved.id}`;
  }

  /** The folder node messages of a one-folder search belong to. */
  get folderNode(): FolderNode | undefined {
    return this.parent instanceof FolderNode ? this.parent : undefined;
  }

  toTreeItem(): vscode.TreeItem {
    const state = this.rows.state(this.saved.id);
    const query = this.rows.queryLabel(this.saved);
    const item = new vscode.TreeItem(resultLabel(query, state), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = resultDescription(state);
    item.iconPath = new vscode.ThemeIcon(state.kind === 'running' ? 'loading~spin' : state.kind === 'failed' ? 'warning' : 'search');
    const where = this.saved.folder ?? `every folder of ${this.account.label}`;
    const tooltip = new vscode.MarkdownString();
    for (const line of resultTooltipLines(query, where, state)) {
      // The command as sent, in a code span: exactly what the traffic shows (without the tag).
      const command = /^Command: (.*)$/s.exec(line);
      tooltip.appendMarkdown(command ? `Command: \`${command[1]!.replace(/`/g, "'")}\`\n\n` : `${escapeMarkdown(line)}\n\n`);
    }
    item.tooltip = tooltip;
    item.contextValue = searchContext(state, this.saved.folder === undefined);
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return this.rows.resultChildren(this);
  }
}

/** The matches of one folder, under a search of several folders. */
export class SearchGroupNode extends TreeNode {
  constructor(
    readonly parent: SearchResultNode,
    readonly account: AccountDefinition,
    /** A node of the folder (its messages' parent: commands on them act on that folder). */
    readonly folderNode: FolderNode,
    readonly count: number,
    private readonly rows: SearchRows,
  ) {
    super();
  }

  get folder(): FolderInfo {
    return this.folderNode.folder;
  }

  get id(): string {
    return `${this.parent.id}:${this.folder.path}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(groupLabel(this.folder.path, this.count), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('folder');
    item.tooltip = `${this.folder.path}: the messages of this folder that match`;
    item.contextValue = 'searchGroup';
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return this.rows.groupChildren(this);
  }
}

/** A matching message: the tree's MessageNode, with an id of its own (the same message may be listed in its folder too). */
export class SearchMessageNode extends MessageNode {
  constructor(
    private readonly under: SearchResultNode | SearchGroupNode,
    folderNode: FolderNode,
    message: MessageSummary,
    backend: TreeBackend,
    uidValidity: number | undefined,
  ) {
    super(folderNode, folderNode.account, folderNode.folder, message, backend, uidValidity);
  }

  override get id(): string {
    return `${this.under.id}:${super.id}`;
  }
}

/** "Load more…" under a result (or a folder group): the next page of older matches. */
export class SearchLoadMoreNode extends TreeNode {
  constructor(
    readonly parent: SearchResultNode | SearchGroupNode,
    readonly account: AccountDefinition,
    readonly searchId: string,
    readonly folder: string,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}:more`;
  }

  toTreeItem(): vscode.TreeItem {
    return loadMoreItem(this, 'Fetch the next page of older matches (only their envelopes)', 'mailInspector.searchLoadMore');
  }
}
