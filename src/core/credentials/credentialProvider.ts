import { AccountDefinition, hasControlCharacters } from '../accounts/account';
import { MailError } from '../errors';

/**
 * Where a store gets the account's password. Stores ask only once the server was reached and the
 * connection is secured (TLS handshake done, STARTTLS/STLS upgraded, the certificate trusted), right
 * before logging in; so nobody types a password for a server that was never reached.
 */
export interface CredentialProvider {
  /** The password, or undefined when the user declined to give one (nothing is sent then). */
  get(account: AccountDefinition): Promise<string | undefined>;
  /** The server refused the password `get` gave: do not offer it silently again. */
  invalidate(account: AccountDefinition): void;
}

/** A password known up front (tests, the benchmark): never prompts, never forgets. */
export function fixedPassword(password: string): CredentialProvider {
  return { get: () => Promise.resolve(password), invalidate: () => undefined };
}

/** A provider, or a password known up front. */
export type Credentials = CredentialProvider | string;

export function credentialProvider(credentials: Credentials): CredentialProvider {
  return typeof credentials === 'string' ? fixedPassword(credentials) : credentials;
}

/** The error when no password was given: 'cancelled', marked so that a UI can offer to enter one. */
export function noPasswordError(account: AccountDefinition): MailError {
  return new MailError('cancelled', `No password was given for ${account.user} on ${account.host}, so nothing was sent.`, undefined, { detail: { kind: 'noPassword' } });
}

/**
 * Asks the provider for the password of the login about to happen; `learn` tells the traffic tap
 * to scrub it. Rejects with noPasswordError() when none is given, with 'config' when it could
 * inject protocol commands (CR, LF, NUL).
 */
export async function passwordForLogin(provider: CredentialProvider, account: AccountDefinition, learn: (secret: string) => void): Promise<string> {
  const password = await provider.get(account);
  if (password === undefined) throw noPasswordError(account);
  if (hasControlCharacters(password)) throw new MailError('config', 'The password contains a line break or NUL character.');
  learn(password);
  return password;
}
