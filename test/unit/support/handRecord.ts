// Hand-made traffic records for the traffic view's tests: exchanges written out as a pairing would produce them,
// so the view's data, filters, transcripts and exports are tested apart from the pairing itself (its own tests
// feed the real TrafficRecord). Events can come from a real TrafficTap, so their text is masked as in the product.
import type { ConnectionRecord, Exchange, ExchangeTarget, RecordChange, ResponseCode, TrafficRecord } from '../../../src/core/traffic/exchange';
import type { TrafficLine } from '../../../src/core/traffic/trafficLine';

export class HandRecord implements TrafficRecord {
  dropped = 0;
  private readonly listeners = new Set<(change: RecordChange) => void>();
  constructor(
    readonly connectionList: ConnectionRecord[] = [],
    readonly exchangeList: Exchange[] = [],
  ) {}
  connections(): readonly ConnectionRecord[] {
    return this.connectionList;
  }
  exchanges(): readonly Exchange[] {
    return this.exchangeList;
  }
  onChange(listener: (change: RecordChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  add(exchange: Exchange): void {
    this.exchangeList.push(exchange);
    for (const l of this.listeners) l({ type: 'exchange', exchange });
  }
}

export const T0 = Date.UTC(2026, 0, 2, 10, 0, 0);

export function connection(id: string, protocol: 'imap' | 'pop3', more: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return { id, protocol, openedAt: T0, notes: [], counts: { sent: 100, received: 1000 }, ...more };
}

let seq = 0;

/** A line event; `text` as shown (already masked). */
export function line(connection: string, direction: TrafficLine['direction'], text: string, more: Partial<TrafficLine> = {}): TrafficLine {
  return { connection, direction, text, seq: ++seq, at: T0 + seq, bytes: Buffer.byteLength(text) + 2, end: 'crlf', kind: 'line', ...more };
}

export interface ExchangeSpec {
  connection: string;
  protocol?: 'imap' | 'pop3';
  tag?: string;
  command: string;
  commandText?: string;
  target?: ExchangeTarget;
  startedAt?: number;
  latencyMs?: number;
  status?: Exchange['status'];
  responseText?: string;
  codes?: ResponseCode[];
  /** Server lines (client line: commandText). */
  server?: string[];
  events?: TrafficLine[];
}

/** An exchange from its command line and the server's lines (bytes counted from the text). */
export function exchange(spec: ExchangeSpec): Exchange {
  const protocol = spec.protocol ?? (spec.connection.startsWith('pop3') ? 'pop3' : 'imap');
  const commandText = spec.commandText ?? `${spec.tag ? `${spec.tag} ` : ''}${spec.command}`;
  const events = spec.events ?? [line(spec.connection, 'client', commandText, spec.tag ? { tag: spec.tag } : {}), ...(spec.server ?? []).map((t) => line(spec.connection, 'server', t))];
  const first = events[0];
  const startedAt = spec.startedAt ?? first?.at ?? T0;
  const status = spec.status ?? 'ok';
  const latencyMs = status === 'pending' ? undefined : (spec.latencyMs ?? 5);
  const bytesOut = events.filter((e) => e.direction === 'client').reduce((n, e) => n + e.bytes, 0);
  const bytesIn = events.filter((e) => e.direction === 'server').reduce((n, e) => n + e.bytes, 0);
  return {
    id: `${spec.connection}:${first?.seq ?? 0}`,
    connection: spec.connection,
    protocol,
    ...(spec.tag ? { tag: spec.tag } : {}),
    command: spec.command,
    commandText,
    ...(spec.target ? { target: spec.target } : {}),
    startedAt,
    ...(latencyMs !== undefined ? { endedAt: startedAt + latencyMs, latencyMs } : {}),
    bytesOut,
    bytesIn,
    status,
    ...(spec.responseText !== undefined ? { responseText: spec.responseText } : {}),
    codes: spec.codes ?? [],
    events,
  };
}
