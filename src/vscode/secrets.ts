import * as vscode from 'vscode';
import { AccountDefinition } from '../core/accounts/account';
import { CredentialProvider } from '../core/credentials/credentialProvider';

/**
 * Passwords live only in SecretStorage, keyed by account id. As the stores' CredentialProvider it is
 * asked only once a connection is secured: a stored password is given without a prompt; otherwise,
 * or when the server refused the stored one in this session, the user is asked (one prompt per
 * account however many connections ask at once) and the answer is stored.
 */
export class PasswordStore implements CredentialProvider {
  /** Accounts whose stored password the server refused: the next get() asks again. */
  private readonly refused = new Set<string>();
  private readonly asking = new Map<string, Promise<string | undefined>>();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(accountId: string): string {
    return `mailInspector.password.${accountId}`;
  }

  stored(accountId: string): Thenable<string | undefined> {
    return this.secrets.get(this.key(accountId));
  }

  async set(accountId: string, password: string): Promise<void> {
    await this.secrets.store(this.key(accountId), password);
    this.refused.delete(accountId);
  }

  async delete(accountId: string): Promise<void> {
    await this.secrets.delete(this.key(accountId));
    this.refused.delete(accountId);
  }

  /** The stored password, or asks for it (and stores it). Undefined when the user cancels. */
  async get(account: AccountDefinition): Promise<string | undefined> {
    if (!this.refused.has(account.id)) {
      const stored = await this.stored(account.id);
      if (stored !== undefined) return stored;
    }
    let pending = this.asking.get(account.id);
    if (!pending) {
      pending = this.ask(account).finally(() => this.asking.delete(account.id));
      this.asking.set(account.id, pending);
    }
    return pending;
  }

  invalidate(account: AccountDefinition): void {
    this.refused.add(account.id);
  }

  async ask(account: AccountDefinition): Promise<string | undefined> {
    const refused = this.refused.has(account.id);
    const password = await vscode.window.showInputBox({
      title: `Password for ${account.label}`,
      prompt: `${refused ? 'The server refused the password. ' : ''}${account.user} on ${account.host}:${account.port}. It is kept in VS Code's secret storage.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length === 0 ? 'Enter the password' : /[\r\n\0]/.test(v) ? 'The password cannot contain line breaks or NUL' : undefined),
    });
    if (password === undefined) return undefined;
    await this.set(account.id, password);
    return password;
  }
}
