import { AccountDefinition } from '../../../src/core/accounts/account';
import { CredentialProvider } from '../../../src/core/credentials/credentialProvider';

/**
 * A CredentialProvider that records when it is asked; `onGet` runs at the moment of asking (to look
 * at the traffic so far) and may hold the answer back, as a person typing would.
 */
export class RecordingCredentials implements CredentialProvider {
  calls = 0;
  invalidated = 0;

  constructor(private readonly password: string | undefined, private readonly onGet?: () => void | Promise<void>) {}

  async get(_account: AccountDefinition): Promise<string | undefined> {
    this.calls++;
    await this.onGet?.();
    return this.password;
  }

  invalidate(_account: AccountDefinition): void {
    this.invalidated++;
  }
}
