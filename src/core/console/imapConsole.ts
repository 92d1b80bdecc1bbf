import { passwordForLogin } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { saslPlainResponse } from '../pop3/pop3Auth';
import { imapCommandName, imapVerdict } from './consolePolicy';
import { maskedEcho, secretStart, splitTag, trailingLiteral, typedSecret } from './consoleLine';
import { ImapResponseReader } from './imapResponseReader';
import { ConsoleBase } from './protocolConsole';

const CRLF = Buffer.from('\r\n');

interface Completion {
  readonly status: 'OK' | 'NO' | 'BAD';
  /** The tagged line, e.g. "C2 NO [AUTHENTICATIONFAILED] Authentication failed." */
  readonly text: string;
  /** Untagged responses that arrived while the command was in flight (first lines). */
  readonly untagged: readonly string[];
}

interface InFlight {
  readonly name: string;
  /** The console's own commands (greeting steps, login, LOGOUT) wait for their completion. */
  readonly done?: (completion: Completion) => void;
  readonly untagged?: string[];
  /** The console's own AUTHENTICATE without SASL-IR: what to send on the server's "+". */
  readonly onContinue?: () => void;
}

/** A command line sent whose next bytes wait for the server's "+": a synchronizing literal, AUTHENTICATE, IDLE. */
type Waiting =
  | { readonly kind: 'literal'; readonly tag: string; readonly command: Command; readonly bytes: number; readonly secret: boolean }
  | { readonly kind: 'authenticate'; readonly tag: string }
  | { readonly kind: 'idle'; readonly tag: string };

/** A LOGIN typed with literals: its arguments so far (the second one, the password, is a secret). */
interface Command {
  readonly tag: string;
  readonly login: boolean;
  args: number;
}

/**
 * The IMAP console. Tags: the console adds C1, C2… (a typed tag is kept). Literals: a line ending in
 * `{n}` waits for the server's "+" (lines typed meanwhile are queued), `{n+}` (LITERAL+) does not; then
 * the next typed lines, each with its CRLF, are the literal's bytes, exactly n of them (UTF-8), and what
 * follows them continues the command. AUTHENTICATE's continuation lines and a LOGIN's password are masked
 * in the echo and scrubbed from the log. IDLE ends with DONE, typed or by Ctrl+C. STARTTLS that the
 * server accepts upgrades the connection right there.
 */
export class ImapConsole extends ConsoleBase {
  private readonly reader = new ImapResponseReader((line) => this.response(line));
  private next = 1;
  private readonly inFlight = new Map<string, InFlight>();
  private waiting: Waiting | undefined;
  /** Typing a literal: `left` bytes still to come. */
  private literal: { command: Command; left: number; secret: boolean } | undefined;
  /** The literal is complete; the next typed line continues the command. */
  private continuing: Command | undefined;
  /** Tag of the AUTHENTICATE whose "+" came: the next typed line is the SASL response. */
  private authenticating: string | undefined;
  /** Tag of the IDLE under way ("+ idling" came). */
  private idling: string | undefined;
  private doneSent = false;
  /** Ctrl+C came before IDLE's "+": DONE goes as soon as it comes. */
  private doneOnContinue = false;
  private authenticated = false;
  private upgrading = false;
  /** Set until the greeting came (from the start: it may come before begin() runs). */
  private greeting: ((line: string) => void) | undefined;
  private readonly greetingLine = new Promise<string>((resolve) => (this.greeting = resolve));

