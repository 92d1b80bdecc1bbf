import * as vscode from 'vscode';
import { AccountService } from '../accountService';
import { AccountsTreeProvider } from './accountsTree';
import { TreeNode } from './treeNode';

/**
 * What the Accounts view being open means for the connections: an expanded folder is kept live by its
 * account's session (expand / collapse); while the view is visible the other folders' counts are asked again
 * every `mailInspector.pollSeconds` and when the window gets the focus back; once the view has been hidden for
 * `mailInspector.idleCloseMinutes`, every connection is closed, and opened again when the view is shown.
 * Nothing here connects by itself at activation: counts are asked only for accounts whose folders were listed.
 */
export class LiveView implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private countsTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private closedWhileHidden = false;
  private lastCounts = 0;

  constructor(
    private readonly view: vscode.TreeView<TreeNode>,
    private readonly tree: AccountsTreeProvider,
    private readonly accounts: AccountService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      view.onDidExpandElement((e) => tree.didExpand(e.element)),
      view.onDidCollapseElement((e) => tree.didCollapse(e.element)),
      view.onDidChangeVisibility((e) => (e.visible ? this.shown() : this.hidden())),
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && this.view.visible) this.refreshCounts(5_000);
      }),
      accounts.onDidChange(() => {
        // mailInspector.pollSeconds or idleCloseMinutes may have changed.
        if (this.view.visible) this.startCountsTimer();
        else if (this.closeTimer) this.startCloseTimer();
      }),
    );
    tree.setVisible(view.visible);
    if (view.visible) this.startCountsTimer();
    else this.startCloseTimer();
  }

  private shown(): void {
    this.tree.setVisible(true);
    this.stopCloseTimer();
    this.tree.resumeWatches(this.closedWhileHidden);
    this.closedWhileHidden = false;
    this.refreshCounts(this.accounts.settings.pollSeconds * 1000);
    this.startCountsTimer();
  }

  private hidden(): void {
    this.tree.setVisible(false);
    this.stopCountsTimer();
    this.startCloseTimer();
  }

  /** Asks the folders' counts again unless that was done less than `minAgeMs` ago. */
  private refreshCounts(minAgeMs: number): void {
    const now = Date.now();
    if (now - this.lastCounts < minAgeMs) return;
    this.lastCounts = now;
    void this.tree.refreshCounts();
  }

  private startCountsTimer(): void {
    this.stopCountsTimer();
    const ms = this.accounts.settings.pollSeconds * 1000;
    this.countsTimer = setInterval(() => this.refreshCounts(ms / 2), ms);
  }

  private stopCountsTimer(): void {
    if (this.countsTimer) clearInterval(this.countsTimer);
    this.countsTimer = undefined;
  }

  private startCloseTimer(): void {
    this.stopCloseTimer();
    const minutes = this.accounts.settings.idleCloseMinutes;
    if (minutes <= 0) return;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      this.closedWhileHidden = true;
      this.log.info(`The Accounts view was hidden for ${minutes} minute${minutes === 1 ? '' : 's'}: closing every connection (they open again when needed).`);
      void this.accounts.suspendAll();
    }, minutes * 60_000);
  }

  private stopCloseTimer(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  dispose(): void {
    this.stopCountsTimer();
    this.stopCloseTimer();
    for (const s of this.subscriptions) s.dispose();
  }
}
