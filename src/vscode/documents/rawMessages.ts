import * as vscode from 'vscode';
import { MessageBodies } from '../../core/documents/messageBodies';
import { AccountService } from '../accountService';

/**
 * The extension's raw-message cache: one per window, keyed by full identity {account, folder, UIDVALIDITY,
 * UID} (see MessageBodies), following every session's events so expunges, flag changes and new generations
 * apply (a new UIDVALIDITY drops the old generation, and its open documents say so).
 */
export class RawMessages extends MessageBodies implements vscode.Disposable {
  private readonly following: vscode.Disposable;

  constructor(accounts: AccountService) {
    super(accounts, { maxRawBytes: 64 * 1024 * 1024 });
    this.following = accounts.onDidSessionEvent(({ accountId, event }) => this.apply(accountId, event));
  }

  dispose(): void {
    this.following.dispose();
  }
}
