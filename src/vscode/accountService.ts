import * as vscode from 'vscode';
import { AccountDefinition } from '../core/accounts/account';
import { MailStore } from '../core/mailStore';
import { createMailStore } from '../core/storeFactory';
import { TrafficTap } from '../core/traffic/trafficTap';
import { PasswordStore } from './secrets';
import { readSettings, Settings } from './settings';
import { TrafficChannels } from './trafficChannels';

interface OpenStore {
  store: MailStore;
  tap: TrafficTap;
  definition: string;
}

/**
 * Knows the accounts (from settings) and owns one store per account, built on first use with the
 * password from SecretStorage. Rebuilds a store when its definition or password changes.
 */
export class AccountService implements vscode.Disposable {
  private current: Settings = readSettings();
  private readonly stores = new Map<string, OpenStore>();
  private readonly pending = new Map<string, Promise<MailStore | undefined>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly passwords: PasswordStore, private readonly channels: TrafficChannels) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mailInspector')) this.reload();
      }),
    );
  }

  get settings(): Settings {
    return this.current;
  }

  accounts(): AccountDefinition[] {
    return this.current.accounts;
  }

  get(id: string): AccountDefinition | undefined {
    return this.current.accounts.find((a) => a.id === id);
  }

  /** The account's store, asking for the password if none is stored. Undefined when the user cancels. */
  store(account: AccountDefinition): Promise<MailStore | undefined> {
    const definition = JSON.stringify(account);
    const open = this.stores.get(account.id);
    if (open && open.definition === definition) return Promise.resolve(open.store);
    // Several tree nodes may ask at once (e.g. expanded folders restored at start): one password prompt, one store.
    const key = `${account.id}\0${definition}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.openStore(account, definition).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async openStore(account: AccountDefinition, definition: string): Promise<MailStore | undefined> {
    if (this.stores.has(account.id)) await this.forget(account.id);
    const password = await this.passwords.getOrAsk(account);
    if (password === undefined) return undefined;
    const settings = this.current;
    const tap = new TrafficTap(this.channels.sink(account), { maxLiteralBytes: settings.maxTrafficLiteralBytes });
    const store = createMailStore(account, password, tap, { limits: settings.limits });
    this.stores.set(account.id, { store, tap, definition });
    return store;
  }

  /** Closes and drops the account's store (after an edit, a new password, or removal). */
  async forget(accountId: string): Promise<void> {
    const open = this.stores.get(accountId);
    this.stores.delete(accountId);
    await open?.store.close().catch(() => undefined);
  }

  private reload(): void {
    this.current = readSettings();
    const ids = new Set(this.current.accounts.map((a) => a.id));
    for (const open of this.stores.values()) open.tap.setOptions({ maxLiteralBytes: this.current.maxTrafficLiteralBytes });
    for (const id of [...this.stores.keys()]) {
      const account = this.get(id);
      if (!ids.has(id) || !account || JSON.stringify(account) !== this.stores.get(id)?.definition) void this.forget(id);
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const id of [...this.stores.keys()]) void this.forget(id);
    for (const s of this.subscriptions) s.dispose();
  }
}
