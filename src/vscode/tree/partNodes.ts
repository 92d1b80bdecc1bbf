import * as vscode from 'vscode';
import { MessageInspector } from '../../core/inspect/messageInspector';
import { isMultipart, MimePart, PartTree } from '../../core/mime/partTree';
import { pageOfParts, PART_PAGE_SIZE } from '../../core/mime/partPaging';
import { partDescription, partLabel, presentPart } from '../../core/mime/partPresentation';
import { isLeafPart, partChecksums, partTooltipMarkdown, type PartChecksums } from '../../core/mime/partTooltip';
import { MessageRef, toDocumentUri } from '../documents/uris';
import { formatCount } from '../../core/format';
import { TreeNode } from './treeNode';

/** What part nodes need: the message they belong to and its inspector. */
export interface PartContext {
  readonly ref: MessageRef;
  /** Title of the message (subject or file name), for tab titles. */
  readonly title: string;
  readonly inspector: MessageInspector;
  /** Id prefix of the message node. */
  readonly idPrefix: string;
}

function partIcon(part: MimePart): vscode.ThemeIcon {
  const t = part.contentType;
  if (part.message || t === 'message/rfc822') return new vscode.ThemeIcon('mail');
  if (isMultipart(part)) return new vscode.ThemeIcon('list-tree');
  if (t === 'text/html') return new vscode.ThemeIcon('file-code');
  if (t === 'text/calendar') return new vscode.ThemeIcon('calendar');
  if (t.startsWith('text/')) return new vscode.ThemeIcon('file-text');
  if (t.startsWith('image/')) return new vscode.ThemeIcon('file-media');
  if (/zip|compressed|tar/.test(t)) return new vscode.ThemeIcon('file-zip');
  if (t === 'application/json') return new vscode.ThemeIcon('json');
  return new vscode.ThemeIcon('file-binary');
}

/** Children of a message node: its parts (the root's children for a multipart root) and any notices. */
export function partNodes(parent: TreeNode, context: PartContext, tree: PartTree): TreeNode[] {
  const nodes: TreeNode[] = [];
  for (const notice of tree.notices) nodes.push(new PartNoticeNode(parent, `${context.idPrefix}:notice:${notice.kind}:${notice.section ?? ''}`, notice.message));
  const top = isMultipart(tree.root) ? tree.root.children : [tree.root];
  nodes.push(...pagedPartNodes(parent, context, top, 0, context.idPrefix));
  return nodes;
}

/** One page (500) of `parts` as nodes, and a "More parts…" node holding the rest when there are more. */
function pagedPartNodes(parent: TreeNode, context: PartContext, parts: readonly MimePart[], from: number, idBase: string): TreeNode[] {
  const page = pageOfParts(parts, from);
  const nodes: TreeNode[] = page.items.map((p) => new PartNode(parent, context, p));
  if (page.next !== undefined) nodes.push(new MorePartsNode(parent, context, parts, page.next, idBase));
  return nodes;
}

/** One MIME part: section, type, charset, encoding, size, file name and disposition. */
export class PartNode extends TreeNode {
  private checksums: Promise<PartChecksums> | undefined;

  constructor(readonly parent: TreeNode, readonly context: PartContext, readonly part: MimePart) {
    super();
  }

  get id(): string {
    return `${this.context.idPrefix}:part:${this.part.section}`;
  }

  get isLeaf(): boolean {
    return isLeafPart(this.part);
  }

  /** The decoded (or raw) document of this part. */
  uri(view: 'part' | 'rawPart' = 'part'): vscode.Uri {
    return toDocumentUri({ message: this.context.ref, view, section: this.part.section }, this.context.title, presentPart(this.part).fileName);
  }

  toTreeItem(): vscode.TreeItem {
    const p = this.part;
    const children = p.message ? [p.message.root] : p.children;
    const item = new vscode.TreeItem(partLabel(p), children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = partDescription(p);
    item.iconPath = partIcon(p);
    // A leaf's tooltip carries its checksums, which cost fetching the part: left undefined here, resolveTreeItem
    // fills it in when the tooltip is shown, so listing parts fetches none of them.
    if (!this.isLeaf) item.tooltip = new vscode.MarkdownString(partTooltipMarkdown(p, { partial: this.context.inspector.partial }));
    const kinds = ['part'];
    if (this.isLeaf) kinds.push('part-leaf');
    if (p.contentType === 'text/html') kinds.push('part-html');
    if (p.contentType.startsWith('image/')) kinds.push('part-image');
    if (p.message) kinds.push('part-message');
    item.contextValue = kinds.join(' ');
    if (this.isLeaf) item.command = { command: 'mailInspector.openPart', title: 'Open Part', arguments: [this] };
    return item;
  }

  override async resolveTreeItem(item: vscode.TreeItem, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!this.isLeaf || item.tooltip !== undefined) return item;
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      // Kept on the node: hovering again (or after the item was re-rendered) does not fetch the part again.
      this.checksums ??= partChecksums(this.context.inspector, this.part, controller.signal);
      const checksums = await this.checksums.catch((error: unknown) => {
        this.checksums = undefined; // cancelled: the next hover tries again
        throw error;
      });
      item.tooltip = new vscode.MarkdownString(partTooltipMarkdown(this.part, { partial: this.context.inspector.partial, checksums }));
      return item;
    } finally {
      subscription.dispose();
    }
  }

  override getChildren(): TreeNode[] {
    const p = this.part;
    const root = p.message?.root;
    const children = root ? (isMultipart(root) ? root.children : [root]) : p.children;
    return pagedPartNodes(this, this.context, children, 0, this.id);
  }
}

/** The parts after the first page of a node with thousands of them: the next 500, and another "More parts…". */
export class MorePartsNode extends TreeNode {
  constructor(
    readonly parent: TreeNode,
    private readonly context: PartContext,
    private readonly parts: readonly MimePart[],
    private readonly from: number,
    private readonly idBase: string,
  ) {
    super();
  }

  get id(): string {
    return `${this.idBase}:more-parts:${this.from}`;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('More parts…', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const last = Math.min(this.parts.length, this.from + PART_PAGE_SIZE);
    item.description = `${formatCount(this.from + 1)}–${formatCount(last)} of ${formatCount(this.parts.length)}`;
    item.iconPath = new vscode.ThemeIcon('fold-down');
    item.tooltip = `Parts ${formatCount(this.from + 1)} to ${formatCount(this.parts.length)} of this node, shown ${formatCount(PART_PAGE_SIZE)} at a time.`;
    item.contextValue = 'moreParts';
    return item;
  }

  override getChildren(): TreeNode[] {
    return pagedPartNodes(this, this.context, this.parts, this.from, this.idBase);
  }
}

/** Something missing or odd about the part tree, said plainly (never a silently shortened tree). */
export class PartNoticeNode extends TreeNode {
  constructor(readonly parent: TreeNode, readonly id: string, private readonly text: string) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.tooltip = `${this.text}\n\nThe raw message is still available: Open Message Source shows every byte.`;
    item.contextValue = 'notice';
    return item;
  }
}