  protected async begin(): Promise<void> {
    const { account, credentials, login } = this.options;
    const greeting = await this.bounded('The server sent no greeting', this.greetingLine);
    if (/^\* BYE\b/i.test(greeting)) throw new MailError('server', `The server refused the connection: ${greeting}`, greeting);
    if (/^\* PREAUTH\b/i.test(greeting)) this.authenticated = true;
    let capabilities = capabilityList(greeting);
    if (account.security === 'starttls') {
      const reply = await this.run('STARTTLS');
      if (reply.status !== 'OK') throw new MailError('tls', `The server refused STARTTLS (${reply.text}), so the connection cannot be secured; no credentials were sent.`, reply.text);
      capabilities = undefined; // what the server said in clear is not to be trusted
    }
    if (login === 'before' || this.authenticated) return;
    if (!capabilities) {
      const reply = await this.run('CAPABILITY');
      capabilities = reply.untagged.map(capabilityList).find((c) => c !== undefined) ?? capabilityList(reply.text) ?? [];
    }
    const password = await passwordForLogin(credentials, account, (secret) => this.wire.addSecret(secret));
    let reply: Completion;
    if (capabilities.includes('AUTH=PLAIN')) {
      const payload = saslPlainResponse(account.user, password);
      this.wire.addSecret(payload);
      reply = capabilities.includes('SASL-IR')
        ? await this.run(`AUTHENTICATE PLAIN ${payload}`)
        : await this.run('AUTHENTICATE PLAIN', () => this.sendLine(payload));
    } else if (capabilities.includes('LOGINDISABLED')) {
      throw new MailError('auth', 'The server offers neither LOGIN (LOGINDISABLED) nor AUTHENTICATE PLAIN here: open the console "before login" to log in by hand. No credentials were sent.');
    } else {
      reply = await this.run(`LOGIN ${quoted(account.user)} ${quoted(password)}`);
    }
    if (reply.status !== 'OK') {
      credentials.invalidate(account);
      throw new MailError('auth', `${new MailError('auth').explanation} (${reply.text})`, reply.text);
    }
    this.authenticated = true;
  }

  protected welcome(): string {
    const { access, account } = this.options;
    const who = this.authenticated ? `Logged in as ${account.user}` : 'Not logged in yet (type LOGIN or AUTHENTICATE)';
    const rule = access === 'read-only' ? 'read-only: only commands that change nothing are sent' : 'read-write: every command is sent';
    return `${who}; ${rule}. Type commands without a tag (C1, C2… are added); a {n} literal waits for the server's "+"; ↑/↓ history; Ctrl+C ends IDLE.`;
  }

