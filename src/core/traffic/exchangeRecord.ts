import type { ConnectionRecord, Exchange, ExchangeStatus, ExchangeTarget, RecordChange, ResponseCode, TrafficRecord } from './exchange';
import type { Attribution } from './pairing';
import { responseCode } from './responseCodes';
import type { TrafficCounts, TrafficLine } from './trafficLine';

/** Exchange and ConnectionRecord as the record keeps them: the same objects, changed in place as events come. */
interface LiveExchange {
  id: string;
  connection: string;
  protocol: 'imap' | 'pop3';
  tag?: string;
  command: string;
  commandText: string;
  target?: ExchangeTarget;
  startedAt: number;
  endedAt?: number;
  latencyMs?: number;
  bytesOut: number;
  bytesIn: number;
  status: ExchangeStatus;
  responseText?: string;
  codes: ResponseCode[];
  events: TrafficLine[];
  /** Set once the answer is complete (later events of the same key, if any, still attach to it). */
  done: boolean;
}

interface LiveConnection {
  id: string;
  protocol: 'imap' | 'pop3';
  openedAt: number;
  closedAt?: number;
  greeting?: string;
  tls?: string;
  login?: string;
  notes: TrafficLine[];
  counts: TrafficCounts;
  /** Exchanges of this connection still in the record. */
  kept: number;
}

/** Notes kept per connection (a long-lived watch connection adds a few per resync). */
const MAX_NOTES = 500;

/**
 * The account's traffic, paired (TrafficRecord). Fed by the TrafficTap with events already masked and
 * scrubbed, and the pairing's attribution of each. Bounded by the number of events kept: past
 * `maxEvents`, the oldest exchanges are dropped whole (counted in `dropped`), and a closed connection
 * goes with its last exchange.
 */
export class ExchangeRecord implements TrafficRecord {
  private list: LiveExchange[] = [];
  private head = 0;
  private readonly byId = new Map<string, LiveExchange>();
  private readonly conns = new Map<string, LiveConnection>();
  private readonly listeners = new Set<(change: RecordChange) => void>();
  private events = 0;
  private droppedCount = 0;

  constructor(private readonly maxEvents = 20_000) {}

  get dropped(): number {
    return this.droppedCount;
  }

  connections(): readonly ConnectionRecord[] {
    return [...this.conns.values()];
  }

  exchanges(): readonly Exchange[] {
    return this.list.slice(this.head);
  }

  onChange(listener: (change: RecordChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Forgets everything (the view's "clear"); connections still open stay, with no exchanges. */
  clear(): void {
    this.list = [];
    this.head = 0;
    this.byId.clear();
    this.events = 0;
    for (const [id, c] of this.conns) {
      c.kept = 0;
      c.notes = [];
      if (c.closedAt !== undefined) this.conns.delete(id);
    }
    this.fire({ type: 'cleared' });
  }

  openConnection(id: string, protocol: 'imap' | 'pop3', counts: TrafficCounts, at: number): void {
    const c: LiveConnection = { id, protocol, openedAt: at, notes: [], counts, kept: 0 };
    this.conns.set(id, c);
    this.fire({ type: 'connection', connection: c });
  }

  /** A note of the tap (connecting, TLS negotiated, certificate verdict, closed). */
  note(event: TrafficLine): void {
    const c = this.conns.get(event.connection);
    if (!c) return;
    c.notes.push(event);
    if (c.notes.length > MAX_NOTES) c.notes.splice(0, c.notes.length - MAX_NOTES);
    if (event.text.startsWith('TLS established')) c.tls = event.text.replace(/^TLS established \((.*)\)$/, '$1');
    else if (c.tls !== undefined && /^certificate /.test(event.text) && !c.tls.includes('certificate')) c.tls = `${c.tls}, ${event.text}`;
    this.fire({ type: 'connection', connection: c });
  }

  /** The connection ended: what is still waiting for an answer never gets one. */
  closeConnection(id: string, at: number): void {
    const c = this.conns.get(id);
    if (!c) return;
    c.closedAt = at;
    for (let i = this.head; i < this.list.length; i++) {
      const e = this.list[i]!;
      if (e.connection !== id || e.status !== 'pending') continue;
      e.status = e.events.some((ev) => ev.direction === 'server' && /^\*\s+BYE\b/i.test(ev.text)) ? 'bye' : 'lost';
      e.done = true;
      this.fire({ type: 'exchange', exchange: e });
    }
    this.fire({ type: 'connection', connection: c });
  }

  /** A protocol event (line, payload, elided) with its attribution. */
  add(event: TrafficLine, a: Attribution): void {
    const c = this.conns.get(event.connection);
    let e = this.byId.get(a.key);
    if (!e) {
      e = {
        id: a.key,
        connection: event.connection,
        protocol: c?.protocol ?? (event.connection.startsWith('pop3') ? 'pop3' : 'imap'),
        ...(a.tag !== undefined ? { tag: a.tag } : {}),
        command: a.command ?? '(unsolicited)',
        commandText: event.direction === 'client' ? event.text : '',
        ...(a.opens?.target ? { target: a.opens.target } : {}),
        startedAt: event.at,
        bytesOut: 0,
        bytesIn: 0,
        status: 'pending',
        codes: [],
        events: [],
        done: false,
      };
      this.byId.set(a.key, e);
      this.list.push(e);
      if (c) c.kept++;
    }
    e.events.push(event);
    this.events++;
    if (event.direction === 'client') e.bytesOut += event.bytes;
    else e.bytesIn += event.bytes;
    if (a.target) e.target = { ...e.target, ...a.target };
    if (event.direction === 'server' && event.kind === 'line') {
      const code = responseCode(event.text, e.protocol);
      if (code) e.codes.push(code);
    }
    if (a.status !== undefined) {
      e.status = a.status;
      e.responseText = event.text;
    }
    if (a.final) {
      e.done = true;
      e.endedAt = event.at;
      e.latencyMs = event.at - e.startedAt;
    }
    if (c && a.login) {
      c.login = a.login;
      this.fire({ type: 'connection', connection: c });
    }
    if (c && e.command === '(greeting)' && c.greeting === undefined) {
      c.greeting = event.text;
      this.fire({ type: 'connection', connection: c });
    }
    if (this.listeners.size > 0) this.fire({ type: 'exchange', exchange: e }); // (no change object per line when nobody listens)
    if (this.events > this.maxEvents) this.trim();
  }

  private trim(): void {
    while (this.events > this.maxEvents && this.head < this.list.length) {
      const e = this.list[this.head]!;
      this.list[this.head] = undefined as unknown as LiveExchange;
      this.head++;
      this.byId.delete(e.id);
      this.events -= e.events.length;
      this.droppedCount++;
      const c = this.conns.get(e.connection);
      if (c && --c.kept === 0 && c.closedAt !== undefined) this.conns.delete(c.id);
    }
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  private fire(change: RecordChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
