// Mail Inspector's "Add Account" / "Edit Account" quick-input sequence, answered step by step by keyboard.
import type { Dialog } from './dialog';
import type { QuickInput } from './quickInput';

export interface AccountAnswers {
  protocol: 'IMAP' | 'POP3';
  host: string;
  security: 'TLS' | 'STARTTLS' | 'None (unencrypted)';
  port: number;
  /** Only asked for TLS and STARTTLS; default: verify. */
  certificate?: 'Verify the server certificate' | 'Allow an invalid certificate';
  user: string;
  password: string;
  /** Default: accept the prefilled "user@host". */
  displayName?: string;
  /** The last step; default: Read-only (the first choice). */
  access?: 'Read-only' | 'Read-write';
}

export class AccountWizard {
  constructor(private readonly quickInput: QuickInput, private readonly dialog: Dialog) {}

  /** Answers every step of a wizard already on screen (started from a button, a menu or the palette). */
  async answer(a: AccountAnswers): Promise<string> {
    await this.quickInput.pick(a.protocol, 'Protocol');
    await this.quickInput.enter('Host', a.host);
    await this.quickInput.pick(a.security, 'Security');
    if (a.security === 'None (unencrypted)') {
      await this.dialog.waitFor();
      await this.dialog.press('Use Unencrypted');
    }
    await this.quickInput.enter('Port', String(a.port));
    if (a.security !== 'None (unencrypted)') await this.quickInput.pick(a.certificate ?? 'Verify the server certificate', 'Certificate');
    await this.quickInput.enter('User name', a.user);
    await this.quickInput.waitForStep('Password');
    if (!(await this.quickInput.isPassword())) throw new Error('the Password step is not a password box: the password would show on screen');
    await this.quickInput.enter('Password', a.password);
    const name = a.displayName === undefined ? await this.quickInput.accept('Display name') : (await this.quickInput.enter('Display name', a.displayName), a.displayName);
    await this.quickInput.pick(a.access ?? 'Read-only', 'Access');
    await this.quickInput.waitClosed();
    return name;
  }
}
