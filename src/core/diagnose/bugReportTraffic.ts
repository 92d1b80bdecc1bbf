import type { ConnectionRecord, Exchange, TrafficRecord } from '../traffic/exchange';
import type { TrafficLine } from '../traffic/trafficLine';
import { transcriptText } from '../traffic/transcriptText';

/**
 * The exchanges of the record from `since` on (those still in flight then included), each with its literal and
 * body lines (IMAP literals, POP3 multi-line bodies: message contents) replaced by one "… N bytes elided" line, so
 * a bug report carries the conversation but no mail. A snapshot: later traffic does not change it.
 */
export function recentTraffic(record: TrafficRecord, since: number): TrafficRecord {
  const exchanges = record.exchanges().filter((e) => e.startedAt >= since || (e.endedAt ?? Number.POSITIVE_INFINITY) >= since).map(withoutPayloads);
  const used = new Set(exchanges.map((e) => e.connection));
  const connections: ConnectionRecord[] = record.connections().filter((c) => used.has(c.id));
  return {
    connections: () => connections,
    exchanges: () => exchanges,
    dropped: 0,
    onChange: () => ({ dispose: () => undefined }),
  };
}

function withoutPayloads(e: Exchange): Exchange {
  if (!e.events.some((l) => l.kind === 'payload' || l.kind === 'elided')) return e;
  const events: TrafficLine[] = [];
  let run: { first: TrafficLine; bytes: number } | undefined;
  const flush = (): void => {
    if (!run) return;
    events.push({ ...run.first, kind: 'elided', text: `… ${run.bytes} bytes elided (literal or message body, left out of bug reports)`, bytes: run.bytes, end: 'crlf' });
    run = undefined;
  };
  for (const line of e.events) {
    if (line.kind === 'payload' || line.kind === 'elided') {
      if (run && run.first.direction === line.direction) run.bytes += line.bytes;
      else {
        flush();
        run = { first: line, bytes: line.bytes };
      }
      continue;
    }
    flush();
    events.push(line);
  }
  flush();
  return { ...e, events };
}

/** The recent traffic as the traffic view's masked transcript (greeting, TLS and login per connection; every exchange). */
export function recentTrafficText(record: TrafficRecord, minutes: number, now: Date, account: string): string {
  const recent = recentTraffic(record, now.getTime() - minutes * 60_000);
  return transcriptText(recent, {}, { account, exportedAt: now });
}
