import { AccountDefinition } from '../accounts/account';

/** Where the ledger keeps its record: VS Code's globalState (a Memento) fits, and so does a Map in tests. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What "now" is: the real time in the extension, a fake one in tests ("day 0", "day 10"). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The record as it is stored: plain JSON. */
interface LedgerRecord {
  readonly version: 1;
  /** user@host:port: a record made for another server is not this account's any more (the account was edited). */
  readonly server: string;
  /** UIDL → when this client first downloaded it (ms since the epoch). */
  readonly downloaded: Record<string, number>;
  /** When the last download session logged in, and the LOGIN-DELAY (seconds) the server announced then. */
  readonly lastLogin?: number;
  readonly loginDelay?: number;
}

const DAY_MS = 86_400_000;

/** The storage key of an account's ledger. */
export function ledgerKey(account: AccountDefinition): string {
  return `mailInspector.pop3Downloads/${account.id}`;
}

function serverOf(account: AccountDefinition): string {
  return `${account.user}@${account.host}:${account.port}`;
}

/**
 * Which messages of a POP3 maildrop this client has downloaded, by UIDL, and when it first did (what "leave a copy
 * for N days" counts from), plus when the last download logged in (what LOGIN-DELAY counts from). Every change is
 * written through at once, so a download that is cancelled or fails still knows what it saved.
 */
export class DownloadLedger {
  private downloaded: Map<string, number>;
  private lastLoginAt: number | undefined;
  private loginDelaySeconds: number | undefined;
  private readonly server: string;
  private readonly key: string;

  constructor(
    account: AccountDefinition,
    private readonly storage: KeyValueStore,
  ) {
    this.key = ledgerKey(account);
    this.server = serverOf(account);
    const record = readRecord(storage.get(this.key));
    const mine = record?.server === this.server ? record : undefined;
    this.downloaded = new Map(Object.entries(mine?.downloaded ?? {}));
    this.lastLoginAt = mine?.lastLogin;
    this.loginDelaySeconds = mine?.loginDelay;
  }

  /** How many messages are recorded. */
  get size(): number {
    return this.downloaded.size;
  }

  has(uidl: string): boolean {
    return this.downloaded.has(uidl);
  }

  /** When `uidl` was first downloaded, or undefined when it never was. */
  firstDownloaded(uidl: string): Date | undefined {
    const at = this.downloaded.get(uidl);
    return at === undefined ? undefined : new Date(at);
  }

  /** Records a download; a message already recorded keeps its first date. */
  async record(uidl: string, at: Date): Promise<void> {
    if (this.downloaded.has(uidl)) return;
    this.downloaded.set(uidl, at.getTime());
    await this.save();
  }

  /** Of `present` (UIDLs on the server now), those first downloaded more than `days` days before `now`. */
  olderThan(days: number, now: Date, present: Iterable<string>): string[] {
    const limit = now.getTime() - days * DAY_MS;
    return [...present].filter((uidl) => {
      const at = this.downloaded.get(uidl);
      return at !== undefined && at < limit;
    });
  }

  /** Forgets every message not in `present` (deleted from the server, by us or anyone): UIDLs are never reused (RFC 1939). */
  async keepOnly(present: ReadonlySet<string>): Promise<void> {
    const before = this.downloaded.size;
    for (const uidl of [...this.downloaded.keys()]) if (!present.has(uidl)) this.downloaded.delete(uidl);
    if (this.downloaded.size !== before) await this.save();
  }

  /** A download session logged in at `at`; the server announced `loginDelay` seconds (or none). */
  async noteLogin(at: Date, loginDelay: number | undefined): Promise<void> {
    this.lastLoginAt = at.getTime();
    this.loginDelaySeconds = loginDelay;
    await this.save();
  }

  /** The LOGIN-DELAY the server announced at the last download, in seconds. */
  get loginDelay(): number | undefined {
    return this.loginDelaySeconds;
  }

  /** When the next login is allowed by the LOGIN-DELAY `seconds` (the last one recorded when not given); undefined: now. */
  nextLoginAllowed(seconds = this.loginDelaySeconds): Date | undefined {
    if (this.lastLoginAt === undefined || !seconds) return undefined;
    return new Date(this.lastLoginAt + seconds * 1000);
  }

  private async save(): Promise<void> {
    const record: LedgerRecord = {
      version: 1,
      server: this.server,
      downloaded: Object.fromEntries(this.downloaded),
      ...(this.lastLoginAt !== undefined ? { lastLogin: this.lastLoginAt } : {}),
      ...(this.loginDelaySeconds !== undefined ? { loginDelay: this.loginDelaySeconds } : {}),
    };
    await this.storage.update(this.key, record);
  }
}

/** A stored record, or undefined when there is none or it is not one this version wrote. */
function readRecord(value: unknown): LedgerRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Partial<Record<keyof LedgerRecord, unknown>>;
  if (raw.version !== 1 || typeof raw.server !== 'string' || typeof raw.downloaded !== 'object' || raw.downloaded === null) return undefined;
  // Built with fromEntries (own data properties): an assignment would take a UIDL "__proto__" for the prototype.
  const downloaded = Object.fromEntries(Object.entries(raw.downloaded as Record<string, unknown>).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])));
  return {
    version: 1,
    server: raw.server,
    downloaded,
    ...(typeof raw.lastLogin === 'number' ? { lastLogin: raw.lastLogin } : {}),
    ...(typeof raw.loginDelay === 'number' ? { loginDelay: raw.loginDelay } : {}),
  };
}
