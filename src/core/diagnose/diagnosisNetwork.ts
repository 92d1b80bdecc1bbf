import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressCheck, DiagnoseTarget, Resolution, WeakTlsCheck } from './diagnosisTypes';

const elapsed = (started: number): number => Math.round(performance.now() - started);

/**
 * Name resolution with every address (not just the first a connect would use), and a TCP connect to each,
 * timed: a host whose IPv6 address is unreachable but whose IPv4 one works shows it here, which a single
 * connect hides. Each connect is closed at once (nothing is sent).
 */
export async function resolveAndConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Resolution> {
  const started = performance.now();
  const literal = net.isIP(host);
  let found: { address: string; family: number }[];
  if (literal) found = [{ address: host, family: literal }];
  else {
    try {
      found = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const why = code === 'ENOTFOUND' ? 'the name does not exist (ENOTFOUND)' : code === 'EAI_AGAIN' ? 'no name server answered (EAI_AGAIN)' : String(error);
      return { literal: false, ms: elapsed(started), addresses: [], error: `${host} could not be resolved: ${why}.` };
    }
  }
  const ms = elapsed(started);
  const addresses: AddressCheck[] = [];
  for (const { address, family } of found) {
    if (signal?.aborted) break;
    addresses.push({ address, family: family === 6 ? 6 : 4, ...(await timedConnect(address, port, timeoutMs, signal)) });
  }
  return { literal: literal !== 0, ms, addresses };
}

function timedConnect(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ connectMs?: number; error?: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: address, port });
    const done = (result: { connectMs?: number; error?: string }): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      resolve(result);
    };
    const abort = (): void => done({ error: 'cancelled' });
    const timer = setTimeout(() => done({ error: `no answer within ${timeoutMs} ms (a firewall dropping the packets?)` }), timeoutMs);
    socket.once('connect', () => done({ connectMs: elapsed(started) }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ error: error.code === 'ECONNREFUSED' ? 'refused: nothing listens on this port' : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' ? `unreachable (${error.code})` : error.message }));
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Offers TLS 1.0 and then TLS 1.1 alone (with OpenSSL's security level lowered so that our side can offer
 * them at all) on connections of their own, after STARTTLS/STLS where the port needs it; nothing is sent
 * inside TLS. A server that completes either handshake accepts a version clients should no longer use.
 */
export async function weakTlsChecks(target: DiagnoseTarget, timeoutMs: number, signal?: AbortSignal): Promise<WeakTlsCheck[]> {
  const checks: WeakTlsCheck[] = [];
  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    if (signal?.aborted) break;
    checks.push(await weakTlsCheck(target, version, timeoutMs, signal));
  }
  return checks;
}

async function weakTlsCheck(target: DiagnoseTarget, version: WeakTlsCheck['version'], timeoutMs: number, signal?: AbortSignal): Promise<WeakTlsCheck> {
  let plain: net.Socket | undefined;
  try {
    if (target.security === 'starttls') plain = await upgradePreamble(target, timeoutMs);
    const socket = tls.connect({
      ...(plain ? { socket: plain } : { host: target.host, port: target.port }),
      ...(net.isIP(target.host) ? {} : { servername: target.host }),
      minVersion: version,
      maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    return await new Promise<WeakTlsCheck>((resolve) => {
      const done = (check: WeakTlsCheck): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        socket.destroy();
        resolve(check);
      };
      const abort = (): void => done({ version, accepted: undefined, note: 'cancelled' });
      const timer = setTimeout(() => done({ version, accepted: undefined, note: `no answer within ${timeoutMs} ms` }), timeoutMs);
      socket.once('secureConnect', () => done({ version, accepted: socket.getProtocol() === version }));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        // Our side could not offer the version at all: nothing is learnt about the server.
        if (error.code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE') done({ version, accepted: undefined, note: 'this machine cannot offer it' });
        else done({ version, accepted: false, note: refusal(error) });
      });
      signal?.addEventListener('abort', abort, { once: true });
    });
  } catch (error) {
    plain?.destroy();
    return { version, accepted: undefined, note: error instanceof Error ? error.message : String(error) };
  }
}

/** A plain connection that said STARTTLS (IMAP) or STLS (POP3) and got its "yes": ready for a handshake. */
function upgradePreamble(target: DiagnoseTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    let text = '';
    let asked = false;
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (text.length > 64 * 1024) return fail('the server sent too much');
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      for (const line of lines) {
        if (!asked) {
          asked = true;
          socket.write(target.protocol === 'imap' ? 'W1 STARTTLS\r\n' : 'STLS\r\n');
          continue;
        }
        if (target.protocol === 'imap' ? /^W1 /.test(line) : /^[+-]/.test(line)) {
          if (target.protocol === 'imap' ? /^W1 OK/i.test(line) : line.startsWith('+OK')) {
            clearTimeout(timer);
            socket.off('data', onData);
            socket.off('error', onError);
            resolve(socket);
          } else fail(`the server refused the upgrade (${line.trim()})`);
          return;
        }
      }
    };
    const onError = (error: Error): void => fail(error.message);
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

/** Why a handshake with an old version failed, in words: most servers just end it, some send an alert. */
function refusal(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNRESET' || /socket disconnected/i.test(error.message)) return 'the server ended the handshake';
  const alert = /alert ([a-z ]+)/i.exec(error.message);
  return alert ? `the server sent the alert "${alert[1]!.trim()}"` : error.message;
}
