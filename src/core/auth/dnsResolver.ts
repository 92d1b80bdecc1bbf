import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { MailError } from '../errors';
import type { DnsSource } from './dnsLookups';

/** Each try waits this long; two tries per query. */
export const DNS_TIMEOUT_MS = 2000;

/**
 * The resolver the checks ask: the system's servers, or the ones the user named ("192.0.2.53",
 * "192.0.2.53:5353", "[2001:db8::53]:53"). A name that is not an address is refused as a config error.
 */
export function createDnsResolver(servers: readonly string[], timeoutMs = DNS_TIMEOUT_MS): DnsSource {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) {
    for (const server of servers) {
      const host = server.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
      if (isIP(host) === 0) throw new MailError('config', `mailInspector.auth.dnsServers: "${server}" is not an IP address (with an optional :port).`);
    }
    resolver.setServers([...servers]);
  }
  return resolver;
}
