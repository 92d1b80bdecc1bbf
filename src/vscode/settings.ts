import * as vscode from 'vscode';
import { AccountDefinition, parseAccounts } from '../core/accounts/account';
import { MailError } from '../core/errors';
import { DEFAULT_LIMITS, SessionLimits } from '../core/mailStore';

export const SECTION = 'mailInspector';

export interface Settings {
  accounts: AccountDefinition[];
  accountProblems: { index: number; error: MailError }[];
  pageSize: number;
  maxTrafficLiteralBytes: number;
  /** `mailInspector.imap.sendId`: send the IMAP ID command (our name and version only). */
  imapSendId: boolean;
  limits: SessionLimits;
  /** `mailInspector.pollSeconds`: IMAP without IDLE asks with NOOP this often, POP3 checks UIDL this often; other folders' counts refresh by STATUS this often. */
  pollSeconds: number;
  /** `mailInspector.idleCloseMinutes`: every connection is closed when the Accounts view has been hidden this long (0: never). */
  idleCloseMinutes: number;
  /** `mailInspector.cache.maxMegabytes`: disk budget of the offline cache (0: off). */
  cacheMaxMegabytes: number;
  /** `mailInspector.showUnsubscribedFolders`: list folders the server reports as unsubscribed (default true). */
  showUnsubscribedFolders: boolean;
}

function num(config: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const value = config.get<unknown>(key);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
}

/** The one typed reader of `mailInspector.*`. Account definitions are read from user settings only. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  // Accounts are application-scoped: a workspace (a cloned repository) cannot define or redirect them.
  const inspected = config.inspect<unknown>('accounts');
  const { accounts, problems } = parseAccounts(inspected?.globalValue ?? []);
  return {
    accounts,
    accountProblems: problems,
    pageSize: num(config, 'pageSize', 50, 1, 1000),
    maxTrafficLiteralBytes: num(config, 'traffic.maxLiteralBytes', 4096, 0, 16 * 1024 * 1024),
    imapSendId: config.get<unknown>('imap.sendId') !== false,
    pollSeconds: num(config, 'pollSeconds', 30, 5, 3600),
    idleCloseMinutes: num(config, 'idleCloseMinutes', 5, 0, 1440),
    cacheMaxMegabytes: num(config, 'cache.maxMegabytes', 200, 0, 100_000),
    showUnsubscribedFolders: config.get<unknown>('showUnsubscribedFolders') !== false,
    limits: {
      connectTimeoutMs: num(config, 'timeouts.connectSeconds', DEFAULT_LIMITS.connectTimeoutMs / 1000, 1, 600) * 1000,
      greetingTimeoutMs: num(config, 'timeouts.greetingSeconds', DEFAULT_LIMITS.greetingTimeoutMs / 1000, 1, 600) * 1000,
      socketTimeoutMs: num(config, 'timeouts.socketSeconds', DEFAULT_LIMITS.socketTimeoutMs / 1000, 1, 3600) * 1000,
      maxLiteralBytes: num(config, 'limits.maxLiteralMegabytes', DEFAULT_LIMITS.maxLiteralBytes / 2 ** 20, 1, 4096) * 2 ** 20,
      maxLineBytes: num(config, 'limits.maxLineKilobytes', DEFAULT_LIMITS.maxLineBytes / 1024, 1, 1024 * 1024) * 1024,
      maxResponseBytes: num(config, 'limits.maxResponseMegabytes', DEFAULT_LIMITS.maxResponseBytes / 2 ** 20, 1, 8192) * 2 ** 20,
    },
  };
}

/** Raw entries of the user-level account list, for editing. */
function rawAccounts(): unknown[] {
  const value = vscode.workspace.getConfiguration(SECTION).inspect<unknown>('accounts')?.globalValue;
  return Array.isArray(value) ? [...(value as unknown[])] : [];
}

function entryId(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : undefined;
}

/** Adds or replaces (by id) an account in the user settings. Never writes a password. */
export async function saveAccount(account: AccountDefinition, replaceId?: string): Promise<void> {
  const entries = rawAccounts();
  const stored: Record<string, unknown> = {
    id: account.id,
    label: account.label,
    protocol: account.protocol,
    host: account.host,
    port: account.port,
    security: account.security,
    user: account.user,
    allowInvalidCertificate: account.allowInvalidCertificate,
    ...(account.caFile ? { caFile: account.caFile } : {}),
    ...(account.pinnedCertificate ? { pinnedCertificate: account.pinnedCertificate } : {}),
    // APOP is a POP3 account's choice (parseAccount keeps it for POP3 only): stored only when chosen.
    ...(account.useApop ? { useApop: true } : {}),
    // Read-only is the default: only a read-write account says so.
    ...(account.access === 'read-write' ? { access: 'read-write' } : {}),
    ...(account.afterDownload && account.afterDownload.policy !== 'keep'
      ? { pop3: { afterDownload: account.afterDownload.policy, ...(account.afterDownload.policy === 'leaveCopy' ? { leaveCopyDays: account.afterDownload.days } : {}) } }
      : {}),
  };
  const index = entries.findIndex((e) => entryId(e) === (replaceId ?? account.id));
  if (index >= 0) entries[index] = stored;
  else entries.push(stored);
  await vscode.workspace.getConfiguration(SECTION).update('accounts', entries, vscode.ConfigurationTarget.Global);
}

export async function deleteAccount(id: string): Promise<void> {
  const entries = rawAccounts().filter((e) => entryId(e) !== id);
  await vscode.workspace.getConfiguration(SECTION).update('accounts', entries, vscode.ConfigurationTarget.Global);
}
