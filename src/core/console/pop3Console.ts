import { passwordForLogin } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { apopDigest, apopTimestamp, chooseLogin, login, parseCapabilities, saslPlainResponse } from '../pop3/pop3Auth';
import { errReplyToMailError, Pop3ErrReply } from '../pop3/pop3Errors';
import { Pop3Reply, Pop3ReplyReader } from '../pop3/replyReader';
import { pop3CommandName, pop3NeedsResetBeforeQuit, pop3Verdict } from './consolePolicy';
import { maskedEcho, secretStart, typedSecret } from './consoleLine';
import { ConsoleBase } from './protocolConsole';

interface Current {
  readonly name: string;
  readonly multiline: boolean;
  /** The console's own commands wait for the reply (and CAPA for its body). */
  readonly done?: (reply: Pop3Reply, body: Buffer) => void;
  readonly body: Buffer[];
}

/** Replies with a body when they succeed: CAPA, LIST and UIDL without argument, TOP, RETR, AUTH without mechanism (the list of mechanisms). */
function isMultiline(line: string): boolean {
  const words = line.trim().split(/\s+/);
  const name = words[0]!.toUpperCase();
  if (name === 'CAPA' || name === 'TOP' || name === 'RETR') return true;
  return (name === 'LIST' || name === 'UIDL' || name === 'AUTH') && words.length === 1;
}

/**
 * The POP3 console. POP3 has no tags and no pipelining here: one command at a time, lines typed meanwhile
 * wait their turn. A read-only account sends only commands that change nothing, and QUIT after a RETR is
 * preceded by RSET (so the server records nothing of the session). PASS, APOP's digest and AUTH's
 * responses are masked in the echo and scrubbed from the log. STLS that the server accepts upgrades the
 * connection right there. Closing the terminal sends RSET and QUIT: what the user did not end with QUIT
 * (a DELE, say) is not carried out.
 */
export class Pop3Console extends ConsoleBase {
  private reader = this.newReader();
  private current: Current | undefined;
  /** AUTH got a "+ " continuation: the next typed line is the SASL response. */
  private authenticating = false;
  private authenticated = false;
  private retrievedSinceReset = false;
  private upgrading = false;
  private quitSent = false;
  /** The status line of the multi-line reply being read. */
  private lastStatus: Pop3Reply = { kind: 'ok', text: '' };
  private greeting: ((reply: Pop3Reply) => void) | undefined;
  private readonly greetingReply = new Promise<Pop3Reply>((resolve) => (this.greeting = resolve));

  protected async begin(): Promise<void> {
    const { account, credentials } = this.options;
    const greeting = await this.bounded('The server sent no greeting', this.greetingReply);
    if (greeting.kind !== 'ok') throw errReplyToMailError(greeting.text, 'greeting', 'greeting');
    if (account.security === 'starttls') {
      const reply = await this.run('STLS');
      if (reply.kind !== 'ok') throw errReplyToMailError(reply.text, 'stls', 'STLS');
    }
    if (this.options.login === 'before') return;
    const capa = await this.runWithBody('CAPA');
    const capabilities = capa.reply.kind === 'ok' ? parseCapabilities(capa.body) : undefined;
    const method = chooseLogin(account.useApop, capabilities, greeting.text);
    const password = await passwordForLogin(credentials, account, (secret) => this.wire.addSecret(secret));
    if (method === 'sasl-plain') this.wire.addSecret(saslPlainResponse(account.user, password));
    if (method === 'apop') this.wire.addSecret(apopDigest(apopTimestamp(greeting.text) ?? '', password));
    const commander = {
      simple: async (...args: (string | number)[]): Promise<Pop3Reply> => {
        const reply = await this.run(args.join(' '));
        if (reply.kind === 'err') throw new Pop3ErrReply(reply.text);
        return reply;
      },
    };
    try {
      await login(commander, method, account.user, password, greeting.text);
    } catch (error) {
      if (MailError.is(error, 'auth')) credentials.invalidate(account);
      throw error;
    }
    this.authenticated = true;
  }

  protected welcome(): string {
    const { access, account } = this.options;
    const who = this.authenticated ? `Logged in as ${account.user}` : 'Not logged in yet (type USER and PASS, APOP or AUTH)';
    const rule = access === 'read-only' ? 'read-only: only commands that change nothing are sent, and QUIT after RETR sends RSET first' : 'read-write: every command is sent';
    return `${who}; ${rule}. One command at a time; ↑/↓ history.`;
  }

