import { connect as tcpConnect, Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';

export interface RawTlsOptions {
  ca?: Buffer;
  /** SNI and the name the certificate is checked against; omit to check against the IP address. */
  servername?: string;
}

/**
 * A bare line-oriented socket for tests that check what a server says before any library is
 * involved (greetings, CAPABILITY, CAPA), and for STARTTLS/STLS by hand. Not a protocol client.
 */
export class RawClient {
  private received = '';
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  /** Connects to 127.0.0.1:port, in clear or, with `tls`, over implicit TLS (verified against `tls.ca`). */
  static connect(port: number, tls?: RawTlsOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ host: '127.0.0.1', port, ca: tls.ca, servername: tls.servername })
        : tcpConnect({ host: '127.0.0.1', port });
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get tls(): TLSSocket | undefined {
    return this.socket instanceof TLSSocket ? this.socket : undefined;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Waits until the text received so far matches `pattern`; returns it all and starts afresh. */
  async readUntil(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.received)) {
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} from the server; got: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const text = this.received;
    this.received = '';
    return text;
  }

  /** Upgrades the connection to TLS in place (after the server's go-ahead to STARTTLS/STLS). */
  startTls(options: RawTlsOptions): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({ socket: plain, ca: options.ca, servername: options.servername });
      secure.once('secureConnect', () => {
        secure.off('error', reject);
        this.socket = secure;
        this.attach(secure);
        resolve(secure);
      });
      secure.once('error', reject);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.waiter?.();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.failure ??= new Error('connection closed');
      this.waiter?.();
    });
  }
}
