import * as vscode from 'vscode';
import { AccountDefinition } from '../core/accounts/account';
import { CLIENT_NAME } from '../core/imap/clientId';
import { OfflineCache } from '../core/mailbox/offlineCache';
import { MailStore } from '../core/mailStore';
import { AccountSession } from '../core/session/accountSession';
import { ConnectionState, SessionEvent, Subscription } from '../core/session/sessionEvents';
import { createAccountSession } from '../core/sessionFactory';
import { TrafficTap } from '../core/traffic/trafficTap';
import { PasswordStore } from './secrets';
import { readSettings, Settings } from './settings';
import { TrafficChannels } from './trafficChannels';

interface OpenSession {
  session: AccountSession;
  tap: TrafficTap;
  definition: string;
  events: Subscription;
}

/** One event of one account's session, as the tree and the documents hear it. */
export interface AccountSessionEvent {
  readonly accountId: string;
  readonly session: AccountSession;
  readonly event: SessionEvent;
}

/**
 * Knows the accounts (from settings) and owns one live session per account (src/core/session), built on
 * first use: building one costs no network (nothing connects at activation) and no prompt; a session asks
 * the PasswordStore for the password only once its connection is secured (so a server that cannot be
 * reached, or whose certificate is not trusted, never costs a prompt). Rebuilds a session when its
 * definition, its password or the settings it was built with change; closes it when the account goes.
 * Every session's events are re-fired as `onDidSessionEvent`.
 */
export class AccountService implements vscode.Disposable {
  private current: Settings = readSettings();
  private readonly sessions = new Map<string, OpenSession>();
  private readonly pending = new Map<string, Promise<AccountSession>>();
  /** Accounts whose connections were closed while the view was hidden (suspendAll): shown as closed until used again. */
  private readonly suspended = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sessionEvent = new vscode.EventEmitter<AccountSessionEvent>();
  readonly onDidSessionEvent = this.sessionEvent.event;
  private readonly sessionChanged = new vscode.EventEmitter<string>();
  /** An account's session was built, dropped or suspended (its id): its state may read otherwise now. */
  readonly onDidChangeSession = this.sessionChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** One traffic tap per account for the extension's life: its record outlives the sessions (rebuilt after an edit). */
  private readonly taps = new Map<string, TrafficTap>();