  protected onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch (error) {
      this.reader = this.newReader(); // what follows is read afresh
      this.current = undefined;
      throw error;
    }
  }

  protected accepting(): boolean {
    return (this.current === undefined || this.authenticating) && !this.upgrading;
  }

  protected submit(line: string): void {
    if (this.authenticating) {
      if (line.length >= 3) this.wire.addSecret(line);
      this.authenticating = false;
      return this.sendLine(line);
    }
    const text = line.trim();
    if (text === '') return;
    const verdict = pop3Verdict(text, { access: this.options.access, authenticated: this.authenticated });
    if (!verdict.allowed) return this.refuse(line, verdict.reason);
    const secret = typedSecret('pop3', text);
    if (secret) {
      this.wire.addSecret(secret);
      const plain = saslPlainPassword(text);
      if (plain) this.wire.addSecret(plain);
    }
    if (pop3NeedsResetBeforeQuit(text, { access: this.options.access, retrievedSinceReset: this.retrievedSinceReset })) {
      this.say('RSET first: this account is read-only, so the server is to forget what this session retrieved.');
      this.send('RSET', () => this.send(text));
      return;
    }
    this.send(text);
  }

  protected interrupt(): void {
    if (this.authenticating) this.say('Type * to cancel the authentication.');
  }

  protected prompt(): string {
    if (!this.ready) return 'connecting… ';
    if (this.upgrading) return 'TLS handshake… ';
    if (this.authenticating) return 'SASL response> ';
    if (this.current) return 'waiting for the server… ';
    return this.authenticated ? 'POP3> ' : 'POP3 (not logged in)> ';
  }

  protected echo(line: string): string {
    return this.authenticating ? '*'.repeat([...line].length) : maskedEcho('pop3', line);
  }

  protected remembered(line: string): boolean {
    return !this.authenticating && secretStart('pop3', line) === undefined;
  }

  protected async goodbye(): Promise<void> {
    if (this.quitSent || this.current) return; // QUIT went already, or a reply is still coming: the socket just closes
    await this.run('RSET', Math.min(this.options.replyTimeoutMs, 3000));
    await this.run('QUIT', Math.min(this.options.replyTimeoutMs, 3000));
    await this.whenClosed(1000);
  }

  private send(text: string, done?: (reply: Pop3Reply, body: Buffer) => void): void {
    const multiline = isMultiline(text);
    if (multiline) this.wire.expectMultiline();
    const name = pop3CommandName(text);
    if (name === 'QUIT') this.quitSent = true;
    this.current = { name, multiline, body: [], ...(done ? { done } : {}) };
    this.sendLine(text);
  }

  private sendLine(text: string): void {
    this.connection.write(Buffer.from(`${text}\r\n`, 'utf8'));
  }

  private run(text: string, ms = this.options.replyTimeoutMs): Promise<Pop3Reply> {
    return this.runWithBody(text, ms).then((r) => r.reply);
  }

  private runWithBody(text: string, ms = this.options.replyTimeoutMs): Promise<{ reply: Pop3Reply; body: Buffer }> {
    return this.bounded(`The server did not answer ${pop3CommandName(text)}`, new Promise((resolve) => this.send(text, (reply, body) => resolve({ reply, body }))), ms);
  }

  /** A reader replaced (at the STLS boundary, after a line it could not read) is not listened to any more. */
  private newReader(): Pop3ReplyReader {
    const reader: Pop3ReplyReader = new Pop3ReplyReader(
      {
        status: (reply) => (reader === this.reader ? this.status(reply) : undefined),
        body: (bytes) => {
          if (reader === this.reader && this.current?.done) this.current.body.push(bytes);
        },
        end: () => {
          if (reader === this.reader) this.complete(this.lastStatus);
        },
      },
      64 * 1024,
    );
    return reader;
  }

  /** A status line: the greeting, a SASL continuation, or the reply to the command in flight. */
  private status(reply: Pop3Reply): number | undefined {
    if (this.greeting) {
      const greeted = this.greeting;
      this.greeting = undefined;
      greeted(reply);
      return undefined;
    }
    const current = this.current;
    if (!current) return undefined; // unsolicited (a server closing an idle session says -ERR first): shown, nothing to do
    if (reply.kind === 'continue') {
      if (current.name === 'AUTH') this.authenticating = true;
      return undefined;
    }
    this.lastStatus = reply;
    // The body is read to its end, unread: only the tap shows it.
    if (reply.kind === 'ok' && current.multiline) return Number.MAX_SAFE_INTEGER;
    this.complete(reply);
    return undefined;
  }

  /** The command in flight is answered (its body read, when it has one). */
  private complete(reply: Pop3Reply): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.authenticating = false;
    if (reply.kind === 'ok') {
      // (A bare AUTH lists the mechanisms: it logs nobody in.)
      if (current.name === 'PASS' || current.name === 'APOP' || (current.name === 'AUTH' && !current.multiline)) this.authenticated = true;
      if (current.name === 'RETR') this.retrievedSinceReset = true;
      if (current.name === 'RSET') this.retrievedSinceReset = false;
      if (current.name === 'STLS') return this.startTls(current, reply);
    }
    current.done?.(reply, Buffer.concat(current.body));
  }

  /** STLS said +OK: nothing more is read in clear; the handshake starts now. */
  private startTls(current: Current, reply: Pop3Reply): void {
    this.reader = this.newReader();
    this.upgrading = true;
    this.connection.upgrade().then(
      () => {
        this.upgrading = false;
        current.done?.(reply, Buffer.alloc(0));
        this.drain();
      },
      (error: unknown) => {
        this.upgrading = false;
        this.say(`STLS failed: ${error instanceof Error ? error.message : String(error)}`, true);
        current.done?.({ kind: 'err', text: 'the TLS handshake failed' }, Buffer.alloc(0));
      },
    );
  }
}

/** The password inside a typed `AUTH PLAIN <base64>` (NUL user NUL password), to scrub as well. */
function saslPlainPassword(line: string): string | undefined {
  const m = /^AUTH\s+PLAIN\s+(\S+)$/i.exec(line.trim());
  if (!m) return undefined;
  const parts = Buffer.from(m[1]!, 'base64').toString('utf8').split('\0');
  return parts.length === 3 && parts[2]!.length >= 3 ? parts[2] : undefined;
}
