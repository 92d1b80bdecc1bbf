import { MailError } from '../errors';
import type { Exchange } from '../traffic/exchange';
import type { TrafficTap } from '../traffic/trafficTap';
import { CompareTask, TaskMeasure } from './compareTypes';

/** The clock the tap stamps events with (trafficTap.ts), so a task's window can be laid over its record. */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Times the client waited for the server: exchanges in start order, where one that starts before the answers
 * so far have ended (pipelined) joins their wait instead of starting another. Unsolicited lines are no wait.
 */
export function roundTrips(exchanges: readonly Exchange[]): number {
  const sorted = exchanges.filter((e) => e.command !== '(unsolicited)').sort((a, b) => a.startedAt - b.startedAt);
  let trips = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const e of sorted) {
    const end = e.endedAt ?? Number.POSITIVE_INFINITY;
    if (e.startedAt >= until) {
      trips++;
      until = end;
    } else {
      until = Math.max(until, end);
    }
  }
  return trips;
}

/** What a task's work reports besides the measures: a note in words. */
export type TaskWork = () => Promise<string | undefined>;

/**
 * Runs one task and measures it from the tap alone: its totals before and after (bytes), and the exchanges and
 * connections of its record that started meanwhile (round trips, connections). A failure is kept in the measure
 * (the numbers are what was spent until then); only a cancellation is thrown on.
 */
export async function measureTask(task: CompareTask, tap: TrafficTap, work: TaskWork): Promise<TaskMeasure> {
  const sent = tap.totals.sent;
  const received = tap.totals.received;
  const from = now();
  const started = performance.now();
  let note: string | undefined;
  let error: string | undefined;
  try {
    note = await work();
  } catch (err) {
    if (MailError.is(err, 'cancelled')) throw err;
    error = err instanceof Error ? err.message : String(err);
  }
  const ms = performance.now() - started;
  const to = now();
  const record = tap.record;
  const during = record.exchanges().filter((e) => e.startedAt >= from && e.startedAt <= to);
  const connections = record.connections().filter((c) => c.openedAt >= from && c.openedAt <= to).length;
  return {
    task,
    ms,
    bytesOut: tap.totals.sent - sent,
    bytesIn: tap.totals.received - received,
    roundTrips: roundTrips(during),
    connections,
    ...(note !== undefined ? { note } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}
