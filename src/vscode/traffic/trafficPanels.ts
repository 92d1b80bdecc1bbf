import * as vscode from 'vscode';
import type { AccountDefinition } from '../../core/accounts/account';
import type { TrafficFilter } from '../../core/traffic/trafficViewData';
import type { AccountService } from '../accountService';
import { TrafficPanel } from './trafficPanel';

/** One traffic view per account, made on first use and forgotten when the user closes it. */
export class TrafficPanels implements vscode.Disposable {
  private readonly panels = new Map<string, TrafficPanel>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly accounts: AccountService,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // An account removed from the settings takes its view with it.
    this.subscription = accounts.onDidChange(() => {
      for (const [id, panel] of [...this.panels]) if (!accounts.get(id)) panel.dispose();
    });
  }

  /** Opens (or reveals) the account's view; with `message`, filtered to that message's exchanges. */
  open(account: AccountDefinition, message?: TrafficFilter['message']): void {
    let panel = this.panels.get(account.id);
    if (!panel) {
      const made = new TrafficPanel(account, this.accounts.traffic(account).record, this.extensionUri, this.log);
      made.onDidDispose(() => {
        if (this.panels.get(account.id) === made) this.panels.delete(account.id);
      });
      this.panels.set(account.id, made);
      panel = made;
    }
    panel.show(message);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
