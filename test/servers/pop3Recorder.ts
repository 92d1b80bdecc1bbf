import { AddressInfo, createServer, Socket } from 'node:net';

/**
 * A plain-text POP3 proxy in front of a real Dovecot that records how the client's bytes arrive (each read the
 * proxy got from the client: with TCP_NODELAY on both ends, a pipelined group arrives as one read with many
 * commands, unpipelined commands one per read, as each waits for its reply) and can leave capabilities out of
 * the CAPA answers (`drop`, e.g. PIPELINING: Dovecot 2.3 always announces it and has no setting to stop), to
 * play a server without them. Everything else is Dovecot's, unchanged. Plain text only (behind STLS the proxy
 * could not read the answers).
 */
export interface Pop3Recorder {
  readonly port: number;
  /** The client's reads so far, as lists of the command lines each held (complete lines only). */
  readonly reads: string[][];
  close(): Promise<void>;
}

export async function startPop3Recorder(target: { host: string; port: number }, options: { drop?: readonly string[] } = {}): Promise<Pop3Recorder> {
  const drop = new Set((options.drop ?? []).map((name) => name.toUpperCase()));
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
    // CAPA answers still to come, counted from the client's commands (replies come in order, pipelined or not).
    let pendingCapa = 0;
    const expected: ('capa' | 'other')[] = [];
    let inCapa = false;
    let rest = '';
    let clientRest = '';
    client.on('data', (chunk: Buffer) => {
      clientRest += chunk.toString('latin1');
      const lines = clientRest.split('\r\n');
      clientRest = lines.pop() ?? '';
      if (lines.length > 0) reads.push(lines);
      for (const line of lines) expected.push(/^CAPA$/i.test(line) ? 'capa' : 'other');
      pendingCapa = expected.filter((e) => e === 'capa').length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (drop.size === 0 || (pendingCapa === 0 && !inCapa)) {
        client.write(chunk);
        return;
      }
      rest += chunk.toString('latin1');
      const lines = rest.split('\r\n');
      rest = lines.pop() ?? '';
      const out: string[] = [];
      for (const line of lines) {
        if (inCapa) {
          if (line === '.') {
            inCapa = false;
            expected.splice(expected.indexOf('capa'), 1);
            pendingCapa--;
          } else if (drop.has(line.split(' ')[0]!.toUpperCase())) continue;
        } else if (expected[0] === 'capa' && line.startsWith('+OK')) inCapa = true;
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
