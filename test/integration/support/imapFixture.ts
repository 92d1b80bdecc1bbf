import { AccountDefinition, Security } from '../../../src/core/accounts/account';
import { CredentialProvider } from '../../../src/core/credentials/credentialProvider';
import { ClientId } from '../../../src/core/imap/clientId';
import { ImapStore, ImapStoreOptions } from '../../../src/core/imap/imapStore';
import { DEFAULT_LIMITS, SessionLimits } from '../../../src/core/mailStore';
import { TrafficLine } from '../../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../../src/core/traffic/trafficTap';
import { DovecotServer } from '../../servers/dovecot';

export interface ImapHandle {
  store: ImapStore;
  tap: TrafficTap;
  lines: TrafficLine[];
  /** Every traffic line as the output channel shows it: `[imap#1] C: text`, `S:`, `--` for notes. */
  text(): string;
}

/** An ImapStore on the test server, with the traffic collected in memory. */
export function imapStore(
  server: DovecotServer,
  overrides: Partial<AccountDefinition> & { security?: Security } = {},
  options: { password?: string; credentials?: CredentialProvider; limits?: Partial<SessionLimits>; loginMethod?: ImapStoreOptions['loginMethod']; trustCa?: boolean; maxLiteralBytes?: number; clientId?: ClientId | false } = {},
): ImapHandle {
  const security = overrides.security ?? 'tls';
  const user = server.users[0]!;
  const account: AccountDefinition = {
    id: 'test',
    label: 'test',
    protocol: 'imap',
    host: '127.0.0.1',
    port: security === 'tls' ? server.ports.imaps : server.ports.imap,
    security,
    user: user.user,
    allowInvalidCertificate: false,
    useApop: false,
    ...overrides,
  };
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: options.maxLiteralBytes ?? 4096 });
  const store = new ImapStore(account, options.credentials ?? options.password ?? user.password, tap, {
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.trustCa === false ? {} : { ca: server.ca }),
    ...(options.loginMethod ? { loginMethod: options.loginMethod } : {}),
    ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
  });
  const text = (): string => lines.map(formatTrafficLine).join('\n');
  return { store, tap, lines, text };
}
