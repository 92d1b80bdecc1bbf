import { AccountDefinition } from '../accounts/account';
import { MailError } from '../errors';
import { probePort } from './portProbe';
import { wrongPortError } from './wrongPort';

/** How long a plain-text connection may stay silent before the port is probed (a TLS port waits for the client). */
export const SILENCE_PROBE_MS = 2_000;
/** Each wait of the probe. */
const PROBE_WAIT_MS = 700;

/** Failures that a port speaking something else (or speaking TLS differently) produces. */
const PORT_TROUBLE = new Set<MailError['reason']>(['timeout', 'tls', 'protocol', 'network']);

/**
 * The plain explanation of a failed connection when the port is the cause ("Port 993 expects TLS from the
 * first byte…", "Port 25 speaks SMTP…"), found by probing the port on connections of its own; undefined when
 * the port speaks what the account expects (the failure is then what it said) or the failure is of another kind.
 */
export async function wrongPortOf(account: Pick<AccountDefinition, 'protocol' | 'security' | 'host' | 'port'>, failure?: MailError): Promise<MailError | undefined> {
  if (failure && !PORT_TROUBLE.has(failure.reason)) return undefined;
  try {
    const finding = await probePort(account.host, account.port, { protocol: account.protocol, waitMs: PROBE_WAIT_MS });
    const explained = wrongPortError(account, finding);
    return explained ? new MailError('wrongPort', explained.message, undefined, failure ? { cause: failure } : {}) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits for `connected` (a connection up to its greeting), explaining a wrong port instead of its failure: when
 * the connection fails for a reason a wrong port causes, or when a plain-text connection hears nothing for
 * SILENCE_PROBE_MS and the probe finds the port wrong (then `abandon` ends the connection at once, long before
 * its greeting timeout).
 */
export async function connectedOrWrongPort(connected: Promise<void>, account: Pick<AccountDefinition, 'protocol' | 'security' | 'host' | 'port'>, abandon: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const silence = new Promise<MailError>((resolve) => {
    if (account.security === 'tls') return;
    timer = setTimeout(() => {
      void wrongPortOf(account).then((found) => {
        if (found && !settled) resolve(found);
      });
    }, SILENCE_PROBE_MS);
  });
  try {
    const outcome = await Promise.race([connected.then(() => undefined), silence]);
    if (outcome) {
      abandon();
      throw outcome;
    }
  } catch (error) {
    if (MailError.is(error, 'wrongPort')) throw error;
    const explained = MailError.is(error) ? await wrongPortOf(account, error) : undefined;
    throw explained ?? error;
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}