  protected onData(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  protected accepting(): boolean {
    return this.waiting === undefined && !this.upgrading;
  }

  protected submit(line: string): void {
    if (this.literal) return this.literalLine(line);
    if (this.continuing) return this.continuation(line);
    if (this.authenticating) {
      if (line.length >= 3) this.wire.addSecret(line);
      return this.sendLine(line);
    }
    if (this.idling) {
      if (line.trim().toUpperCase() !== 'DONE') return this.refuse(line, 'IDLE is running: type DONE (or press Ctrl+C) to end it first');
      if (!this.doneSent) this.sendLine('DONE');
      this.doneSent = true;
      return;
    }
    const text = line.trim();
    if (text === '') return;
    const { tag: typed, rest } = splitTag(text);
    const verdict = imapVerdict(rest, { access: this.options.access, authenticated: this.authenticated });
    if (!verdict.allowed) return this.refuse(line, verdict.reason);
    if (typed !== undefined && this.inFlight.has(typed)) return this.refuse(line, `the tag ${typed} belongs to a command still in flight`);
    const tag = typed ?? this.nextTag();
    const name = imapCommandName(rest);
    const secret = typedSecret('imap', text);
    if (secret) this.wire.addSecret(secret);
    this.inFlight.set(tag, { name });
    this.sendLine(`${tag} ${rest}`);
    if (name === 'IDLE') {
      this.waiting = { kind: 'idle', tag };
      this.doneSent = false;
      this.doneOnContinue = false;
    } else if (name === 'AUTHENTICATE') {
      this.waiting = { kind: 'authenticate', tag };
    } else {
      this.segmentSent({ tag, login: name === 'LOGIN', args: 0 }, rest.split(/\s+/).slice(1).join(' '));
    }
  }

  protected interrupt(): void {
    if (this.idling) {
      if (!this.doneSent) this.sendLine('DONE');
      this.doneSent = true;
    } else if (this.waiting?.kind === 'idle') {
      this.doneOnContinue = true;
    } else if (this.authenticating) {
      this.say('Type * to cancel the authentication.');
    } else if (this.literal) {
      this.say(`The literal still needs ${this.literal.left} bytes: type them (nothing else can be sent before they are).`);
    }
  }

  protected prompt(): string {
    if (!this.ready) return 'connecting… ';
    if (this.upgrading) return 'TLS handshake… ';
    if (this.waiting) return this.waiting.kind === 'idle' ? 'IDLE starting… ' : 'waiting for the server\'s "+"… ';
    if (this.literal) return `literal, ${this.literal.left} bytes to go> `;
    if (this.continuing) return '…> ';
    if (this.authenticating) return 'SASL response> ';
    if (this.idling) return 'IDLE (type DONE or press Ctrl+C)> ';
    return this.authenticated ? 'IMAP> ' : 'IMAP (not logged in)> ';
  }

  protected echo(line: string): string {
    return this.secretInput() ? '*'.repeat([...line].length) : maskedEcho('imap', line);
  }

  protected remembered(line: string): boolean {
    return !this.secretInput() && !this.literal && !this.continuing && secretStart('imap', line) === undefined;
  }

  protected async goodbye(): Promise<void> {
    if (this.idling && !this.doneSent) {
      this.sendLine('DONE');
      this.doneSent = true;
    }
    // A literal half typed cannot be ended politely: the socket just closes.
    if (this.literal || this.continuing || this.waiting?.kind === 'literal') return;
    await this.run('LOGOUT', undefined, Math.min(this.options.replyTimeoutMs, 3000));
    await this.whenClosed(1000);
  }

  /** The console's own command: resolves with its completion (or rejects after the reply timeout). */
  private run(text: string, onContinue?: () => void, ms = this.options.replyTimeoutMs): Promise<Completion> {
    const tag = this.nextTag();
    const name = imapCommandName(text);
    const completion = new Promise<Completion>((done) => {
      this.inFlight.set(tag, { name, done, untagged: [], ...(onContinue ? { onContinue } : {}) });
    });
    this.sendLine(`${tag} ${text}`);
    return this.bounded(`The server did not answer ${name}`, completion, ms);
  }

  /** Whether the next typed line is (or, queued while the server has not said "+" yet, will be) a secret. */
  private secretInput(): boolean {
    const waiting = this.waiting;
    if (waiting?.kind === 'authenticate' || (waiting?.kind === 'literal' && waiting.secret)) return true;
    return this.authenticating !== undefined || this.literal?.secret === true || (this.continuing !== undefined && this.continuing.login && this.continuing.args >= 1);
  }

  private nextTag(): string {
    let tag: string;
    do tag = `C${this.next++}`;
    while (this.inFlight.has(tag));
    return tag;
  }

  private sendLine(text: string): void {
    this.connection.write(Buffer.concat([Buffer.from(text, 'utf8'), CRLF]));
  }

  /**
   * A piece of a command line went out (`args`: its text after the command name, for LOGIN's count):
   * a literal at its end is typed next (after "+", unless LITERAL+); otherwise the command is complete.
   */
  private segmentSent(command: Command, args: string): void {
    const literal = trailingLiteral(args);
    if (command.login) command.args += args.replace(/\{\d+\+?\}$/, '').trim().split(/\s+/).filter((a) => a !== '').length;
    if (!literal) return;
    const secret = command.login && command.args >= 1;
    if (literal.synchronizing) this.waiting = { kind: 'literal', tag: command.tag, command, bytes: literal.bytes, secret };
    else this.startLiteral(command, literal.bytes, secret);
  }

  private startLiteral(command: Command, bytes: number, secret: boolean): void {
    if (bytes === 0) {
      if (command.login) command.args++;
      this.continuing = command;
      return;
    }
    this.literal = { command, left: bytes, secret };
  }

  /** A typed line while a literal is under way: its bytes (with CRLF) fill the literal; the rest continues the command. */
  private literalLine(line: string): void {
    const literal = this.literal!;
    const bytes = Buffer.concat([Buffer.from(line, 'utf8'), CRLF]);
    const take = Math.min(literal.left, bytes.length);
    if (literal.secret && line.length >= 3) this.wire.addSecret(line);
    this.connection.write(bytes.subarray(0, take));
    literal.left -= take;
    if (literal.left > 0) return;
    this.literal = undefined;
    const command = literal.command;
    if (command.login) command.args++;
    const rest = bytes.subarray(take);
    if (rest.length === 0) {
      this.continuing = command;
      return;
    }
    this.connection.write(rest);
    this.segmentSent(command, rest.toString('utf8').replace(/\r?\n$/, ''));
  }

  /** The line after a literal that ended with the typed line's CRLF: more of the same command. */
  private continuation(line: string): void {
    const command = this.continuing!;
    this.continuing = undefined;
    if (command.login && command.args >= 1) {
      const secret = line.trim().replace(/^"((?:[^"\\]|\\.)*)"$/, (_, inner: string) => inner.replace(/\\(.)/g, '$1'));
      if (secret.length >= 3) this.wire.addSecret(secret);
    }
    this.sendLine(line);
    this.segmentSent(command, line);
  }

  /** A whole response from the server (its first line). */
  private response(line: string): void {
    if (this.greeting) {
      const greeted = this.greeting;
      this.greeting = undefined;
      greeted(line);
      return;
    }
    if (line.startsWith('+')) return this.continueRequest();
    if (line.startsWith('*')) {
      for (const entry of this.inFlight.values()) entry.untagged?.push(line);
      return;
    }
    const m = /^(\S+) (OK|NO|BAD)\b/i.exec(line);
    if (!m) return;
    const tag = m[1]!;
    const status = m[2]!.toUpperCase() as Completion['status'];
    const entry = this.inFlight.get(tag);
    if (!entry) return;
    this.inFlight.delete(tag);
    if (this.waiting?.tag === tag) {
      this.waiting = undefined;
      this.dropQueue(`the server answered ${tag} without asking for more`);
    }
    if (this.literal?.command.tag === tag) this.literal = undefined;
    if (this.continuing?.tag === tag) this.continuing = undefined;
    if (this.authenticating === tag) this.authenticating = undefined;
    if (this.idling === tag) this.idling = undefined;
    if (status === 'OK' && (entry.name === 'LOGIN' || entry.name === 'AUTHENTICATE')) this.authenticated = true;
    const completion: Completion = { status, text: line, untagged: entry.untagged ?? [] };
    if (status === 'OK' && entry.name === 'STARTTLS') return this.startTls(entry, completion);
    entry.done?.(completion);
  }

  /** The server's "+": what was waiting for it goes on. */
  private continueRequest(): void {
    const waiting = this.waiting;
    if (waiting?.kind === 'literal') {
      this.waiting = undefined;
      this.startLiteral(waiting.command, waiting.bytes, waiting.secret);
    } else if (waiting?.kind === 'authenticate') {
      this.waiting = undefined;
      this.authenticating = waiting.tag;
    } else if (waiting?.kind === 'idle') {
      this.waiting = undefined;
      this.idling = waiting.tag;
      if (this.doneOnContinue && !this.doneSent) {
        this.sendLine('DONE');
        this.doneSent = true;
      }
    } else {
      for (const entry of this.inFlight.values()) entry.onContinue?.();
    }
  }

  /** STARTTLS said OK: nothing more is read in clear; the handshake starts now. */
  private startTls(entry: InFlight, completion: Completion): void {
    this.reader.reset();
    this.upgrading = true;
    this.connection.upgrade().then(
      () => {
        this.upgrading = false;
        entry.done?.(completion);
        this.drain();
      },
      (error: unknown) => {
        this.upgrading = false;
        this.say(`STARTTLS failed: ${error instanceof Error ? error.message : String(error)}`, true);
        entry.done?.({ status: 'NO', text: `${completion.text} (the TLS handshake failed)`, untagged: [] });
      },
    );
  }
}

/** The capability list of a `* CAPABILITY …` line or of a `[CAPABILITY …]` code, upper case; undefined when it has none. */
function capabilityList(line: string): string[] | undefined {
  const m = /^\* CAPABILITY (.*)$/i.exec(line) ?? /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  return m ? m[1]!.trim().toUpperCase().split(/\s+/) : undefined;
}

/** An IMAP quoted string (RFC 3501 §4.3: backslash and double quote escaped). */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
