import { connect, Socket } from 'node:net';
import { AccountDefinition } from '../../src/core/accounts/account';
import { CredentialProvider } from '../../src/core/credentials/credentialProvider';
import { DEFAULT_LIMITS, SessionLimits } from '../../src/core/mailStore';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { ConnectionTap, TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer } from '../servers/dovecot';

/** A TrafficTap that also counts the reads it is handed (to show a proxy really split the bytes). */
export class CountingTap extends TrafficTap {
  reads = 0;
  bytes = 0;

  override open(protocol: 'imap' | 'pop3', secrets: string[] = []): ConnectionTap {
    const connection = super.open(protocol, secrets);
    const server = connection.server.bind(connection);
    connection.server = (chunk: Buffer): void => {
      this.reads++;
      this.bytes += chunk.length;
      server(chunk);
    };
    return connection;
  }
}

export interface Pop3Fixture {
  store: Pop3Store;
  account: AccountDefinition;
  tap: CountingTap;
  /** Every traffic line so far, masked as the output channel would show it. */
  lines: TrafficLine[];
  /** Client lines only. */
  sent(): string[];
}

export interface FixtureOptions {
  account?: Partial<AccountDefinition>;
  password?: string;
  /** Asked for the password instead of `password`. */
  credentials?: CredentialProvider;
  limits?: Partial<SessionLimits>;
  /** The harness CA is trusted unless this is false. */
  trustCa?: boolean;
  maxMessageBytes?: number;
  onLine?: (line: TrafficLine) => void;
}

/** A Pop3Store for the harness's first user; STARTTLS on the POP3 port unless told otherwise. */
export function pop3Fixture(server: DovecotServer, options: FixtureOptions = {}): Pop3Fixture {
  const lines: TrafficLine[] = [];
  const tap = new CountingTap(
    (line) => {
      lines.push(line);
      options.onLine?.(line);
    },
    { maxLiteralBytes: 4096 },
  );
  const account: AccountDefinition = {
    id: 'pop3-test',
    label: 'POP3 test',
    protocol: 'pop3',
    host: server.host,
    port: server.ports.pop3,
    security: 'starttls',
    user: server.users[0]!.user,
    allowInvalidCertificate: false,
    useApop: false,
    ...options.account,
  };
  const store = new Pop3Store(account, options.credentials ?? options.password ?? server.users[0]!.password, tap, {
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ca: options.trustCa === false ? undefined : server.ca,
    maxMessageBytes: options.maxMessageBytes,
  });
  return { store, account, tap, lines, sent: () => lines.filter((l) => l.direction === 'client').map((l) => l.text) };
}

/**
 * Turns on what the shared harness leaves off, for this server only: `pop3_lock_session` (Dovecot's
 * default lets two POP3 sessions share a maildrop) and the APOP mechanism. It appends to the harness's
 * dovecot.conf and reloads, then waits until a new greeting carries the APOP timestamp.
 */
/** A raw POP3 session that logs in and stays in TRANSACTION state, holding Dovecot's maildrop lock. */
export function holdMaildrop(server: DovecotServer): Promise<Socket> {
  const { user, password } = server.users[0]!;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.ports.pop3 }); // the instance with the lock turned on
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (/\+OK Logged in/.test(text)) resolve(socket);
      else if (/-ERR/.test(text)) reject(new Error(`could not hold the maildrop: ${text}`));
    });
    socket.on('error', reject);
    socket.write(`USER ${user}\r\nPASS ${password}\r\n`);
  });
}
