import { AddressInfo, createServer, Socket } from 'node:net';

/**
 * A plain-text POP3 proxy in front of a real Dovecot that adds lines to its CAPA answers (before the
 * terminating "."), e.g. "EXPIRE 30" and "LOGIN-DELAY 900". Dovecot 2.3 builds its CAPA list in code with
 * no setting to announce RFC 2449's EXPIRE or LOGIN-DELAY, so this is how a test gets a Dovecot that
 * announces them; everything else (greeting, login, the replies) is Dovecot's own, unchanged. Plain text
 * only: behind STLS the proxy could not read the answers.
 */
export interface Pop3CapaProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function startPop3CapaProxy(target: { host: string; port: number }, extra: { beforeLogin: readonly string[]; afterLogin: readonly string[] }): Promise<Pop3CapaProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    let loggedIn = false;
    // CAPA answers still to come: the test client sends one command at a time, so the next reply is CAPA's.
    let pending = 0;
    let inCapa = false;
    let rest = '';
    let clientRest = '';
    client.on('data', (chunk: Buffer) => {
      clientRest += chunk.toString('latin1');
      const lines = clientRest.split('\r\n');
      clientRest = lines.pop() ?? '';
      for (const line of lines) if (/^CAPA$/i.test(line)) pending++;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      rest += chunk.toString('latin1');
      const lines = rest.split('\r\n');
      rest = lines.pop() ?? '';
      const out: string[] = [];
      for (const line of lines) {
        if (inCapa && line === '.') {
          out.push(...(loggedIn ? extra.afterLogin : extra.beforeLogin));
          inCapa = false;
          pending--;
        } else if (!inCapa && pending > 0 && line.startsWith('+OK')) inCapa = true;
        else if (!inCapa && pending > 0 && line.startsWith('-ERR')) pending--;
        else if (!inCapa && /^\+OK Logged in/i.test(line)) loggedIn = true;
        out.push(line);
      }
      if (out.length > 0) client.write(Buffer.from(`${out.join('\r\n')}\r\n`, 'latin1'));
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    upstream.connect(target.port, target.host);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
