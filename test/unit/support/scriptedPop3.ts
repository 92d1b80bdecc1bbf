// A scripted POP3 server on loopback for behaviours Dovecot cannot imitate (no CAPA, no UIDL, refused STLS, …):
// it greets, frames the client's lines, records them, and hands each command to the test's script.
import { AddressInfo, createServer, Server, Socket } from 'node:net';

export interface Pop3Replies {
  /** One status line. */
  reply(text: string): void;
  /** "+OK", the lines dot-stuffed, and the terminating dot. */
  multi(lines: string[]): void;
  /** Raw bytes, exactly as given. */
  write(raw: string): void;
  end(): void;
}

/** Starts the server (closed with the others in `servers`); returns its port and every line it received. */
export async function scriptedPop3(servers: Server[], onCommand: (verb: string, arg: string | undefined, out: Pop3Replies) => void): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket: Socket) => {
    const out: Pop3Replies = {
      reply: (text) => void socket.write(`${text}\r\n`),
      multi: (lines) => void socket.write(`+OK\r\n${lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}${lines.length ? '\r\n' : ''}.\r\n`),
      write: (raw) => void socket.write(raw),
      end: () => void socket.end(),
    };
    let buffer = '';
    out.reply('+OK fake POP3 ready');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let eol = buffer.indexOf('\r\n'); eol !== -1; eol = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        received.push(line);
        const [verb = '', arg] = line.split(' ');
        onCommand(verb, arg, out);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}
