import * as vscode from 'vscode';
import { AccountDefinition } from '../core/accounts/account';

/** Passwords live only in SecretStorage, keyed by account id. */
export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(accountId: string): string {
    return `mailInspector.password.${accountId}`;
  }

  get(accountId: string): Thenable<string | undefined> {
    return this.secrets.get(this.key(accountId));
  }

  set(accountId: string, password: string): Thenable<void> {
    return this.secrets.store(this.key(accountId), password);
  }

  delete(accountId: string): Thenable<void> {
    return this.secrets.delete(this.key(accountId));
  }

  /** The stored password, or asks for it (and stores it). Undefined when the user cancels. */
  async getOrAsk(account: AccountDefinition): Promise<string | undefined> {
    const stored = await this.get(account.id);
    if (stored !== undefined) return stored;
    return this.ask(account);
  }

  async ask(account: AccountDefinition): Promise<string | undefined> {
    const password = await vscode.window.showInputBox({
      title: `Password for ${account.label}`,
      prompt: `${account.user} on ${account.host}:${account.port}. It is kept in VS Code's secret storage.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length === 0 ? 'Enter the password' : /[\r\n\0]/.test(v) ? 'The password cannot contain line breaks or NUL' : undefined),
    });
    if (password === undefined) return undefined;
    await this.set(account.id, password);
    return password;
  }
}
