import { AccountDefinition } from '../accounts/account';
import { CredentialProvider } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { certificateTrust } from '../tls/certificateTrust';
import { TrafficLine, TrafficSink } from '../traffic/trafficLine';
import { ConnectionTap, formatTrafficLine } from '../traffic/trafficTap';
import type { AccessMode } from '../write/mailWriter';
import { ConsoleConnection } from './consoleConnection';
import { ConsoleLineEditor } from './consoleLineEditor';

/** What the console needs of the account's traffic tap: a connection of its own, and the events to print. */
export interface ConsoleTap {
  open(protocol: 'imap' | 'pop3', secrets?: string[]): ConnectionTap;
  subscribe(sink: TrafficSink): { dispose(): void };
}

export interface ConsoleOptions {
  readonly account: AccountDefinition;
  /** The session's access mode (session.access): read-only sends only commands that change nothing. */
  readonly access: AccessMode;
  readonly tap: ConsoleTap;
  /** Asked for the password only once the connection is secured, and only in 'after' mode. */
  readonly credentials: CredentialProvider;
  /** 'after': TLS and login done by the console (the default); 'before': TLS only, the user logs in by hand. */
  readonly login: 'after' | 'before';
  readonly connectTimeoutMs: number;
  /** How long a reply to the console's own commands (greeting, STARTTLS, login, LOGOUT) may take. */
  readonly replyTimeoutMs: number;
  /** Extra trusted CA certificates (tests), besides the account's caFile. */
  readonly ca?: Buffer;
}

export interface Disposable {
  dispose(): void;
}

/**
 * A protocol console: the user's own IMAP or POP3 conversation on a new connection of the account (never
 * the browsing session's), driven like a terminal. Input is raw keystrokes (handleInput); output is
 * terminal text with CRLF line ends, printed from the tap's events for this connection, so the console
 * shows exactly what the traffic log shows, masked and elided the same way.
 */
export interface ProtocolConsole extends Disposable {
  /** The tap's connection id ("imap#7"), for the terminal's title. */
  readonly connectionId: string;
  onOutput(listener: (text: string) => void): Disposable;
  /** The connection ended (logout, the server, a failure). */
  onClosed(listener: (error: MailError | undefined) => void): Disposable;
  /** Connects, secures the connection and (in 'after' mode) logs in; what it does is printed. */
  start(): Promise<void>;
  handleInput(data: string): void;
  /** Logs out politely (LOGOUT, QUIT) and closes the connection. */
  close(): Promise<void>;
}

const RESET = '\x1b[0m';
const CLIENT = '\x1b[36m';
const FAILURE = '\x1b[31m';
const NOTE = '\x1b[2m';
const CONSOLE = '\x1b[33m';

/** Control characters of text that did not come through the tap's rendering (notes, error messages) are shown escaped. */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the terminal raw
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * What both protocols share: the connection, the line editor, printing (tap events above the input line,
 * which is drawn again after them), queuing of lines typed while the console cannot take them, closing.
 */
export abstract class ConsoleBase implements ProtocolConsole {
  protected readonly connection: ConsoleConnection;
  protected readonly wire: ConnectionTap;
  protected readonly editor = new ConsoleLineEditor();
  /** Lines submitted while the console waits (starting, a continuation, a POP3 reply): taken in order later. */
  protected readonly queue: string[] = [];
  protected ready = false;
  protected ended = false;
  private readonly outputs = new Set<(text: string) => void>();
  private readonly closers = new Set<(error: MailError | undefined) => void>();
  private readonly subscription: Disposable;
  private pending: string[] = [];
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  /** Called once the connection ends: the waits of bounded() and whenClosed(). */
  private readonly closedWaiters = new Set<() => void>();

  constructor(protected readonly options: ConsoleOptions) {
    const { account } = options;
    this.wire = options.tap.open(account.protocol);
    this.subscription = options.tap.subscribe((event) => {
      if (event.connection === this.wire.id) this.print(this.renderEvent(event));
    });
    this.connection = new ConsoleConnection(
      { host: account.host, port: account.port, implicitTls: account.security === 'tls', connectTimeoutMs: options.connectTimeoutMs },
      this.wire,
      {
        data: (chunk) => this.receive(chunk),
        closed: (error) => this.connectionClosed(error),
      },
    );
  }

  get connectionId(): string {
    return this.wire.id;
  }

  onOutput(listener: (text: string) => void): Disposable {
    this.outputs.add(listener);
    return { dispose: () => this.outputs.delete(listener) };
  }

  onClosed(listener: (error: MailError | undefined) => void): Disposable {
    this.closers.add(listener);
    return { dispose: () => this.closers.delete(listener) };
  }

  async start(): Promise<void> {
    try {
      // The account's caFile is read now, so an edit of the file applies to the next console.
      await this.connection.connect(await certificateTrust(this.options.account, this.options.ca));
      await this.begin();
      this.ready = true;
      this.say(this.welcome());
      this.drain();
    } catch (error) {
      const failure = MailError.is(error) ? error : new MailError('protocol', String(error), undefined, { cause: error });
      if (!this.ended) this.say(failure.message, true); // (a connection that ended said why already)
      this.connection.close('closed: the console could not start');
      throw failure;
    }
  }

