import { formatBytes, formatCount } from '../format';
import { COMPARE_TASKS, Comparison, ProtocolRun, TASK_LABELS, TaskMeasure } from './compareTypes';

/** One protocol's value of one metric for one task, as the chart draws it. */
export interface ChartValue {
  readonly value: number;
  /** For people: "412 ms", "1.2 MiB", "3". */
  readonly text: string;
  /** value ÷ the largest value of the metric (0 to 1): the bar's length. */
  readonly fraction: number;
}

export interface ChartRow {
  readonly task: string;
  readonly imap: ChartValue | undefined;
  readonly pop3: ChartValue | undefined;
}

export interface ChartMetric {
  readonly name: 'time' | 'bytes' | 'roundTrips';
  readonly title: string;
  readonly rows: readonly ChartRow[];
}

/** One task as the table shows it: both protocols' measures side by side, with their notes and errors. */
export interface TableRow {
  readonly task: string;
  readonly imap: TaskMeasure | undefined;
  readonly pop3: TaskMeasure | undefined;
}

/** Everything the comparison page shows (plain data: sent to the webview as is). */
export interface CompareViewData {
  readonly title: string;
  readonly subtitle: string;
  readonly metrics: readonly ChartMetric[];
  readonly table: readonly TableRow[];
  readonly markdown: string;
}

/** Text from servers and mail (subjects, account names) kept literal in a Markdown table: only what would break it is escaped. */
function md(text: string): string {
  return text.replace(/[\\|`*_<>[\]]/g, '\\$&').replace(/\s+/g, ' ');
}

export const formatMs = (ms: number): string => (ms < 10 ? `${ms.toFixed(1)} ms` : `${formatCount(Math.round(ms))} ms`);

const METRICS: readonly { name: ChartMetric['name']; title: string; of: (m: TaskMeasure) => number; text: (n: number) => string }[] = [
  { name: 'time', title: 'Time', of: (m) => m.ms, text: formatMs },
  { name: 'bytes', title: 'Bytes on the wire (sent + received)', of: (m) => m.bytesOut + m.bytesIn, text: formatBytes },
  { name: 'roundTrips', title: 'Round trips', of: (m) => m.roundTrips, text: formatCount },
];

function measureOf(run: ProtocolRun, task: string): TaskMeasure | undefined {
  return run.tasks.find((t) => t.task === task);
}

export function compareViewData(c: Comparison): CompareViewData {
  const metrics = METRICS.map((metric): ChartMetric => {
    const values = COMPARE_TASKS.flatMap((task) => [measureOf(c.imap, task), measureOf(c.pop3, task)]).filter((m): m is TaskMeasure => m !== undefined).map(metric.of);
    const max = Math.max(0, ...values);
    const value = (m: TaskMeasure | undefined): ChartValue | undefined => {
      if (!m) return undefined;
      const v = metric.of(m);
      return { value: v, text: metric.text(v), fraction: max > 0 ? v / max : 0 };
    };
    return { name: metric.name, title: metric.title, rows: COMPARE_TASKS.map((task) => ({ task: TASK_LABELS[task], imap: value(measureOf(c.imap, task)), pop3: value(measureOf(c.pop3, task)) })) };
  });
  const table = COMPARE_TASKS.map((task) => ({ task: TASK_LABELS[task], imap: measureOf(c.imap, task), pop3: measureOf(c.pop3, task) }));
  return {
    title: `POP3 and IMAP: ${c.imap.account} and ${c.pop3.account}`,
    subtitle: subtitle(c),
    metrics,
    table,
    markdown: comparisonMarkdown(c),
  };
}

function subtitle(c: Comparison): string {
  const message = c.message ? `the newest message "${c.message.subject}" (${formatBytes(c.message.size)})` : 'no message (the mailbox is empty)';
  return `Measured ${c.startedAt.toISOString()} on ${message}${c.searchedFor ? `, searching the subject "${c.searchedFor}"` : ''}. Bytes and round trips are each run's own traffic; TCP and TLS handshakes are not counted as round trips.`;
}

function cell(m: TaskMeasure | undefined): string {
  if (!m) return '—';
  const numbers = `${formatMs(m.ms)} · ${formatBytes(m.bytesOut + m.bytesIn)} · ${formatCount(m.roundTrips)} round trip${m.roundTrips === 1 ? '' : 's'}${m.connections > 0 ? ` · ${formatCount(m.connections)} new connection${m.connections === 1 ? '' : 's'}` : ''}`;
  return m.error ? `${numbers} · failed: ${md(m.error)}` : numbers;
}

/** The numbers as a Markdown table (to paste into a ticket), with each task's notes below it. */
export function comparisonMarkdown(c: Comparison): string {
  const out = [`# POP3 and IMAP compared`, '', md(subtitle(c)), '', `| Task | IMAP (${md(c.imap.account)}) | POP3 (${md(c.pop3.account)}) |`, '| --- | --- | --- |'];
  for (const task of COMPARE_TASKS) out.push(`| ${TASK_LABELS[task]} | ${cell(measureOf(c.imap, task))} | ${cell(measureOf(c.pop3, task))} |`);
  out.push('');
  for (const task of COMPARE_TASKS) {
    for (const run of [c.imap, c.pop3]) {
      const note = measureOf(run, task)?.note;
      if (note) out.push(`- ${TASK_LABELS[task]}, ${run.protocol.toUpperCase()}: ${md(note)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
