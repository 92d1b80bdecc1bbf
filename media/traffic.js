// The traffic view's only script (loaded with a nonce). It draws what the extension sends (connections, rows, the
// latency timelines) and sends back what the user does (filters, rows expanded, export); the filtering itself is
// done by the extension. Every string is put in with textContent: nothing it is sent is ever parsed as HTML.
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const controls = { connection: $('connection'), command: $('command'), status: $('status'), text: $('text') };
  const ROLE_WORDS = { listing: 'listing', structure: 'structure', headers: 'headers', body: 'whole message', part: 'part', flags: 'flags', write: 'change', other: '' };
  const STATUS_WORDS = { ok: 'OK', no: 'NO', bad: 'BAD', bye: 'BYE', err: '-ERR', lost: 'lost', pending: 'pending' };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function bytes(n) {
    if (n < 1024) return `${n.toLocaleString('en-US')} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  }

  function sendFilter() {
    vscode.postMessage({
      type: 'filter',
      connection: controls.connection.value,
      command: controls.command.value,
      status: controls.status.value,
      text: controls.text.value,
    });
  }

  /** Options of a select from values; keeps the current choice (and the first, "All", option). */
  function fillSelect(select, values, current) {
    const wanted = ['', ...values];
    const have = [...select.options].map((o) => o.value);
    if (have.join('\n') !== wanted.join('\n')) {
      while (select.options.length > 1) select.remove(1);
      for (const v of values) select.add(new Option(v, v));
    }
    select.value = current ?? '';
  }

  function timelineSvg(c) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'timeline');
    svg.setAttribute('viewBox', '0 0 1000 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `Latency timeline of ${c.id}: ${c.timeline.bars.length} commands over ${Math.round(c.timeline.spanMs)} ms`);
    const axis = document.createElementNS(SVG, 'line');
    axis.setAttribute('x1', '0');
    axis.setAttribute('x2', '1000');
    axis.setAttribute('y1', '39.5');
    axis.setAttribute('y2', '39.5');
    axis.setAttribute('class', 'axis');
    svg.appendChild(axis);
    for (const bar of c.timeline.bars) {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(bar.x));
      rect.setAttribute('width', String(bar.width));
      rect.setAttribute('y', String(40 - bar.height));
      rect.setAttribute('height', String(bar.height));
      rect.setAttribute('class', bar.failed ? 'bar failed' : bar.pending ? 'bar pending' : 'bar');
      rect.dataset.id = bar.id;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = bar.title;
      rect.appendChild(title);
      svg.appendChild(rect);
    }
    return svg;
  }

  function connectionHeader(c) {
    const header = el('div', 'connection-header');
    header.appendChild(el('span', 'connection-id', `${c.id} (${c.protocol.toUpperCase()})`));
    header.appendChild(el('span', 'connection-time', `opened ${c.opened}${c.closed ? `, closed ${c.closed}` : ''} · sent ${bytes(c.sent)}, received ${bytes(c.received)}`));
    const facts = el('dl', 'connection-facts');
    for (const [name, value] of [['Greeting', c.greeting], ['TLS', c.tls], ['Login', c.login]]) {
      if (!value) continue;
      facts.appendChild(el('dt', '', name));
      facts.appendChild(el('dd', '', value));
    }
    header.appendChild(facts);
    return header;
  }

  function rowElements(row) {
    const tr = el('tr', row.failed ? 'row failed' : row.status === 'pending' ? 'row pending' : 'row');
    tr.dataset.id = row.id;
    const toggle = el('button', 'toggle', row.lines ? '▾' : '▸');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', row.lines ? 'true' : 'false');
    toggle.setAttribute('aria-label', `${row.lines ? 'Hide' : 'Show'} the lines of ${row.commandText}`);
    const first = el('td', 'cell-toggle');
    first.appendChild(toggle);
    tr.appendChild(first);
    tr.appendChild(el('td', 'cell-time', row.time));
    const command = el('td', 'cell-command');
    command.appendChild(el('code', '', row.commandText));
    if (row.role && ROLE_WORDS[row.role]) command.appendChild(el('span', 'role', ROLE_WORDS[row.role]));
    tr.appendChild(command);
    tr.appendChild(el('td', `cell-status status-${row.status}`, STATUS_WORDS[row.status] ?? row.status));
    tr.appendChild(el('td', 'cell-latency', row.latency));
    tr.appendChild(el('td', 'cell-bytes', `↑ ${bytes(row.bytesOut)} ↓ ${bytes(row.bytesIn)}`));
    const out = [tr];
    // A failure stands out with the server's words and its codes in plain words; so does an ALERT (the server asks
    // for it to be shown). Other codes of a successful command are chips with their meaning as the tooltip.
    const explained = row.codes.filter((c) => c.explanation);
    const loud = row.failed ? explained : explained.filter((c) => c.name === 'ALERT');
    for (const code of row.failed ? [] : row.codes.filter((c) => !loud.includes(c))) {
      const chip = el('span', 'chip', code.name);
      chip.title = `[${code.name}${code.args ? ` ${code.args}` : ''}]${code.explanation ? ` ${code.explanation}` : ''}`;
      command.appendChild(chip);
    }
    if (row.failed || loud.length > 0) {
      const detail = el('tr', row.failed ? 'detail failed' : 'detail');
      const td = el('td', '');
      td.colSpan = 6;
      if (row.failed && row.responseText) td.appendChild(el('div', 'response', row.responseText));
      for (const code of loud) {
        const line = el('div', 'code');
        line.appendChild(el('code', '', `[${code.name}${code.args ? ` ${code.args}` : ''}]`));
        line.appendChild(document.createTextNode(` ${code.explanation}`));
        td.appendChild(line);
      }
      detail.appendChild(td);
      out.push(detail);
    }
    if (row.lines) {
      const linesRow = el('tr', 'lines');
      const td = el('td', '');
      td.colSpan = 6;
      td.appendChild(el('pre', '', row.lines.join('\n')));
      linesRow.appendChild(td);
      out.push(linesRow);
    }
    return out;
  }

  function render(account, data) {
    document.title = `Traffic: ${account}`;
    const f = data.filter;
    fillSelect(controls.connection, data.connections.map((c) => c.id), f.connection);
    fillSelect(controls.command, data.commands, f.command);
    controls.status.value = f.status ?? 'all';
    if (document.activeElement !== controls.text) controls.text.value = f.text ?? '';

    const message = $('message');
    message.replaceChildren();
    message.hidden = !f.message;
    if (f.message) {
      const cost = data.cost;
      message.appendChild(el('span', '', `Traffic for ${f.message.label}`));
      if (cost) {
        message.appendChild(el('span', 'cost', ` — ${cost.exchanges} exchange${cost.exchanges === 1 ? '' : 's'}, ↑ ${bytes(cost.bytesOut)} ↓ ${bytes(cost.bytesIn)}, ${cost.latencyMs.toFixed(1)} ms waiting for the server`));
      }
      const all = el('button', 'link', 'Show all traffic');
      all.type = 'button';
      all.addEventListener('click', () => vscode.postMessage({ type: 'clearMessage' }));
      message.appendChild(all);
    }

    const parts = [`${data.matched.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')} exchanges`];
    if (data.older) parts.push(`the oldest ${data.older.toLocaleString('en-US')} of them not listed`);
    if (data.dropped) parts.push(`${data.dropped.toLocaleString('en-US')} older exchanges dropped from the record`);
    $('summary').textContent = parts.join(' · ');

    const unfiltered = !f.connection && !f.command && (!f.status || f.status === 'all') && !f.text && !f.message;
    const main = $('connections');
    const sections = [];
    const rowsBy = new Map();
    for (const row of data.rows) {
      if (!rowsBy.has(row.connection)) rowsBy.set(row.connection, []);
      rowsBy.get(row.connection).push(row);
    }
    for (const c of data.connections) {
      const rows = rowsBy.get(c.id) ?? [];
      // Unfiltered, a connection shows even before its first command (its greeting, TLS and login are news too).
      if (c.shown === 0 && !unfiltered) continue;
      const section = el('section', 'connection');
      section.dataset.connection = c.id;
      section.appendChild(connectionHeader(c));
      section.appendChild(timelineSvg(c));
      section.appendChild(el('div', 'timeline-caption', `Latency timeline: ${c.timeline.bars.length} command${c.timeline.bars.length === 1 ? '' : 's'} over ${(c.timeline.spanMs / 1000).toFixed(1)} s; height: latency (log scale, 1 ms to 10 s), red: failed`));
      const table = el('table', 'exchanges');
      for (const name of ['toggle', 'time', 'command', 'status', 'latency', 'bytes']) table.appendChild(el('col', `col-${name}`));
      const head = el('tr');
      for (const h of ['', 'Time', 'Command', 'Status', 'Latency', 'Bytes']) head.appendChild(el('th', '', h));
      const thead = el('thead');
      thead.appendChild(head);
      table.appendChild(thead);
      const body = el('tbody');
      for (const row of rows) for (const tr of rowElements(row)) body.appendChild(tr);
      table.appendChild(body);
      const scroll = el('div', 'table-scroll');
      scroll.appendChild(table);
      section.appendChild(scroll);
      sections.push(section);
    }
    if (sections.length === 0) sections.push(el('p', 'empty', data.total === 0 ? 'No traffic yet: browse the account and its commands show here as they happen.' : 'No exchanges match the filter.'));
    main.replaceChildren(...sections);
  }

  let textTimer;
  controls.text.addEventListener('input', () => {
    clearTimeout(textTimer);
    textTimer = setTimeout(sendFilter, 250);
  });
  for (const name of ['connection', 'command', 'status']) controls[name].addEventListener('change', sendFilter);
  $('export').addEventListener('click', () => vscode.postMessage({ type: 'export' }));
  $('connections').addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const row = target?.closest('tr.row');
    if (!row || target.closest('pre')) return;
    const expanded = row.querySelector('.toggle')?.getAttribute('aria-expanded') === 'true';
    vscode.postMessage({ type: 'toggle', id: row.dataset.id, expanded: !expanded });
  });
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'data') render(m.account, m.data);
  });
  vscode.postMessage({ type: 'ready' });
})();
