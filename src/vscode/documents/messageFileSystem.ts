import * as vscode from 'vscode';
import { ReadOnlyFileSystem } from './readOnlyFileSystem';
import { ByteCache } from '../../core/byteCache';
import { staleGenerationOf } from '../../core/documents/generationFetch';
import { DroppedGeneration } from '../../core/documents/messageBodies';
import { MailError } from '../../core/errors';
import { headersReport } from '../../core/inspect/headersReport';
import { PartContent } from '../../core/inspect/messageInspector';
import { MessageInspectors } from '../inspection/inspectors';
import { Subscription } from '../../core/session/sessionEvents';
import { RawMessages } from './rawMessages';
import { DocumentAddress, fromDocumentUri } from './uris';

/** Server documents remembered for telling their tabs of a dropped generation (the most recent ones). */
const MAX_SERVED = 2000;

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
 * A document of a folder generation that is gone (UIDVALIDITY changed) reads as a short notice saying so,
 * never as the message that holds the same UID now; open tabs of it are told to read again when the
 * generation is dropped.
 */
export class MessageFileSystem extends ReadOnlyFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly costs = new Map<string, PartCost>();
  /** Documents fetched by a command just before the editor reads them (parts are not in RawMessages). */
  private readonly documents = new ByteCache(32 * 1024 * 1024);
  private readonly costEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidLearnCost = this.costEmitter.event;
  /** Server documents read so far (URI string → address), so a dropped generation finds its open tabs. */
  private readonly served = new Map<string, { uri: vscode.Uri; address: DocumentAddress }>();
  /** Bumped when a document's content changes (its generation was dropped), so the editor reads it again. */
  private readonly versions = new Map<string, number>();
  private readonly dropped: Subscription;

  constructor(private readonly raw: RawMessages, private readonly inspectors: MessageInspectors) {
    super();
    this.dropped = raw.onGenerationDropped((d) => this.generationDropped(d));
  }

  costOf(uri: vscode.Uri): PartCost | undefined {
    return this.costs.get(uri.toString());
  }

  /** The bytes of the document at an address. */
  async contents(address: DocumentAddress, signal?: AbortSignal): Promise<{ bytes: Buffer; cost?: PartCost }> {
    const m = address.message;
    if (address.view === 'message') {
      if (m.kind === 'server') return { bytes: await this.raw.fetch(m, signal) };
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
    if (address.message.kind === 'server' && address.message.uidValidity !== undefined) {
      this.served.delete(key);
      this.served.set(key, { uri, address });
      if (this.served.size > MAX_SERVED) this.served.delete(this.served.keys().next().value as string);
    }
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
      // A tab of an earlier generation reads as a notice saying so (a readable document, not the new message).
      if (staleGenerationOf(error)) return Buffer.from(`${(error as MailError).message}\n`, 'utf8');
      if (MailError.is(error, 'notFound')) throw vscode.FileSystemError.FileNotFound(MailError.is(error) && error.message ? error.message : uri);
      throw vscode.FileSystemError.Unavailable(MailError.is(error) ? `${error.explanation} ${error.serverText ?? error.message}`.trim() : String(error));
    }
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const address = fromDocumentUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    // The size is known once the document was fetched; viewers such as the image preview rely on it.
    const m = address.message;
    const known = this.documents.get(uri.toString()) ?? (address.view === 'message' && m.kind === 'server' ? this.raw.cached(m) : undefined);
    return { type: vscode.FileType.File, ctime: 0, mtime: this.versions.get(uri.toString()) ?? 0, size: known?.length ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  /** The documents of a dropped generation: their cached contents go, and open tabs read again (and get the notice). */
  private generationDropped(d: DroppedGeneration): void {
    const changed: vscode.FileChangeEvent[] = [];
    for (const [key, { uri, address }] of [...this.served]) {
      const m = address.message;
      if (m.kind !== 'server' || m.accountId !== d.accountId || m.folderPath !== d.folder || m.uidValidity !== d.uidValidity) continue;
      this.served.delete(key);
      this.documents.delete(key);
      this.costs.delete(key);
      this.versions.set(key, Date.now());
      changed.push({ type: vscode.FileChangeType.Changed, uri });
    }
    if (changed.length > 0) this.emitter.fire(changed);
  }

  dispose(): void {
    this.dropped.dispose();
    this.emitter.dispose();
    this.costEmitter.dispose();
  }
}
