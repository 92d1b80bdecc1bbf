import type { ImapFlow } from 'imapflow';
import { getErrorText, getStatusCode, isServerRefusal } from 'imapflow/lib/tools.js';
import { connectionCommands } from './commandMap';

/** What imapflow's authenticate() passes to its AUTHENTICATE command (imapflow 2.10.2, commands/authenticate.js). */
interface Credentials {
  readonly accessToken?: unknown;
  readonly password?: unknown;
  readonly loginMethod?: unknown;
  readonly authzid?: unknown;
}

/** The parts of the connection used here that imapflow's types leave out (internal, but what its own commands use). */
interface Connection {
  readonly capabilities: Map<string, unknown>;
  readonly authCapabilities: Map<string, unknown>;
  exec(command: string, attributes: unknown[], options?: { onPlusTag?: () => Promise<void> }): Promise<{ next(): void }>;
  write(text: string): void;
}

const OAUTH = ['AUTH=OAUTHBEARER', 'AUTH=XOAUTH', 'AUTH=XOAUTH2'];

/** imapflow's choice of mechanism, to the letter: SASL PLAIN for a password unless OAuth or another method applies. */
function choosesPlain(capabilities: Map<string, unknown>, credentials: Credentials): credentials is Credentials & { password: string } {
  if (credentials.accessToken && OAUTH.some((m) => capabilities.has(m))) return false;
  if (typeof credentials.password !== 'string' || credentials.password === '') return false;
  return credentials.loginMethod === 'AUTH=PLAIN' || (!credentials.loginMethod && capabilities.has('AUTH=PLAIN'));
}

/**
 * Logs in with SASL PLAIN in one round trip where the server offers SASL-IR (RFC 4959): `AUTHENTICATE PLAIN
 * <initial response>`, instead of imapflow 2.10.2's `AUTHENTICATE PLAIN`, wait for `+`, then the response (it
 * sends an initial response only for OAuth). Everything else (OAuth, LOGIN, a server without SASL-IR, a
 * method forced to LOGIN) is imapflow's own AUTHENTICATE, untouched. The response is marked sensitive, as
 * imapflow marks LOGIN's password; the traffic tap masks it on the command line as it masks a SASL line.
 * A failure is shaped as imapflow's own (authenticationFailed for a tagged NO/BAD, the response code, the
 * server's text), so the errors read the same either way.
 */
export function sendPlainInitialResponse(client: ImapFlow): void {
  const commands = connectionCommands(client);
  const authenticate = commands.get('AUTHENTICATE');
  if (!authenticate) return;
  commands.set('AUTHENTICATE', (flow, ...args) => {
    const connection = flow as unknown as Connection;
    const [username, credentials] = args as [unknown, Credentials | undefined];
    const applies =
      flow.state === flow.states.NOT_AUTHENTICATED && typeof username === 'string' && credentials !== undefined && connection.capabilities.has('SASL-IR') && choosesPlain(connection.capabilities, credentials);
    if (!applies) return authenticate(flow, ...args);
    return plainInOneStep(connection, username, credentials.password, typeof credentials.authzid === 'string' ? credentials.authzid : '');
  });
}

async function plainInOneStep(connection: Connection, username: string, password: string, authzid: string): Promise<string> {
  const response = Buffer.from([authzid, username, password].join('\x00'), 'utf8').toString('base64');
  try {
    const answer = await connection.exec('AUTHENTICATE', [{ type: 'ATOM', value: 'PLAIN' }, { type: 'ATOM', value: response, sensitive: true }], {
      // A server that asks anyway (it should not, RFC 4959 §3) gets the response as without SASL-IR.
      onPlusTag: async () => connection.write(response),
    });
    answer.next();
    connection.authCapabilities.set('AUTH=PLAIN', true);
    return authzid || username;
  } catch (err) {
    const e = err as { response?: unknown; serverResponseCode?: unknown; authenticationFailed?: unknown };
    const code = getStatusCode(e.response);
    if (code) e.serverResponseCode = code;
    if (isServerRefusal(err)) e.authenticationFailed = true;
    e.response = await getErrorText(e.response);
    throw err;
  }
}
