import * as vscode from 'vscode';
import { AccessMode } from '../../core/write/mailWriter';
import { accessOf, AccountDefinition, defaultPort, hasControlCharacters, parseAccount, Protocol, Security, slugify } from '../../core/accounts/account';

export interface WizardResult {
  account: AccountDefinition;
  /** The new password; undefined keeps the stored one (edit) or leaves it to be asked on the first connection (add). */
  password: string | undefined;
}

type CertificateChoice = 'verify' | 'caFile' | 'allow';

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

const STEPS = 9;

/**
 * Asks for an account in quick inputs a person can finish by keyboard: protocol, host, security,
 * port, certificate check (verify, a private CA file, or allow invalid), user, password, display
 * name, access (read-only, the default, or read-write). Returns undefined when cancelled (Escape). The password may be left empty: it is then asked
 * for on the first connection, once the server is reached and its certificate trusted.
 */
export async function runAccountWizard(existing: AccountDefinition | undefined, takenIds: Set<string>): Promise<WizardResult | undefined> {
  const verb = existing ? 'Edit Account' : 'Add Account';
  const title = (step: number): string => `${verb} (${step}/${STEPS})`;

  const protocol = await pick<Protocol>(title(1), 'Protocol', [
    { label: 'IMAP', description: 'folders, flags, server-side search (ports 993 / 143)', value: 'imap' },
    { label: 'POP3', description: 'one maildrop, download only (ports 995 / 110)', value: 'pop3' },
  ], existing?.protocol);
  if (!protocol) return undefined;

  const host = await input(title(2), 'Host', 'Server host name or IP address, e.g. imap.example.com', existing?.host ?? '', (v) => {
    if (!v.trim()) return 'Enter a host name';
    if (hasControlCharacters(v) || /\s/.test(v.trim())) return 'A host name cannot contain spaces, line breaks or NUL';
    return undefined;
  });
  if (host === undefined) return undefined;

  const security = await pick<Security>(title(3), 'Security', [
    { label: 'TLS', description: `encrypted from the first byte (port ${defaultPort(protocol, 'tls')})`, value: 'tls' },
    { label: 'STARTTLS', description: `upgrade to TLS before logging in, or refuse (port ${defaultPort(protocol, 'starttls')})`, value: 'starttls' },
    { label: 'None (unencrypted)', description: 'password and mail in clear: only for test servers', value: 'none' },
  ], existing?.security);
  if (!security) return undefined;
  if (security === 'none' && existing?.security !== 'none') {
    const ok = await vscode.window.showWarningMessage(
      'Use an unencrypted connection?',
      { modal: true, detail: 'The password and every message will cross the network in clear text. Use this only for a test server you control.' },
      'Use Unencrypted',
    );
    if (ok !== 'Use Unencrypted') return undefined;
  }

  const suggestedPort = existing && existing.protocol === protocol && existing.security === security ? existing.port : defaultPort(protocol, security);
  const portText = await input(title(4), 'Port', `Default for ${protocol.toUpperCase()} with ${security === 'none' ? 'no encryption' : security.toUpperCase()}: ${defaultPort(protocol, security)}`, String(suggestedPort), (v) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'Enter a port from 1 to 65535';
  });
  if (portText === undefined) return undefined;

  let allowInvalidCertificate = false;
  let caFile: string | undefined;
  if (security !== 'none') {
    const current: CertificateChoice | undefined = existing ? (existing.allowInvalidCertificate ? 'allow' : existing.caFile ? 'caFile' : 'verify') : undefined;
    const cert = await pick<CertificateChoice>(title(5), 'Certificate', [
      { label: 'Verify the server certificate', description: 'recommended', value: 'verify' },
      { label: 'Trust a private certificate authority…', description: 'a CA PEM file, for a company or home CA', value: 'caFile' },
      { label: 'Allow an invalid certificate', description: 'self-signed or wrong name: for test servers only', value: 'allow' },
    ], current);
    if (cert === undefined) return undefined;
    allowInvalidCertificate = cert === 'allow';
    if (cert === 'caFile') {
      const chosen = await vscode.window.showOpenDialog({
        title: `${title(5)}: CA certificate (PEM)`,
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        openLabel: 'Trust This CA',
        filters: { 'PEM certificates': ['pem', 'crt', 'cer'], 'All files': ['*'] },
        ...(existing?.caFile ? { defaultUri: vscode.Uri.file(existing.caFile) } : {}),
      });
      if (!chosen?.[0]) return undefined;
      caFile = chosen[0].fsPath;
    }
  }

  const user = await input(title(6), 'User name', 'The login name on the server', existing?.user ?? '', (v) =>
    !v ? 'Enter a user name' : hasControlCharacters(v) ? 'A user name cannot contain line breaks or NUL' : undefined,
  );
  if (user === undefined) return undefined;

  const password = await vscode.window.showInputBox({
    title: title(7),
    prompt: existing
      ? 'Password (leave empty to keep the stored one). Kept only in VS Code\'s secret storage.'
      : 'Password (or leave empty to be asked on the first connection, once the server is reached). Kept only in VS Code\'s secret storage.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (hasControlCharacters(v) ? 'A password cannot contain line breaks or NUL' : undefined),
  });
  if (password === undefined) return undefined;

  const label = await input(title(8), 'Display name', 'How the account is named in the tree', existing?.label ?? `${user}@${host.trim()}`, (v) =>
    !v.trim() ? 'Enter a name' : hasControlCharacters(v) ? 'A name cannot contain line breaks or NUL' : undefined,
  );
  if (label === undefined) return undefined;

  // Read-only first: a new account changes nothing on the server unless this is chosen on purpose.
  const access = await pick<AccessMode>(title(9), 'Access', [
    { label: 'Read-only', description: 'browse only, nothing changes (recommended)', value: 'read-only' },
    { label: 'Read-write', description: 'changes only when you ask', value: 'read-write' },
  ], existing ? accessOf(existing) : undefined);
  if (!access) return undefined;

  let id = existing?.id ?? slugify(`${protocol}-${user}-${host.trim()}`);
  if (!existing) for (let n = 2; takenIds.has(id); n++) id = `${slugify(`${protocol}-${user}-${host.trim()}`)}-${n}`;
  // A trusted (pinned) certificate belongs to the server it was shown for: kept while host and port stay.
  const samePlace = existing !== undefined && existing.host === host.trim() && existing.port === Number(portText) && security !== 'none';
  const pinnedCertificate = samePlace ? existing.pinnedCertificate : undefined;
  const account = parseAccount({ id, label: label.trim(), protocol, host: host.trim(), port: Number(portText), security, user, allowInvalidCertificate, caFile, pinnedCertificate, useApop: existing?.useApop ?? false, access, ...(existing?.afterDownload ? { pop3: pop3Setting(existing.afterDownload) } : {}) });
  return { account, password: password === '' ? undefined : password };
}

/** The `pop3` setting object parseAccount reads back, so editing an account keeps its after-download policy. */
function pop3Setting(after: NonNullable<AccountDefinition['afterDownload']>): Record<string, unknown> {
  return after.policy === 'leaveCopy' ? { afterDownload: after.policy, leaveCopyDays: after.days } : { afterDownload: after.policy };
}

async function pick<T>(title: string, placeholder: string, items: Pick<T>[], current: T | undefined): Promise<T | undefined> {
  const ordered = current === undefined ? items : [...items].sort((a, b) => Number(b.value === current) - Number(a.value === current));
  const chosen = await vscode.window.showQuickPick(ordered, { title, placeHolder: placeholder, ignoreFocusOut: true });
  return chosen?.value;
}

function input(title: string, placeholder: string, prompt: string, value: string, validate: (v: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, placeHolder: placeholder, prompt: `${placeholder}: ${prompt}`, value, ignoreFocusOut: true, validateInput: validate });
}
