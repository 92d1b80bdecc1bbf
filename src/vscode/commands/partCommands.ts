import * as vscode from 'vscode';
import { presentPart } from '../../core/mime/partPresentation';
import { findPart, MimePart } from '../../core/mime/partTree';
import { safeFileName, writeInside } from '../../core/mime/safeFileName';
import { MessageFileSystem } from '../documents/messageFileSystem';
import { DocumentAddress, fromDocumentUri, MessageRef, messageKey, toDocumentUri } from '../documents/uris';
import { MessageInspectors } from '../inspection/inspectors';
import { withDelayedProgress } from '../progress';
import { MessageNode } from '../tree/nodes';
import { PartNode } from '../tree/partNodes';
import { TreeNode } from '../tree/treeNode';
import { HtmlPreviewPanel } from '../webviews/htmlPreviewPanel';
import { reportError } from './reportError';

export interface PartCommandDeps {
  documents: MessageFileSystem;
  inspectors: MessageInspectors;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** A node that stands for a whole message: a server message, or a local file (see filesTree). */
export interface MessageLike {
  readonly ref: MessageRef;
  readonly title: string;
}

export function messageOf(node: TreeNode | undefined): MessageLike | undefined {
  if (node instanceof MessageNode) return { ref: node.ref, title: node.message.subject || 'message' };
  if (node instanceof PartNode) return { ref: node.context.ref, title: node.context.title };
  const candidate = node as Partial<MessageLike> | undefined;
  if (candidate?.ref && typeof candidate.title === 'string') return { ref: candidate.ref, title: candidate.title };
  return undefined;
}

export function registerPartCommands(deps: PartCommandDeps): vscode.Disposable[] {
  const { documents, inspectors, extensionUri, log } = deps;
  const previews = new Map<string, HtmlPreviewPanel>();
  let compareFirst: { uri: vscode.Uri; label: string } | undefined;

  const openDocument = async (uri: vscode.Uri, what: string, languageId?: string): Promise<void> => {
    await withDelayedProgress(`Fetching ${what}`, (signal) => documents.prefetch(uri, signal));
    const document = await vscode.workspace.openTextDocument(uri);
    const shown = languageId && document.languageId !== languageId ? await vscode.languages.setTextDocumentLanguage(document, languageId) : document;
    await vscode.window.showTextDocument(shown, { preview: true });
  };

  const openPart = async (node: PartNode, view: 'part' | 'rawPart'): Promise<void> => {
    const presentation = presentPart(node.part);
    const uri = node.uri(view);
    try {
      if (view === 'part' && !presentation.isText) {
        // Images and other binary parts: let VS Code pick its viewer (image preview, hex, …).
        await withDelayedProgress(`Fetching part ${node.part.section}`, (signal) => documents.prefetch(uri, signal));
        await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
        return;
      }
      await openDocument(uri, `part ${node.part.section}`, view === 'part' ? presentation.languageId : 'plaintext');
    } catch (error) {
      reportError(log, `Opening part ${node.part.section} failed`, error, node);
    }
  };

  /** The HTML part an open part document shows, with its message's title (the tab's path holds it). */
  const partOfDocument = async (uri: vscode.Uri): Promise<{ ref: MessageRef; part: MimePart; title: string } | undefined> => {
    const address = fromDocumentUri(uri);
    if (!address || address.section === undefined) return undefined;
    const tree = await withDelayedProgress('Reading the message structure', (signal) => inspectors.get(address.message).tree(signal));
    const part = findPart(tree, address.section);
    if (!part || !['text/html', 'application/xhtml+xml'].includes(part.contentType)) {
      void vscode.window.showInformationMessage(`Part ${address.section} is not HTML (${part?.contentType ?? 'not found'}): there is nothing to preview.`);
      return undefined;
    }
    // Paths end in "…/<message title>/<section>/<file name>".
    const title = uri.path.split('/').slice(-3)[0] || 'message';
    return { ref: address.message, part, title };
  };

  const documentFor = (node: TreeNode | undefined): { uri: vscode.Uri; label: string } | undefined => {
    if (node instanceof PartNode) return { uri: node.uri('rawPart'), label: `part ${node.part.section} of "${node.context.title}"` };
    const message = messageOf(node);
    if (!message) return undefined;
    const address: DocumentAddress = { message: message.ref, view: 'message' };
    return { uri: toDocumentUri(address, message.title), label: `"${message.title}"` };
  };

  return [
    vscode.commands.registerCommand('mailInspector.openPart', (node: PartNode) => node instanceof PartNode && openPart(node, 'part')),
    vscode.commands.registerCommand('mailInspector.openRawPart', (node: PartNode) => node instanceof PartNode && openPart(node, 'rawPart')),

    // From the part's row (inline or context menu), or from the title bar of an open HTML part's tab (a URI).
    vscode.commands.registerCommand('mailInspector.previewHtml', async (target: PartNode | vscode.Uri | undefined) => {
      let preview: { ref: MessageRef; part: MimePart; title: string } | undefined;
      try {
        preview = target instanceof PartNode ? { ref: target.context.ref, part: target.part, title: target.context.title } : target instanceof vscode.Uri ? await partOfDocument(target) : undefined;
      } catch (error) {
        reportError(log, 'Preview failed', error);
        return;
      }
      if (!preview) return;
      const { ref, part, title } = preview;
      const node = target instanceof PartNode ? target : undefined;
      const key = `${messageKey(ref)}\0${part.section}`;
      const existing = previews.get(key);
      if (existing) return existing.reveal();
      const panel = new HtmlPreviewPanel(extensionUri, inspectors.get(ref), part, title, log);
      previews.set(key, panel);
      panel.onDidDispose(() => previews.delete(key));
      try {
        await withDelayedProgress(`Preparing the preview of part ${part.section}`, (signal) => panel.render(signal));
      } catch (error) {
        panel.dispose();
        reportError(log, 'Preview failed', error, node);
      }
    }),

    vscode.commands.registerCommand('mailInspector.savePart', async (node: PartNode) => {
      if (!(node instanceof PartNode)) return;
      const name = presentPart(node.part).fileName;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({ title: `Save part ${node.part.section}`, defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, saveLabel: 'Save Part' });
      if (!target) return;
      try {
        const content = await withDelayedProgress(`Fetching part ${node.part.section}`, (signal) => inspectors.get(node.context.ref).content(node.part.section, 'decoded', signal));
        const bytes = content.decoded?.binary ?? Buffer.from(content.decoded?.text ?? '', 'utf8');
        await vscode.workspace.fs.writeFile(target, bytes);
        void vscode.window.showInformationMessage(`Saved part ${node.part.section} (${bytes.length} bytes) to ${target.fsPath}.`);
      } catch (error) {
        reportError(log, 'Saving the part failed', error, node);
      }
    }),

    vscode.commands.registerCommand('mailInspector.saveAllAttachments', async (node: TreeNode) => {
      const message = messageOf(node);
      if (!message) return;
      const inspector = inspectors.get(message.ref);
      try {
        const attachments = await withDelayedProgress('Reading the message structure', (signal) => inspector.attachments(signal));
        if (attachments.length === 0) {
          void vscode.window.showInformationMessage(`"${message.title}" has no attachments.`);
          return;
        }
        const chosen = await vscode.window.showOpenDialog({ title: `Save ${attachments.length} attachment(s) of "${message.title}"`, canSelectFolders: true, canSelectFiles: false, openLabel: 'Save Here' });
        const folder = chosen?.[0];
        if (!folder) return;
        const written = await withDelayedProgress(`Saving ${attachments.length} attachment(s)`, async (signal) => {
          const paths: string[] = [];
          for (const part of attachments) {
            const content = await inspector.content(part.section, 'decoded', signal);
            const bytes = content.decoded?.binary ?? Buffer.from(content.decoded?.text ?? '', 'utf8');
            // writeInside keeps every file inside the chosen folder whatever the name says (../, absolute, reserved).
            paths.push(await writeInside(folder.fsPath, part.fileName ?? '', bytes, safeFileName(undefined, `attachment-${part.section}`)));
          }
          return paths;
        });
        void vscode.window.showInformationMessage(`Saved ${written.length} attachment(s) to ${folder.fsPath}.`);
      } catch (error) {
        reportError(log, 'Saving attachments failed', error, node);
      }
    }),

    vscode.commands.registerCommand('mailInspector.showHeaders', async (node: TreeNode) => {
      const message = messageOf(node);
      if (!message) return;
      try {
        await openDocument(toDocumentUri({ message: message.ref, view: 'headers' }, message.title), `the headers of "${message.title}"`, 'markdown');
      } catch (error) {
        reportError(log, 'Showing the headers failed', error, node);
      }
    }),

    vscode.commands.registerCommand('mailInspector.compareWith', async (node: TreeNode, selected?: TreeNode[]) => {
      const picked = (selected && selected.length === 2 ? selected : [node]).map(documentFor).filter((d): d is { uri: vscode.Uri; label: string } => d !== undefined);
      let left: { uri: vscode.Uri; label: string } | undefined;
      let right: { uri: vscode.Uri; label: string } | undefined;
      if (picked.length === 2) [left, right] = picked;
      else if (compareFirst && picked[0] && compareFirst.uri.toString() !== picked[0].uri.toString()) [left, right] = [compareFirst, picked[0]];
      if (!left || !right) {
        compareFirst = picked[0];
        if (compareFirst) void vscode.window.showInformationMessage(`Selected ${compareFirst.label} for comparison. Run "Compare with…" on another message or part (or select two and run it).`);
        return;
      }
      compareFirst = undefined;
      const [l, r] = [left, right];
      try {
        await withDelayedProgress('Fetching both sides', (signal) => Promise.all([documents.prefetch(l.uri, signal), documents.prefetch(r.uri, signal)]));
        await vscode.commands.executeCommand('vscode.diff', l.uri, r.uri, `${l.label} ↔ ${r.label}`);
      } catch (error) {
        reportError(log, 'Comparing failed', error, node);
      }
    }),

    new vscode.Disposable(() => {
      for (const p of previews.values()) p.dispose();
      previews.clear();
    }),
  ];
}
