import type { Exchange, TrafficRecord } from './exchange';
import { filterExchanges, clockTime, exchangeLines, formatLatency, type TrafficFilter } from './trafficViewData';

/**
 * The traffic view's export: a plain-text transcript of the exchanges that pass the view's filter, to attach to a
 * bug report ("send the protocol log"). Built from the record's events only, which are masked as the output
 * channel's lines are (the same rendering: formatTrafficLine), so a password never reaches it. Each connection
 * starts with what is known of it (greeting, TLS, login method); each exchange with a `#` summary line (time,
 * command, status, latency, bytes), then its exact lines, then its response codes explained.
 */
export function transcriptText(record: TrafficRecord, filter: TrafficFilter, heading: { account: string; exportedAt: Date }): string {
  const all = record.exchanges();
  const { exchanges, roles, cost } = filterExchanges(all, filter);
  const out: string[] = [];
  out.push(`# Mail Inspector traffic transcript: ${heading.account}`);
  out.push(`# Exported ${heading.exportedAt.toISOString()}; ${exchanges.length} of ${all.length} exchanges${record.dropped ? ` (${record.dropped} older ones were dropped from the record)` : ''}`);
  const described = describeFilter(filter);
  if (described) out.push(`# Filter: ${described}`);
  if (cost) out.push(`# Cost: ${cost.exchanges} exchanges, ${cost.bytesOut} bytes sent, ${cost.bytesIn} bytes received, ${formatLatency(cost.latencyMs)} waiting for the server`);
  out.push('# Passwords and authentication data are masked (****); long literals and bodies are shortened ("… N bytes elided").');
  const connections = new Map(record.connections().map((c) => [c.id, c]));
  // Grouped by connection (in the order they first appear), each in wire order: one conversation after the other.
  const groups = new Map<string, Exchange[]>();
  for (const e of exchanges) {
    let list = groups.get(e.connection);
    if (!list) groups.set(e.connection, (list = []));
    list.push(e);
  }
  for (const [id, list] of groups) {
    const c = connections.get(id);
    out.push('');
    out.push(`## Connection ${id}${c ? ` (${c.protocol.toUpperCase()}), opened ${clockTime(c.openedAt)}${c.closedAt !== undefined ? `, closed ${clockTime(c.closedAt)}` : ''}` : ''}`);
    if (c?.greeting) out.push(`#  greeting: ${c.greeting}`);
    if (c?.tls) out.push(`#  TLS: ${c.tls}`);
    if (c?.login) out.push(`#  login: ${c.login}`);
    if (c) out.push(`#  sent ${c.counts.sent} bytes, received ${c.counts.received} bytes`);
    for (const e of list) {
      out.push('');
      out.push(summaryLine(e, roles.get(e.id)));
      out.push(...exchangeLines(e));
      for (const code of e.codes) if (code.explanation) out.push(`#  [${code.name}${code.args ? ` ${code.args}` : ''}] ${code.explanation}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function summaryLine(e: Exchange, role: string | undefined): string {
  const status = e.status === 'err' ? '-ERR' : e.status.toUpperCase();
  const latency = e.latencyMs === undefined ? '' : `, ${formatLatency(e.latencyMs)}`;
  return `# ${clockTime(e.startedAt)} ${e.tag ? `${e.tag} ` : ''}${e.command}${role ? ` (${role})` : ''}: ${status}${latency}, ${e.bytesOut} bytes out, ${e.bytesIn} bytes in`;
}

/** The filter in words, for the transcript's heading ('' when nothing is filtered). */
export function describeFilter(filter: TrafficFilter): string {
  const parts: string[] = [];
  if (filter.message) parts.push(`message ${filter.message.label}`);
  if (filter.connection) parts.push(`connection ${filter.connection}`);
  if (filter.command) parts.push(`command ${filter.command}`);
  if (filter.status && filter.status !== 'all') parts.push(`status ${filter.status}`);
  if (filter.text?.trim()) parts.push(`text "${filter.text.trim()}"`);
  return parts.join(', ');
}
