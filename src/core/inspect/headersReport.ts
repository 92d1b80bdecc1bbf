import { HeaderModel } from '../mime/headers';
import { receivedChain } from '../mime/receivedChain';

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const sign = ms < 0 ? '−' : '';
  let s = Math.abs(ms) / 1000;
  if (s < 60) return `${sign}${s.toFixed(s < 10 && s % 1 ? 1 : 0)} s`;
  s = Math.round(s);
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${s % 60} s`;
  return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * The "Show Headers" document: every field in order, unfolded and decoded, with the raw value beside it
 * when decoding changed it, parsed addresses, and the Received chain as a table of hops.
 */
export function headersReport(title: string, model: HeaderModel): string {
  const out: string[] = [`# Headers of ${title}`, ''];
  out.push(`${model.totalFields} header fields, ${model.totalBytes} bytes.`);
  if (model.truncated) out.push('', `> **Not all headers are shown.** ${model.truncated.message}`);
  out.push('', '| # | Field | Value | Raw value |', '|---:|---|---|---|');
  for (const f of model.fields) {
    let value = f.decoded;
    if (f.addresses && f.addresses.length > 0) {
      value = f.addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : `<${a.address}>`) + (a.group ? ` (group ${a.group})` : '')).join(', ');
    }
    if (f.date) value += ` (${f.date.toISOString()})`;
    out.push(`| ${f.index + 1} | ${cell(f.name)} | ${cell(value)} | ${f.decoded !== f.value || f.addresses ? `\`${cell(f.value).replace(/`/g, "'")}\`` : ''} |`);
  }
  const hops = receivedChain(model.fields);
  out.push('', `## Received chain (${hops.length} hop${hops.length === 1 ? '' : 's'}, oldest first)`, '');
  if (hops.length === 0) {
    out.push('No Received fields.');
  } else {
    out.push('| Hop | From | By | With | Time | Delay |', '|---:|---|---|---|---|---:|');
    hops.forEach((h, i) => out.push(`| ${i + 1} | ${cell(h.from)} | ${cell(h.by)} | ${cell(h.with)} | ${h.time ? h.time.toISOString() : '(unreadable)'} | ${duration(h.delayMs)} |`));
    const times = hops.map((h) => h.time?.getTime()).filter((t): t is number => t !== undefined);
    if (times.length >= 2) out.push('', `Total transit: ${duration(Math.max(...times) - Math.min(...times))}.`);
  }
  out.push('');
  return out.join('\n');
}
