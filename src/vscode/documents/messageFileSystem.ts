import * as vscode from 'vscode';
import { ByteCache } from '../../core/byteCache';
import { MailError } from '../../core/errors';
import { headersReport } from '../../core/inspect/headersReport';
import { PartContent } from '../../core/inspect/messageInspector';
import { MessageInspectors } from '../inspection/inspectors';
import { RawMessages } from './rawMessages';
import { DocumentAddress, fromDocumentUri } from './uris';

/** What opening a part cost, for the status bar: keyed by document URI. */
export interface PartCost {
  readonly section: string;
  readonly wireBytes: number | undefined;
  readonly messageSize: number;
  readonly warnings: readonly string[];
}

/**
 * Read-only file system for `mail-inspector:` URIs: a message's raw bytes exactly as the server holds
 * them, a part decoded or as stored, or the headers report. It shows no UI; failures become
 * FileSystemErrors. Commands fetch first (with progress and cancellation) so tabs open from the cache.
 */
export class MessageFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly costs = new Map<string, PartCost>();
  /** Documents fetched by a command just before the editor reads them (parts are not in RawMessages). */
  private readonly documents = new ByteCache(32 * 1024 * 1024);
  private readonly costEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidLearnCost = this.costEmitter.event;

  constructor(private readonly raw: RawMessages, private readonly inspectors: MessageInspectors) {}

  costOf(uri: vscode.Uri): PartCost | undefined {
    return this.costs.get(uri.toString());
  }

  /** The bytes of the document at an address. */
  async contents(address: DocumentAddress, signal?: AbortSignal): Promise<{ bytes: Buffer; cost?: PartCost }> {
    const m = address.message;
    if (address.view === 'message') {
      if (m.kind === 'server') return { bytes: await this.raw.fetch({ accountId: m.accountId, folderPath: m.folderPath, messageId: m.messageId }, signal) };
      return { bytes: await this.inspectors.get(m).raw(signal) };
    }
    const inspector = this.inspectors.get(m);
    if (address.view === 'headers') {
      const model = await inspector.headers(signal);
      const subject = model.fields.find((f) => f.key === 'subject')?.decoded ?? '(no subject)';
      return { bytes: Buffer.from(headersReport(subject, model), 'utf8') };
    }
    const section = address.section ?? '';
    const content: PartContent = await inspector.content(section, address.view === 'rawPart' ? 'raw' : 'decoded', signal);
    const bytes = content.raw ?? (content.decoded?.text !== undefined ? Buffer.from(content.decoded.text, 'utf8') : (content.decoded?.binary ?? Buffer.alloc(0)));
    // The tab says what the message's tree is missing or where it disagrees, besides decoding problems.
    const treeNotices = (await inspector.tree(signal)).notices.map((n) => n.message);
    return { bytes, cost: { section, wireBytes: content.wireBytes, messageSize: content.messageSize, warnings: [...(content.decoded?.warnings ?? []), ...treeNotices] } };
  }

  /** Fetches the document now (a command shows progress and may cancel), so the editor opens it from memory. */
  async prefetch(uri: vscode.Uri, signal?: AbortSignal): Promise<Buffer> {
    const key = uri.toString();
    const cached = this.documents.get(key);
    if (cached) return cached;
    const address = fromDocumentUri(uri);
    if (!address) throw new MailError('notFound', `Not a Mail Inspector document: ${uri.toString()}`);
    const { bytes, cost } = await this.contents(address, signal);
    // Whole messages are cached by RawMessages already; keep parts and reports here.
    if (address.view !== 'message') this.documents.set(key, bytes);
    if (cost) {
      this.costs.set(key, cost);
      this.costEmitter.fire(uri);
    }
    return bytes;
  }

  /** Drops fetched documents (Refresh), so they are read again. */
  forgetDocuments(): void {
    this.documents.deletePrefix('');
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    try {
      return await this.prefetch(uri);
    } catch (error) {
      if (MailError.is(error, 'notFound')) throw vscode.FileSystemError.FileNotFound(uri);
      throw vscode.FileSystemError.Unavailable(MailError.is(error) ? `${error.explanation} ${error.serverText ?? error.message}`.trim() : String(error));
    }
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const address = fromDocumentUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    // The size is known once the document was fetched; viewers such as the image preview rely on it.
    const m = address.message;
    const known = this.documents.get(uri.toString()) ?? (address.view === 'message' && m.kind === 'server' ? this.raw.cached(m) : undefined);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: known?.length ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.emitter.dispose();
    this.costEmitter.dispose();
  }
}