  handleInput(data: string): void {
    for (const action of this.editor.handle(data)) {
      if (action.type === 'changed') this.redraw();
      else if (action.type === 'interrupt') {
        this.pending.push(`${this.prompt()}${this.echo(this.editor.text)}^C`);
        this.interrupt();
        this.schedule();
      } else this.accept(action.line);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.connection.open && this.ready) {
        try {
          await this.goodbye();
        } catch {
          // The server did not answer the goodbye in time: the socket is closed all the same.
        }
      }
      this.connection.close();
      this.flush();
    })();
    return this.closing;
  }

  dispose(): void {
    void this.close().finally(() => {
      this.subscription.dispose();
      this.outputs.clear();
      this.closers.clear();
    });
  }

  // What each protocol does.
  /** After connect: greeting, STARTTLS/STLS when the account asks for it, login in 'after' mode. */
  protected abstract begin(): Promise<void>;
  /** Bytes from the server (the tap has them already). */
  protected abstract onData(chunk: Buffer): void;
  /** A line the console can take now. */
  protected abstract submit(line: string): void;
  /** Whether the console takes typed lines now (not while waiting for a continuation or a reply). */
  protected abstract accepting(): boolean;
  /** Ctrl+C. */
  protected abstract interrupt(): void;
  protected abstract prompt(): string;
  /** The typed line as echoed (secrets masked). */
  protected abstract echo(line: string): string;
  /** LOGOUT / QUIT, waiting (bounded) for the server. */
  protected abstract goodbye(): Promise<void>;
  /** Whether the line is kept for up/down (not when it carries a secret). */
  protected abstract remembered(line: string): boolean;
  protected abstract welcome(): string;

  /** A typed line: taken now, or queued until the console can take it. */
  private accept(line: string): void {
    if (this.ended) {
      this.say('The connection is closed: close this terminal, or open a new protocol console.', true);
      return;
    }
    if (this.remembered(line)) this.editor.remember(line);
    if (!this.ready || !this.accepting() || this.queue.length > 0) {
      this.pending.push(`${NOTE}${this.echo(line)}  (queued)${RESET}`);
      this.queue.push(line);
      this.schedule();
      return;
    }
    this.submit(line);
    this.schedule();
  }

  /** Takes queued lines while the console accepts them (after a continuation, a reply, the start). */
  protected drain(): void {
    while (this.ready && !this.ended && this.queue.length > 0 && this.accepting()) this.submit(this.queue.shift()!);
    this.schedule();
  }

  /** Drops the queue (the command those lines were for was refused by the server). */
  protected dropQueue(why: string): void {
    if (this.queue.length === 0) return;
    this.say(`${this.queue.length} typed line${this.queue.length === 1 ? '' : 's'} not sent: ${why}.`, true);
    this.queue.length = 0;
  }

  private receive(chunk: Buffer): void {
    try {
      this.onData(chunk);
    } catch (error) {
      this.say(`The console could not read the server's reply: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    this.drain();
  }

  private connectionClosed(error: MailError | undefined): void {
    this.ended = true;
    this.queue.length = 0;
    for (const waiter of [...this.closedWaiters]) waiter();
    this.say(error ? `The connection ended: ${error.message}` : 'The connection is closed.', error !== undefined);
    this.flush();
    for (const listener of [...this.closers]) listener(error);
  }

  /**
   * `promise` (a reply the console itself waits for), failing with 'timeout' after `ms` and with 'network'
   * when the connection ends first (a server that says BYE and hangs up during the login).
   */
  protected bounded<T>(what: string, promise: Promise<T>, ms = this.options.replyTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.closedWaiters.delete(closed);
      };
      const closed = (): void => {
        settle();
        reject(new MailError('network', `${what}: the connection ended first.`));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new MailError('timeout', `${what} within ${ms} ms.`));
      }, ms);
      if (this.ended) return closed();
      this.closedWaiters.add(closed);
      promise.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Resolves when the connection ends, or after `ms`. */
  protected whenClosed(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.closedWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.closedWaiters.add(done);
    });
  }

  /** A line of the console's own (not traffic): a hint, a refusal, a failure. */
  protected say(text: string, warning = false): void {
    this.print(`${warning ? FAILURE : CONSOLE}${safe(text)}${RESET}`);
  }

  /** The refusal of a typed line: its echo, and why nothing was sent. */
  protected refuse(line: string, reason: string): void {
    this.print(`${NOTE}${this.echo(line)}${RESET}`);
    this.say(`Not sent: ${reason}.`, true);
  }

  private renderEvent(event: TrafficLine): string {
    const text = formatTrafficLine(event).slice(`[${event.connection}] `.length);
    if (event.direction === 'client') return `${CLIENT}${text}${RESET}`;
    if (event.direction === 'info') return `${NOTE}${safe(text)}${RESET}`;
    return event.kind === 'line' && isFailure(event.text) ? `${FAILURE}${text}${RESET}` : text;
  }

  private print(line: string): void {
    this.pending.push(line);
    this.schedule();
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Prints what is pending above the input line, then draws the input line again. */
  private flush(): void {
    this.flushScheduled = false;
    const lines = this.pending;
    this.pending = [];
    const body = lines.length > 0 ? `${lines.join('\r\n')}\r\n` : '';
    this.emit(`\r\x1b[K${body}${this.ended ? '' : this.inputLine()}`);
  }

  private redraw(): void {
    if (this.flushScheduled) return; // the flush draws it
    this.emit(`\r\x1b[K${this.ended ? '' : this.inputLine()}`);
  }

  private inputLine(): string {
    const text = this.echo(this.editor.text);
    const back = [...this.editor.text].length - this.editor.cursorColumn;
    return `${CONSOLE}${this.prompt()}${RESET}${text}${back > 0 ? `\x1b[${back}D` : ''}`;
  }

  private emit(text: string): void {
    for (const listener of [...this.outputs]) listener(text);
  }
}

/** A server line that says a command failed: a tagged NO/BAD, BYE, -ERR. */
function isFailure(text: string): boolean {
  return /^(?:\S+ (?:NO|BAD)\b|\* BYE\b|-ERR\b)/i.test(text);
}