  /** `offline` gives the offline cache sessions are built with (mailInspector.cache.maxMegabytes; undefined: off). */
  constructor(
    private readonly passwords: PasswordStore,
    private readonly channels: TrafficChannels,
    private readonly offline?: { current(): OfflineCache | undefined },
  ) {
    this.subscriptions.push(
      this.changed,
      this.sessionEvent,
      this.sessionChanged,
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

  /** The account's live session, built on first use (no connection until it is used). */
  session(account: AccountDefinition): Promise<AccountSession> {
    const definition = JSON.stringify(account);
    const open = this.sessions.get(account.id);
    if (open && open.definition === definition) {
      this.resume(account.id);
      return Promise.resolve(open.session);
    }
    // Several tree nodes may ask at once (e.g. expanded folders restored at start): one session (and PasswordStore asks once).
    const key = `${account.id}\0${definition}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.openSession(account, definition).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /**
   * The account's store (its session's command connection). A dismissed password prompt surfaces later as
   * MailError 'cancelled' with detail 'noPassword'. (Never undefined any more; the type stays for the callers that handle it.)
   */
  async store(account: AccountDefinition): Promise<MailStore | undefined> {
    return (await this.session(account)).store;
  }

  /**
   * The account's traffic tap: every connection of its sessions (and of its protocol consoles) goes through it,
   * and its record pairs the exchanges for the traffic view. Made on first use; nothing connects.
   */
  traffic(account: AccountDefinition): TrafficTap {
    let tap = this.taps.get(account.id);
    if (!tap) {
      tap = new TrafficTap(this.channels.sink(account), { maxLiteralBytes: this.current.maxTrafficLiteralBytes });
      this.taps.set(account.id, tap);
    }
    return tap;
  }

  /** The credential provider sessions use (one prompt, SecretStorage), for connections outside a session (the console). */
  get credentials(): PasswordStore {
    return this.passwords;
  }

  /** The account's session if one was built (builds none). */
  peek(accountId: string): AccountSession | undefined {
    return this.sessions.get(accountId)?.session;
  }

  /** What the account's node shows: undefined before its session was first used. */
  state(accountId: string): ConnectionState | undefined {
    const open = this.sessions.get(accountId);
    if (!open) return undefined;
    return this.suspended.has(accountId) ? 'closed' : open.session.state;
  }

  private async openSession(account: AccountDefinition, definition: string): Promise<AccountSession> {
    if (this.sessions.has(account.id)) await this.forget(account.id);
    const settings = this.current;
    const tap = this.traffic(account);
    tap.setOptions({ maxLiteralBytes: settings.maxTrafficLiteralBytes });
    const clientId = settings.imapSendId ? { name: CLIENT_NAME, version: extensionVersion() } : false;
    const session = await createAccountSession(account, this.passwords, tap, { limits: settings.limits, clientId, pollSeconds: settings.pollSeconds, offline: this.offline?.current() });
    const accountId = account.id;
    const events = session.events.on((event) => {
      if (event.type === 'connection' && event.state !== 'closed') this.suspended.delete(accountId);
      this.sessionEvent.fire({ accountId, session, event });
    });
    this.sessions.set(accountId, { session, tap, definition, events });
    this.sessionChanged.fire(accountId);
    return session;
  }

  /**
   * Closes every account's connections (the watch and the command connection) but keeps the sessions: they
   * connect again when used. For the budget: nothing stays open while the view is hidden.
   */
  async suspendAll(): Promise<void> {
    await Promise.all(
      [...this.sessions].map(async ([id, open]) => {
        await open.session.unwatch().catch(() => undefined);
        await open.session.store.close().catch(() => undefined);
        this.suspended.add(id);
        this.sessionChanged.fire(id);
      }),
    );
  }

  private resume(accountId: string): void {
    if (this.suspended.delete(accountId)) this.sessionChanged.fire(accountId);
  }

  /** Closes and drops the account's session (after an edit, a new password, or removal). */
  async forget(accountId: string): Promise<void> {
    const open = this.sessions.get(accountId);
    this.sessions.delete(accountId);
    this.suspended.delete(accountId);
    if (!open) return;
    open.events.dispose();
    await open.session.close().catch(() => undefined);
    this.sessionChanged.fire(accountId);
  }

  private reload(): void {
    const previous = this.current;
    this.current = readSettings();
    // Sessions are built with these: a change needs new sessions (the ID command is sent when a connection opens).
    const rebuildAll =
      previous.imapSendId !== this.current.imapSendId || previous.pollSeconds !== this.current.pollSeconds || previous.cacheMaxMegabytes !== this.current.cacheMaxMegabytes;
    const ids = new Set(this.current.accounts.map((a) => a.id));
    for (const tap of this.taps.values()) tap.setOptions({ maxLiteralBytes: this.current.maxTrafficLiteralBytes });
    for (const id of [...this.taps.keys()]) if (!ids.has(id)) this.taps.delete(id);
    for (const id of [...this.sessions.keys()]) {
      const account = this.get(id);
      if (!ids.has(id) || !account || JSON.stringify(account) !== this.sessions.get(id)?.definition || rebuildAll) void this.forget(id);
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const id of [...this.sessions.keys()]) void this.forget(id);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** This extension's version, from its package.json (what the IMAP ID command reports). */
function extensionVersion(): string | undefined {
  const version: unknown = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.version;
  return typeof version === 'string' ? version : undefined;
}

/** `publisher.name` from package.json. */
const EXTENSION_ID = 'mail-inspector.mail-inspector';
