import * as vscode from 'vscode';
import { MessageFileSystem } from './documents/messageFileSystem';
import { SCHEME } from './documents/uris';
import { formatBytes } from '../core/format';

/** Status bar item for the active part tab: what opening it cost against the whole message, and decoding warnings. */
export class PartCostStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mailInspector.partCost', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly documents: MessageFileSystem) {
    this.item.name = 'Mail Inspector: part cost';
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      documents.onDidLearnCost(() => this.update()),
    ];
    this.update();
  }

  private update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const cost = uri && uri.scheme === SCHEME ? this.documents.costOf(uri) : undefined;
    if (!cost) {
      this.item.hide();
      return;
    }
    const fetched = cost.wireBytes === undefined ? 'cut from the downloaded message' : `fetched ${formatBytes(cost.wireBytes)}`;
    this.item.text = `$(mail) Part ${cost.section}: ${fetched} of ${formatBytes(cost.messageSize)}${cost.warnings.length ? ' $(warning)' : ''}`;
    this.item.tooltip = [
      cost.wireBytes === undefined
        ? `This protocol cannot fetch one part: the part was cut from the whole message (${cost.messageSize} bytes).`
        : `IMAP fetched this part only: ${cost.wireBytes} bytes on the wire, against ${cost.messageSize} bytes for the whole message.`,
      ...cost.warnings,
    ].join('\n');
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
