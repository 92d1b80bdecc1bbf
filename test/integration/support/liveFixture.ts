import { ImapFlow } from 'imapflow';
import { AccountDefinition } from '../../../src/core/accounts/account';
import { DEFAULT_LIMITS } from '../../../src/core/mailStore';
import { AccountSession } from '../../../src/core/session/accountSession';
import { SessionEvent } from '../../../src/core/session/sessionEvents';
import { createImapSession } from '../../../src/core/imap/imapSession';
import { SessionOptions } from '../../../src/core/sessionFactory';
import { TrafficLine } from '../../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../../src/core/traffic/trafficTap';
import { DovecotServer } from '../../servers/dovecot';

export interface TimedLine extends TrafficLine {
  readonly at: number;
}

export interface TimedEvent {
  readonly at: number;
  readonly event: SessionEvent;
}

export interface LiveHandle {
  session: AccountSession;
  lines: TimedLine[];
  events: TimedEvent[];
  text(): string;
  /** Resolves with the first event (recorded since `since`, default: all) that matches; rejects after `ms`. */
  waitFor<T extends SessionEvent>(match: (event: SessionEvent) => event is T, ms?: number, since?: number): Promise<{ at: number; event: T }>;
}

/** An AccountSession (IMAP over TLS) on the test server, with its traffic and events recorded. */
export function liveSession(server: DovecotServer, options: Partial<SessionOptions> = {}, user = server.users[0]!): LiveHandle {
  const account: AccountDefinition = {
    id: 'live',
    label: 'live',
    protocol: 'imap',
    host: '127.0.0.1',
    port: server.ports.imaps,
    security: 'tls',
    user: user.user,
    allowInvalidCertificate: false,
    useApop: false,
  };
  const lines: TimedLine[] = [];
  const tap = new TrafficTap((l) => lines.push({ ...l, at: Date.now() }), { maxLiteralBytes: 4096 });
  const session = createImapSession(account, user.password, tap, {
    limits: DEFAULT_LIMITS,
    ca: server.ca,
    pollSeconds: 30,
    ...options,
    imap: { backoff: { initialMs: 200, maxMs: 1000 }, ...options.imap },
  });
  const events: TimedEvent[] = [];
  const waiters = new Set<() => void>();
  session.events.on((event) => {
    events.push({ at: Date.now(), event });
    for (const w of [...waiters]) w();
  });
  const waitFor = <T extends SessionEvent>(match: (event: SessionEvent) => event is T, ms = 15_000, since = 0): Promise<{ at: number; event: T }> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = events.slice(since).find((e) => match(e.event));
        if (!found) return false;
        cleanup();
        resolve({ at: found.at, event: found.event as T });
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching event within ${ms} ms; events: ${JSON.stringify(events.map((e) => e.event))}`));
      }, ms);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(onEvent);
      };
      const onEvent = (): void => void check();
      waiters.add(onEvent);
      check();
    });
  return { session, lines, events, text: () => lines.map(formatTrafficLine).join('\n'), waitFor };
}

/**
 * "Another device": a second, independent IMAP client (imapflow, read-write SELECT) of the same user, on the
 * main instance's plain port or, while that one is halted, on the `ssl = no` instance serving the same mail.
 */
export class OtherDevice {
  private constructor(private readonly client: ImapFlow) {}

  static async connect(server: DovecotServer, port = server.ports.imap): Promise<OtherDevice> {
    const user = server.users[0]!;
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.password }, logger: false });
    await client.connect();
    return new OtherDevice(client);
  }

  /** APPENDs a message; resolves with its UID (UIDPLUS) once the server said OK. */
  async deliver(folder: string, subject: string): Promise<number> {
    const raw = [`From: other@example.com`, `To: alice@example.com`, `Subject: ${subject}`, `Message-ID: <${subject.replace(/\W/g, '-')}-${Date.now()}@example.com>`, '', `Body of ${subject}.`, ''].join('\r\n');
    const result = await this.client.append(folder, raw, []);
    if (!result || result.uid === undefined) throw new Error(`APPEND to ${folder} gave no UID`);
    return result.uid;
  }

  async expunge(folder: string, uids: readonly number[]): Promise<void> {
    const lock = await this.client.getMailboxLock(folder);
    try {
      await this.client.messageDelete(uids.join(','), { uid: true });
    } finally {
      lock.release();
    }
  }

  async addFlags(folder: string, uids: readonly number[], flags: string[]): Promise<void> {
    const lock = await this.client.getMailboxLock(folder);
    try {
      await this.client.messageFlagsAdd(uids.join(','), flags, { uid: true });
    } finally {
      lock.release();
    }
  }

  async recreate(folder: string): Promise<void> {
    await this.client.mailboxDelete(folder);
    await this.client.mailboxCreate(folder);
  }

  async close(): Promise<void> {
    await this.client.logout().catch(() => this.client.close());
  }
}

/** Messages for seeding: `count` small messages with distinct subjects. */
export function seedMessages(prefix: string, count: number, flags = ''): { raw: string; flags: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    raw: [`From: seed@example.com`, 'To: alice@example.com', `Subject: ${prefix} ${i + 1}`, `Message-ID: <${prefix}-${i + 1}@example.com>`, '', `Body ${i + 1}.`, ''].join('\r\n'),
    flags,
  }));
}

/** Type guards for waitFor. */
export const isEvent =
  <K extends SessionEvent['type']>(type: K, test: (event: Extract<SessionEvent, { type: K }>) => boolean = () => true) =>
  (event: SessionEvent): event is Extract<SessionEvent, { type: K }> =>
    event.type === type && test(event as Extract<SessionEvent, { type: K }>);
