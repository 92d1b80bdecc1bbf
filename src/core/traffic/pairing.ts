import iconv from 'iconv-lite';
import type { ExchangeStatus, ExchangeTarget } from './exchange';
import type { FramedLine } from './lineFramer';

/**
 * Which command an event belongs to, worked out as the events happen (the tap calls attribute() for
 * every protocol event, in wire order, with the event's masked text). The exchange record pairs by
 * `key`; the event carries `tag` and `command`.
 */
export interface Attribution {
  /** The exchange the event belongs to: `${connection}:${seq of its first event}`. */
  readonly key: string;
  readonly tag?: string;
  readonly command?: string;
  /** The event starts the exchange (a command's first line, a greeting, the first unsolicited line). */
  readonly opens?: { readonly target?: ExchangeTarget };
  /** The exchange's status is known with this event (a tagged reply, +OK/-ERR, a greeting). */
  readonly status?: ExchangeStatus;
  /** The exchange's answer is complete with this event (a tagged reply; POP3: a single-line reply, or a body's "."). */
  readonly final?: boolean;
  /** A target learned from the answer (POP3: the UIDL of `UIDL n`). */
  readonly target?: ExchangeTarget;
  /** The connection logged in (or was pre-authenticated) with this event: how. */
  readonly login?: string;
}

export interface Pairing {
  /** `text` is the event's masked text; `line` its framing (undefined for events without bytes). */
  attribute(direction: 'client' | 'server', text: string, line: FramedLine, seq: number): Attribution;
}

interface Command {
  readonly key: string;
  readonly tag?: string;
  readonly command: string;
  readonly target?: ExchangeTarget;
  /** IMAP: the mailbox named by SELECT/EXAMINE (selected on OK). */
  readonly selects?: string;
  /** How this command logs in, if it does. */
  readonly login?: string;
  /** Its plain attribution, made once (a listing's 10,000 untagged lines share it; nothing changes an Attribution). */
  attribution?: Attribution;
  /** POP3: the +OK opened a multi-line body. */
  inBody?: boolean;
}

/** IMAP astring at the start of `text` (atom or quoted), unquoted; undefined for a literal or nothing. */
function firstAstring(text: string): string | undefined {
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  if (text.startsWith('{')) return undefined;
  const atom = /^[^\s()]+/.exec(text);
  return atom?.[0];
}

