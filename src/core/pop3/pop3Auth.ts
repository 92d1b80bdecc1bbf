import { createHash } from 'node:crypto';
import { MailError } from '../errors';
import { errReplyToMailError, Pop3ErrReply } from './pop3Errors';
import { Pop3Reply } from './replyReader';

/**
 * Logging in to POP3: the pieces node-pop3 0.11.0 lacks (it only knows USER/PASS). CAPA (RFC 2449)
 * tells what the server offers; SASL PLAIN (RFC 5034, RFC 4616) is preferred when advertised, then
 * USER/PASS; APOP (RFC 1939 §7) only when the account asks for it, since its MD5 digest is weak and it
 * needs the server to keep the password in clear. The traffic tap's Pop3Masker hides PASS, the AUTH
 * payload and the APOP digest.
 */
export type LoginMethod = 'apop' | 'sasl-plain' | 'user-pass';

/** What login() needs from a connection. */
export interface Pop3Commander {
  simple(...args: (string | number)[]): Promise<Pop3Reply>;
}

/** The lines of a CAPA reply, e.g. ["TOP", "UIDL", "SASL PLAIN", "STLS"]. */
export function parseCapabilities(body: Buffer): string[] {
  return body
    .toString('utf8')
    .split('\r\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Whether CAPA lists `name` (its first word, case-insensitively). */
export function hasCapability(capabilities: readonly string[], name: string): boolean {
  const wanted = name.toUpperCase();
  return capabilities.some((line) => line.split(/\s+/)[0]?.toUpperCase() === wanted);
}

/** The SASL mechanisms CAPA advertises, upper-cased. */
export function saslMechanisms(capabilities: readonly string[]): string[] {
  return capabilities.flatMap((line) => {
    const [name, ...mechanisms] = line.split(/\s+/);
    return name?.toUpperCase() === 'SASL' ? mechanisms.map((m) => m.toUpperCase()) : [];
  });
}

/** The APOP timestamp (`<…>`, RFC 1939 §7) in a greeting, or undefined when the server offers no APOP. */
export function apopTimestamp(greeting: string): string | undefined {
  return /<[^<>\s]+>/.exec(greeting)?.[0];
}

/** MD5 of the timestamp followed by the password, in lower-case hex (RFC 1939 §7). */
export function apopDigest(timestamp: string, password: string): string {
  return createHash('md5').update(Buffer.from(timestamp + password, 'utf8')).digest('hex');
}

/** The SASL PLAIN response, base64 of NUL user NUL password with no authorisation identity (RFC 4616). */
export function saslPlainResponse(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
}

/**
 * Picks how to log in. `capabilities` is undefined when the server does not know CAPA (then USER/PASS,
 * the one method every server has). APOP is used only when asked for, and refused (never quietly
 * replaced by a method that sends the password) when the greeting carries no timestamp.
 */
export function chooseLogin(useApop: boolean, capabilities: readonly string[] | undefined, greeting: string): LoginMethod {
  if (useApop) {
    if (apopTimestamp(greeting) === undefined) {
      throw new MailError('config', 'The account asks for APOP, but the server\'s greeting carries no timestamp, so the server does not offer APOP.');
    }
    return 'apop';
  }
  if (capabilities && saslMechanisms(capabilities).includes('PLAIN')) return 'sasl-plain';
  return 'user-pass';
}

/** Logs in with `method`; rejects with MailError 'auth', 'inUse', 'server' or 'protocol'. */
export async function login(connection: Pop3Commander, method: LoginMethod, user: string, password: string, greeting: string): Promise<void> {
  const step = async (what: string, ...args: string[]): Promise<Pop3Reply> => {
    try {
      return await connection.simple(...args);
    } catch (err) {
      throw err instanceof Pop3ErrReply ? errReplyToMailError(err.text, 'login', what) : err;
    }
  };
  if (method === 'apop') {
    await step('APOP', 'APOP', user, apopDigest(apopTimestamp(greeting) ?? '', password));
    return;
  }
  if (method === 'sasl-plain') {
    const reply = await step('AUTH PLAIN', 'AUTH', 'PLAIN', saslPlainResponse(user, password));
    if (reply.kind === 'continue') {
      // The initial response was sent; a server asking for more does not speak PLAIN as RFC 4616 says.
      await step('AUTH PLAIN', '*').catch(() => undefined);
      throw new MailError('protocol', 'The server asked for more than the single SASL PLAIN response.');
    }
    return;
  }
  await step('USER', 'USER', user);
  await step('PASS', 'PASS', password);
}
