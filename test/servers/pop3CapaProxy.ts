import { AddressInfo, createServer, Socket } from 'node:net';

/**
 * A plain-text POP3 proxy in front of a real Dovecot that plays a server with other capabilities, and records how
 * the client's bytes arrive. Dovecot 2.3 builds its CAPA list in code, with no setting to drop PIPELINING or to
 * announce RFC 2449's EXPIRE and LOGIN-DELAY, so this is how a test gets such a server; everything else (greeting,
 * login, every other reply) is Dovecot's own, unchanged. Plain text only: behind STLS the proxy could not read.
 * - `drop`: capabilities left out of the CAPA answers (e.g. PIPELINING);
 * - `add`: lines added at the end of the CAPA answers, before and after login (e.g. "EXPIRE 30");
 * - `reads`: each read the proxy got from the client, as its command lines (with TCP_NODELAY on both ends, a
 *   pipelined group arrives as one read with many commands; unpipelined commands one per read).
 */
export interface Pop3CapaProxy {
  readonly port: number;
  readonly reads: string[][];
  close(): Promise<void>;
}

export interface CapaChanges {
  readonly drop?: readonly string[];
  readonly add?: { readonly beforeLogin: readonly string[]; readonly afterLogin: readonly string[] };
}

/** Commands whose +OK reply is multi-line (RFC 1939, RFC 2449): CAPA, TOP, RETR, and LIST / UIDL without an argument. */
const MULTILINE = /^(?:CAPA|TOP\s.*|RETR\s.*|LIST|UIDL)$/i;

export async function startPop3CapaProxy(target: { host: string; port: number }, changes: CapaChanges = {}): Promise<Pop3CapaProxy> {
  const drop = new Set((changes.drop ?? []).map((name) => name.toUpperCase()));
  const reads: string[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
      s.setNoDelay(true);
    }
    // The commands whose replies are still to come, in order (pipelined or not); a line sent after a "+ "
    // continuation request is SASL data, not a command.
    const expected: string[] = [];
    let continuation = false;
    let body: 'capa' | 'other' | undefined;
    let loggedIn = false;
    let rest = '';
    let clientRest = '';
    client.on('data', (chunk: Buffer) => {
      clientRest += chunk.toString('latin1');
      const lines = clientRest.split('\r\n');
      clientRest = lines.pop() ?? '';
      if (lines.length > 0) reads.push(lines);
      for (const line of lines) {
        if (continuation) continuation = false;
        else expected.push(line);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      rest += chunk.toString('latin1');
      const lines = rest.split('\r\n');
      rest = lines.pop() ?? '';
      const out: string[] = [];
      for (const line of lines) {
        if (body) {
          if (line === '.') {
            if (body === 'capa' && changes.add) out.push(...(loggedIn ? changes.add.afterLogin : changes.add.beforeLogin));
            body = undefined;
          } else if (body === 'capa' && drop.has(line.split(' ')[0]!.toUpperCase())) continue;
        } else if (line.startsWith('+ ') || line === '+') continuation = true;
        else if (line.startsWith('+OK') || line.startsWith('-ERR')) {
          const command = expected.shift() ?? '';
          if (line.startsWith('+OK') && MULTILINE.test(command)) body = /^CAPA$/i.test(command) ? 'capa' : 'other';
          if (/^\+OK Logged in/i.test(line)) loggedIn = true;
        }
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
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
