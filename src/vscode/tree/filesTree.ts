import * as vscode from 'vscode';
import { fromNodeError, MailError } from '../../core/errors';
import { MessageRef } from '../documents/uris';
import { MessageInspectors } from '../inspection/inspectors';
import { errorRowText } from '../../core/errorText';
import { partNodes } from './partNodes';
import { NodeTreeProvider } from './nodeTreeProvider';
import { TreeNode } from './treeNode';

export const FILES_VIEW_ID = 'mailInspector.files';
const INSPECTED_KEY = 'mailInspector.inspectedFiles';
const MAX_WORKSPACE_FILES = 500;

/** A message from a file: same part tree, part tabs, preview and headers as server messages, no server at all. */
export class FileMessageNode extends TreeNode {
  readonly parent = undefined;
  constructor(readonly file: vscode.Uri, private readonly inspectors: MessageInspectors) {
    super();
  }

  get id(): string {
    return `file:${this.file.toString()}`;
  }

  get ref(): MessageRef {
    return { kind: 'file', file: this.file.toString() };
  }

  get title(): string {
    return this.file.path.split('/').pop() ?? 'message.eml';
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.resourceUri = this.file;
    item.description = vscode.workspace.asRelativePath(this.file.with({ path: this.file.path.replace(/\/[^/]*$/, '') }), false);
    item.iconPath = new vscode.ThemeIcon('mail');
    item.tooltip = `${this.file.fsPath}\n\nExpand for its MIME parts.`;
    item.contextValue = 'message message-file';
    item.command = { command: 'vscode.open', title: 'Open File', arguments: [this.file] };
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const inspector = this.inspectors.get(this.ref);
    const tree = await inspector.tree();
    return partNodes(this, { ref: this.ref, title: this.title, inspector, idPrefix: this.id }, tree);
  }
}

class FileErrorNode extends TreeNode {
  constructor(readonly parent: TreeNode, private readonly error: MailError) {
    super();
  }

  get id(): string {
    return `${this.parent.id}:error`;
  }

  toTreeItem(): vscode.TreeItem {
    const text = errorRowText(this.error, 'Open the file itself to see its bytes.');
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = text.description;
    item.tooltip = new vscode.MarkdownString(text.tooltip);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    return item;
  }
}

/** The "Message Files" view: .eml files of the workspace plus files inspected explicitly. */
export class FilesTreeProvider extends NodeTreeProvider implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly nodes = new Map<string, FileMessageNode>();

  constructor(private readonly state: vscode.Memento, private readonly inspectors: MessageInspectors) {
    super();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.eml');
    const refresh = (uri: vscode.Uri): void => {
      this.inspectors.forget(`file\0${uri.toString()}`);
      this.changed.fire(undefined);
    };
    this.subscriptions.push(watcher, watcher.onDidCreate(refresh), watcher.onDidDelete(refresh), watcher.onDidChange(refresh), this.changed);
  }

  /** Adds a file to the view (kept across sessions) and returns its node. */
  async inspect(file: vscode.Uri): Promise<FileMessageNode> {
    const list = this.state.get<string[]>(INSPECTED_KEY, []);
    if (!list.includes(file.toString())) await this.state.update(INSPECTED_KEY, [...list, file.toString()]);
    this.inspectors.forget(`file\0${file.toString()}`);
    this.changed.fire(undefined);
    return this.node(file);
  }

  async forget(node: FileMessageNode): Promise<void> {
    await this.state.update(INSPECTED_KEY, this.state.get<string[]>(INSPECTED_KEY, []).filter((f) => f !== node.file.toString()));
    this.changed.fire(undefined);
  }

  private node(file: vscode.Uri): FileMessageNode {
    const key = file.toString();
    let node = this.nodes.get(key);
    if (!node) {
      node = new FileMessageNode(file, this.inspectors);
      this.nodes.set(key, node);
    }
    return node;
  }

  override async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const found = vscode.workspace.workspaceFolders ? await vscode.workspace.findFiles('**/*.eml', '**/node_modules/**', MAX_WORKSPACE_FILES) : [];
      const inspected = this.state.get<string[]>(INSPECTED_KEY, []).map((f) => vscode.Uri.parse(f));
      const all = new Map<string, vscode.Uri>();
      for (const uri of [...found.sort((a, b) => a.path.localeCompare(b.path)), ...inspected]) all.set(uri.toString(), uri);
      return [...all.values()].map((uri) => this.node(uri));
    }
    try {
      return await node.getChildren();
    } catch (error) {
      return [new FileErrorNode(node, MailError.is(error) ? error : fromNodeError(error))];
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