const NAMES_MAILBOX = new Set(['SELECT', 'EXAMINE', 'STATUS', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE', 'APPEND', 'GETQUOTAROOT', 'MYRIGHTS', 'GETACL', 'GETMETADATA']);
const UID_SET = new Set(['UID FETCH', 'UID STORE', 'UID COPY', 'UID MOVE', 'UID EXPUNGE']);

/**
 * IMAP: by tag. A command's continuation lines (literal data, AUTHENTICATE responses, IDLE's DONE) are
 * its own; a tagged reply ends it; untagged responses go to the oldest command in flight (servers answer
 * in order), continuation requests to the newest; with nothing in flight they are unsolicited.
 */
export class ImapPairing implements Pairing {
  private readonly inFlight = new Map<string, Command>();
  private greeted = false;
  private unsolicited: string | undefined;
  private lastClient: Attribution | undefined;
  private lastServer: Attribution | undefined;
  private selected: string | undefined;
  private utf8 = false;

  constructor(private readonly connection: string) {}

  attribute(direction: 'client' | 'server', text: string, line: FramedLine, seq: number): Attribution {
    const a = direction === 'client' ? this.client(text, line, seq) : this.server(text, line, seq);
    if (direction === 'client') this.lastClient = a;
    else this.lastServer = a;
    return a;
  }

  private of(c: Command): Attribution {
    return (c.attribution ??= { key: c.key, ...(c.tag !== undefined ? { tag: c.tag } : {}), command: c.command });
  }

  private oldest(): Command | undefined {
    for (const c of this.inFlight.values()) return c;
    return undefined;
  }

  private newest(): Command | undefined {
    let last: Command | undefined;
    for (const c of this.inFlight.values()) last = c;
    return last;
  }

  private client(text: string, line: FramedLine, seq: number): Attribution {
    if (line.continued && this.lastClient) return continuation(this.lastClient);
    // SASL responses and IDLE's DONE are lines of the command in flight, not commands.
    const newest = this.newest();
    if (newest && (newest.command === 'AUTHENTICATE' || newest.command === 'IDLE')) return this.of(newest);
    const m = /^(\S+)\s+(UID\s+\S+|\S+)(?:\s+(.*))?$/s.exec(text);
    const key = `${this.connection}:${seq}`;
    this.unsolicited = undefined;
    if (!m) return { key, command: text.trim().split(/\s+/, 1)[0]!.toUpperCase() || '(empty)', opens: {} };
    const tag = m[1]!;
    const command = m[2]!.replace(/\s+/g, ' ').toUpperCase();
    const args = m[3] ?? '';
    const named = NAMES_MAILBOX.has(command) ? firstAstring(args) : undefined;
    const mailbox = named !== undefined ? this.decode(named) : this.selected;
    const uids = UID_SET.has(command) ? /^\S+/.exec(args)?.[0] : undefined;
    const target: ExchangeTarget | undefined = mailbox !== undefined || uids !== undefined ? { ...(mailbox !== undefined ? { mailbox } : {}), ...(uids !== undefined ? { uids } : {}) } : undefined;
    const login = command === 'LOGIN' ? 'LOGIN' : command === 'AUTHENTICATE' ? `AUTHENTICATE ${(/^\S+/.exec(args)?.[0] ?? '').toUpperCase()}` : undefined;
    const c: Command = { key, tag, command, ...(target ? { target } : {}), ...((command === 'SELECT' || command === 'EXAMINE') && named !== undefined ? { selects: this.decode(named) } : {}), ...(login ? { login } : {}) };
    this.inFlight.set(tag, c);
    // Commands pipelined after a SELECT act on the mailbox it selects (the server runs them in order).
    if (c.selects !== undefined) this.selected = c.selects;
    return { ...this.of(c), opens: target ? { target } : {} };
  }

  private server(text: string, line: FramedLine, seq: number): Attribution {
    if (line.continued && this.lastServer) return continuation(this.lastServer);
    const key = (): string => `${this.connection}:${seq}`; // made only for an event that opens an exchange
    if (text.startsWith('+')) {
      const c = this.lastClient?.tag !== undefined ? this.inFlight.get(this.lastClient.tag) : undefined;
      const to = c ?? this.newest();
      return to ? this.of(to) : this.unsolicitedLine(key());
    }
    if (text.startsWith('*')) {
      if (!this.greeted && this.inFlight.size === 0) {
        this.greeted = true;
        const status = /^\*\s+(OK|PREAUTH)\b/i.test(text) ? 'ok' : /^\*\s+BYE\b/i.test(text) ? 'bye' : 'bad';
        return { key: key(), command: '(greeting)', opens: {}, status, final: true, ...(/^\*\s+PREAUTH\b/i.test(text) ? { login: 'PREAUTH' } : {}) };
      }
      this.greeted = true;
      if (/^\*\s+ENABLED\b.*\bUTF8=ACCEPT\b/i.test(text)) this.utf8 = true;
      const oldest = this.oldest();
      return oldest ? this.of(oldest) : this.unsolicitedLine(key());
    }
    const m = /^(\S+)\s+(OK|NO|BAD)\b/i.exec(text);
    const c = m ? this.inFlight.get(m[1]!) : undefined;
    if (!m || !c) return this.unsolicitedLine(key());
    this.inFlight.delete(c.tag!);
    const status = m[2]!.toLowerCase() as 'ok' | 'no' | 'bad';
    if (c.selects !== undefined && status !== 'ok') this.selected = undefined; // a failed SELECT leaves nothing selected
    if ((c.command === 'CLOSE' || c.command === 'UNSELECT') && status === 'ok') this.selected = undefined;
    return { ...this.of(c), status, final: true, ...(status === 'ok' && c.login ? { login: c.login } : {}) };
  }

  private unsolicitedLine(key: string): Attribution {
    if (this.unsolicited) return { key: this.unsolicited, command: '(unsolicited)' };
    this.unsolicited = key;
    return { key, command: '(unsolicited)', opens: {} };
  }

  /** A mailbox name as sent, as the folder's path (modified UTF-7 decoded unless the session talks UTF-8). */
  private decode(name: string): string {
    if (this.utf8 || !name.includes('&')) return name;
    return iconv.decode(Buffer.from(name, 'latin1'), 'utf-7-imap');
  }
}

/**
 * The attribution of a line that continues the one before (a literal's lines, a cut line): the same exchange, tag and
 * command, without what only the first event of an exchange carries. Made once per exchange line and shared by every
 * line after it (a raw message is one FETCH line and then its literal, line by line; an object spread per line was
 * the largest single item of the tap, issue 15): Attributions are never changed, so sharing them is safe.
 */
function continuation(last: Attribution): Attribution {
  let value = continuations.get(last);
  if (value === undefined) {
    const made: { -readonly [K in keyof Attribution]: Attribution[K] } = { key: last.key };
    if (last.tag !== undefined) made.tag = last.tag;
    if (last.command !== undefined) made.command = last.command;
    value = made;
    continuations.set(last, value);
    continuations.set(value, value); // the line after a continued line continues it too
  }
  return value;
}

const continuations = new WeakMap<Attribution, Attribution>();

/** POP3 commands whose +OK reply is multi-line (without an argument for LIST and UIDL). */
export function pop3Multiline(commandLine: string): boolean {
  const [verb = '', arg] = commandLine.trim().split(/\s+/);
  const v = verb.toUpperCase();
  return v === 'CAPA' || v === 'RETR' || v === 'TOP' || ((v === 'LIST' || v === 'UIDL') && arg === undefined);
}

const NUMBERED = new Set(['RETR', 'TOP', 'LIST', 'UIDL', 'DELE']);

/**
 * POP3: in order. Each command line opens an exchange; replies go to the oldest command waiting (RFC 2449
 * PIPELINING keeps the order); a multi-line body and its "." belong to the command whose +OK opened it;
 * during AUTH, the client's lines are its SASL responses. UIDs are learned from UIDL replies.
 */
export class Pop3Pairing implements Pairing {
  private readonly waiting: Command[] = [];
  private greeted = false;
  private unsolicited: string | undefined;
  private readonly uidls = new Map<number, string>();
  private user = false;

  constructor(private readonly connection: string) {}

  attribute(direction: 'client' | 'server', text: string, line: FramedLine, seq: number): Attribution {
    return direction === 'client' ? this.client(text, seq) : this.server(text, line, seq);
  }

  private client(text: string, seq: number): Attribution {
    const head = this.waiting.at(-1);
    if (head?.command === 'AUTH' && !head.inBody) return { key: head.key, command: head.command };
    const key = `${this.connection}:${seq}`;
    this.unsolicited = undefined;
    const [verb = '', arg] = text.trim().split(/\s+/);
    const command = verb.toUpperCase() || '(empty)';
    const n = NUMBERED.has(command) && arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : undefined;
    const uidl = n !== undefined ? this.uidls.get(n) : undefined;
    const target: ExchangeTarget | undefined = n !== undefined ? { pop3Number: n, ...(uidl !== undefined ? { pop3Uidl: uidl } : {}) } : undefined;
    if (command === 'USER') this.user = true;
    const login = command === 'PASS' ? (this.user ? 'USER/PASS' : 'PASS') : command === 'APOP' ? 'APOP' : command === 'AUTH' && arg !== undefined ? `AUTH ${arg.toUpperCase()}` : undefined;
    this.waiting.push({ key, command, ...(target ? { target } : {}), ...(login ? { login } : {}) });
    return { key, command, opens: target ? { target } : {} };
  }

  private server(text: string, line: FramedLine, seq: number): Attribution {
    const key = `${this.connection}:${seq}`;
    if (!this.greeted) {
      this.greeted = true;
      if (this.waiting.length === 0) return { key, command: '(greeting)', opens: {}, status: text.startsWith('+OK') ? 'ok' : 'err', final: true };
    }
    const head = this.waiting[0];
    if (!head) {
      if (this.unsolicited) return { key: this.unsolicited, command: '(unsolicited)' };
      this.unsolicited = key;
      return { key, command: '(unsolicited)', opens: {} };
    }
    const mine = { key: head.key, command: head.command };
    if (head.inBody) {
      if (line.terminator) {
        this.waiting.shift();
        return { ...mine, final: true };
      }
      if (head.command === 'UIDL' && line.kind === 'payload') this.learn(text);
      return mine;
    }
    if (text.startsWith('+ ') || text === '+') return mine; // a SASL challenge
    const ok = text.startsWith('+OK');
    if (ok && line.opensBody) {
      head.inBody = true;
      return { ...mine, status: 'ok' };
    }
    this.waiting.shift();
    let target: ExchangeTarget | undefined;
    if (ok && head.command === 'UIDL' && head.target?.pop3Number !== undefined) {
      const uidl = this.learn(text.slice(3).trim());
      if (uidl !== undefined) target = { ...head.target, pop3Uidl: uidl };
    }
    return { ...mine, status: ok ? 'ok' : 'err', final: true, ...(target ? { target } : {}), ...(ok && head.login ? { login: head.login } : {}) };
  }

  /** `n uidl` (a UIDL body line, or the text of `+OK n uidl`). */
  private learn(text: string): string | undefined {
    const m = /^(\d+)\s+(\S+)/.exec(text);
    if (!m) return undefined;
    this.uidls.set(Number(m[1]), m[2]!);
    return m[2];
  }
}
