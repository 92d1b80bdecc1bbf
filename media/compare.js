// The comparison page's only script (loaded with a nonce). It draws what the extension sends: one bar chart per
// metric (IMAP and POP3 bars side by side for each task, lengths as the extension scaled them) and the table of
// numbers. Every string is put in with textContent: nothing it is sent is ever parsed as HTML.
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const BAR = 14;
  const GAP = 4;
  const ROW = BAR * 2 + GAP + 14;
  const LABEL = 230;
  const WIDTH = 720;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chart(metric) {
    const section = el('section', 'chart');
    section.append(el('h2', '', metric.title));
    const height = metric.rows.length * ROW;
    const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-label': metric.title });
    const room = WIDTH - LABEL - 90;
    metric.rows.forEach((row, i) => {
      const y = i * ROW;
      root.append(svg('text', { x: 0, y: y + BAR + 2, class: 'task' }, row.task));
      [['imap', row.imap], ['pop3', row.pop3]].forEach(([protocol, value], j) => {
        const top = y + j * (BAR + GAP);
        if (!value) {
          root.append(svg('text', { x: LABEL, y: top + BAR - 3, class: 'value' }, '—'));
          return;
        }
        const length = Math.max(1, value.fraction * room);
        const bar = svg('rect', { x: LABEL, y: top, width: length, height: BAR, rx: 2, class: `bar ${protocol}` });
        bar.append(svg('title', {}, `${protocol.toUpperCase()}: ${value.text}`));
        root.append(bar);
        root.append(svg('text', { x: LABEL + length + 6, y: top + BAR - 3, class: 'value' }, value.text));
      });
    });
    section.append(root);
    return section;
  }

  function cell(measure) {
    const td = el('td');
    if (!measure) {
      td.textContent = '—';
      return td;
    }
    td.append(el('div', 'numbers', `${ms(measure.ms)} · ${bytes(measure.bytesOut + measure.bytesIn)} (${bytes(measure.bytesOut)} out, ${bytes(measure.bytesIn)} in) · ${measure.roundTrips} round trip${measure.roundTrips === 1 ? '' : 's'} · ${measure.connections} connection${measure.connections === 1 ? '' : 's'}`));
    if (measure.note) td.append(el('div', 'note', measure.note));
    if (measure.error) td.append(el('div', 'error', `Failed: ${measure.error}`));
    return td;
  }

  function ms(n) {
    return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n).toLocaleString('en-US')} ms`;
  }

  function bytes(n) {
    if (n < 1024) return `${n.toLocaleString('en-US')} bytes`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  }

  function draw(data) {
    $('title').textContent = data.title;
    $('subtitle').textContent = data.subtitle;
    $('charts').replaceChildren(...data.metrics.map(chart));
    const head = el('tr');
    for (const h of ['Task', 'IMAP', 'POP3']) head.append(el('th', '', h));
    const rows = data.table.map((row) => {
      const tr = el('tr');
      tr.append(el('th', '', row.task), cell(row.imap), cell(row.pop3));
      return tr;
    });
    $('table').replaceChildren(head, ...rows);
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'data') draw(message.data);
  });
  $('copy').addEventListener('click', () => vscode.postMessage({ type: 'copy' }));
  vscode.postMessage({ type: 'ready' });
})();
