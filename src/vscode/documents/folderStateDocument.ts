import * as vscode from 'vscode';
import { ReadOnlyFileSystem } from './readOnlyFileSystem';
import { AccountDefinition } from '../../core/accounts/account';
import { FolderAddress } from '../../core/documents/documentAddress';
import { FolderTimeline } from '../../core/documents/folderState';
import { folderStateReport } from '../../core/documents/folderStateReport';
import { readFolderState } from '../../core/documents/readFolderState';
import { MailError } from '../../core/errors';
import { Cancel } from '../../core/mailStore';
import { SessionEvent } from '../../core/session/sessionEvents';
import { AccountService } from '../accountService';
import { fromFolderStateUri, toFolderStateUri } from './uris';

interface OpenDocument {
  readonly uri: vscode.Uri;
  readonly address: FolderAddress;
  snapshotError?: string;
  version: number;
  timer?: NodeJS.Timeout;
  refreshing?: Promise<void>;
}

/** Re-rendering waits this long for more events of a burst (a resync reports many at once). */
const RENDER_DELAY_MS = 150;

/**
 * Read-only documents `mail-inspector-folder://<account>/<folder>/folder state.md`: the folder's state
 * (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ or NOMODSEQ, EXISTS, RECENT, PERMANENTFLAGS), the capabilities in
 * force and the timeline of the session's events for the folder. Every account's events are recorded from
 * activation on; an open document re-renders as they arrive (onDidChangeFile), and its state is read again
 * after a resync or a UIDVALIDITY change. Rendering is the core's (folderStateReport).
 */
export class FolderStateDocuments extends ReadOnlyFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly timelines = new Map<string, FolderTimeline>();
  private readonly open = new Map<string, OpenDocument>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly accounts: AccountService) {
    super();
    this.subscriptions.push(
      accounts.onDidSessionEvent(({ accountId, event }) => this.heard(accountId, event)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const open = this.open.get(document.uri.toString());
        if (!open) return;
        clearTimeout(open.timer);
        this.open.delete(document.uri.toString());
      }),
    );
  }

  /** The account's timeline (kept from activation on, bounded). */
  timeline(accountId: string): FolderTimeline {
    let timeline = this.timelines.get(accountId);
    if (!timeline) {
      timeline = new FolderTimeline();
      this.timelines.set(accountId, timeline);
    }
    return timeline;
  }

  /** Reads the folder's state now (the command shows progress), so the document opens with it. */
  async prepare(account: AccountDefinition, folderPath: string, signal?: Cancel): Promise<vscode.Uri> {
    const uri = toFolderStateUri({ accountId: account.id, folderPath });
    const doc = this.track(uri, { accountId: account.id, folderPath });
    await this.takeSnapshot(doc, signal);
    return uri;
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const address = fromFolderStateUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    const doc = this.track(uri, address);
    // A tab restored with the window (not opened by the command): its state is read now, and shown when it comes.
    if (!this.timeline(address.accountId).snapshot(address.folderPath) && doc.snapshotError === undefined) this.schedule(doc, true);
    return Buffer.from(this.render(doc), 'utf8');
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const address = fromFolderStateUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    const doc = this.open.get(uri.toString());
    // The version changes with every re-render, so the editor reads the document again when told it changed.
    return { type: vscode.FileType.File, ctime: 0, mtime: doc?.version ?? 0, size: doc ? Buffer.byteLength(this.render(doc)) : 0, permissions: vscode.FilePermission.Readonly };
  }

  private track(uri: vscode.Uri, address: FolderAddress): OpenDocument {
    const key = uri.toString();
    let doc = this.open.get(key);
    if (!doc) {
      doc = { uri, address, version: Date.now() };
      this.open.set(key, doc);
    }
    return doc;
  }

  private render(doc: OpenDocument): string {
    const { accountId, folderPath } = doc.address;
    const account = this.accounts.get(accountId);
    const session = this.accounts.peek(accountId);
    const timeline = this.timeline(accountId);
    return folderStateReport({
      accountLabel: account?.label ?? accountId,
      folder: folderPath,
      snapshot: timeline.snapshot(folderPath),
      ...(doc.snapshotError ? { snapshotError: doc.snapshotError } : {}),
      capabilities: session?.features?.announced,
      state: this.accounts.state(accountId),
      watched: session?.watchedFolder === folderPath,
      entries: timeline.entries(folderPath),
    });
  }

  private async takeSnapshot(doc: OpenDocument, signal?: Cancel): Promise<void> {
    const { accountId, folderPath } = doc.address;
    const account = this.accounts.get(accountId);
    if (!account) {
      doc.snapshotError = `There is no account "${accountId}" any more.`;
      return;
    }
    try {
      const session = await this.accounts.session(account);
      const snapshot = await readFolderState(session.store, folderPath, signal);
      this.timeline(accountId).noteSnapshot(snapshot);
      doc.snapshotError = undefined;
    } catch (error) {
      if (MailError.is(error, 'cancelled') && signal?.aborted) throw error;
      doc.snapshotError = MailError.is(error) ? `${error.message}${error.serverText ? ` (the server said: ${error.serverText})` : ''}` : String(error);
    }
  }

  private heard(accountId: string, event: SessionEvent): void {
    this.timeline(accountId).record(event);
    for (const doc of this.open.values()) {
      if (doc.address.accountId !== accountId) continue;
      if ('folder' in event && event.folder !== doc.address.folderPath) continue;
      // After a resync, a new generation or a reconnect the state itself is read again.
      const reread = event.type === 'resynced' || event.type === 'uidValidity' || (event.type === 'connection' && (event.state === 'live' || event.state === 'polling'));
      this.schedule(doc, reread);
    }
  }

  private schedule(doc: OpenDocument, reread: boolean): void {
    if (reread && !doc.refreshing) {
      doc.refreshing = this.takeSnapshot(doc)
        .catch(() => undefined)
        .finally(() => {
          doc.refreshing = undefined;
          this.changed(doc);
        });
    }
    if (doc.timer) return;
    doc.timer = setTimeout(() => {
      doc.timer = undefined;
      this.changed(doc);
    }, RENDER_DELAY_MS);
  }

  private changed(doc: OpenDocument): void {
    if (!this.open.has(doc.uri.toString())) return;
    doc.version = Math.max(Date.now(), doc.version + 1);
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: doc.uri }]);
  }

  dispose(): void {
    for (const doc of this.open.values()) clearTimeout(doc.timer);
    this.open.clear();
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
