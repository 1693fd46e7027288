/**
 * Services of the recovery sweeper: the local stack's sweepOrders function and
 * `npm run sweep` (order-sweeper). Every pass is a trace of its own, every few seconds;
 * the list hides traces made only of their spans unless its switch is on (an order the
 * sweeper republished has processOrder's spans too, so it stays listed).
 */
export const SWEEPER_SERVICES: readonly string[] = ['sweepOrders', 'order-sweeper'];

/**
 * The trace viewer: one self-contained page (no CDN, no build step) that reads
 * the same Jaeger query API as any other client. `/` lists recent traces;
 * `/trace/{id}` (or `/#/trace/{id}`) draws one trace as a waterfall. Span rows
 * carry data-span-id, data-service, data-depth and data-parent-span-id for
 * browser tests. Trace content is untrusted, so it only ever reaches the DOM
 * through textContent and attributes, never innerHTML. The script avoids
 * backticks so it can live in this template string.
 */
export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Traces</title>
<style>
  :root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --err:#d92d20; --errbg:#fef3f2; --sel:#eef4ff; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#1d2330; color:#fff; }
  header a { color:#fff; text-decoration:none; font-weight:600; }
  main { padding:16px 20px; }
  h1 { font-size:18px; margin:0 0 4px; }
  .muted { color:var(--muted); }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; }
  .toolbar { display:flex; flex-wrap:wrap; gap:10px; align-items:center; margin-bottom:12px; }
  select, button { font:inherit; padding:4px 8px; }
  table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
  th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { background:#f2f4f7; font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
  tr.trace-row:hover { background:var(--sel); }
  .chip { display:inline-block; padding:0 6px; margin:1px 4px 1px 0; border-radius:10px; font-size:12px; color:#fff; white-space:nowrap; }
  .err-badge { color:var(--err); font-weight:600; }
  .summary { margin-bottom:12px; }
  .summary span { margin-right:16px; }
  .waterfall { background:#fff; border:1px solid var(--line); }
  .wf-head, .span-row { display:grid; grid-template-columns: minmax(280px, 36%) 1fr; }
  .wf-head { border-bottom:1px solid var(--line); background:#f2f4f7; font-size:12px; color:var(--muted); }
  .wf-head > div { padding:4px 8px; }
  .axis { position:relative; height:20px; }
  .axis span { position:absolute; top:3px; transform:translateX(-50%); white-space:nowrap; }
  .axis span:first-child { transform:none; }
  .axis span:last-child { transform:translateX(-100%); }
  .span-row { cursor:pointer; border-bottom:1px solid #f0f1f3; }
  .span-row:hover, .span-row.selected { background:var(--sel); }
  .span-row.error .name { color:var(--err); }
  .name { padding:3px 8px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; border-right:1px solid var(--line); }
  .name .svc { font-weight:600; margin-right:6px; }
  .name .status { margin-left:6px; }
  .lane { position:relative; height:24px; }
  .bar { position:absolute; top:6px; height:12px; border-radius:2px; min-width:2px; }
  .span-row.error .bar { outline:2px solid var(--err); }
  .bar-label { position:absolute; top:4px; font-size:11px; color:var(--muted); white-space:nowrap; }
  .detail { grid-column: 1 / -1; background:#fcfcfd; border-top:1px solid var(--line); border-bottom:2px solid var(--line); padding:10px 14px; cursor:default; }
  .detail h3 { font-size:13px; margin:10px 0 4px; }
  .detail table { width:auto; min-width:50%; }
  .detail td { padding:3px 10px; font-size:12px; }
  .detail td.k { color:var(--muted); }
  .error-text { color:var(--err); }
  a { color:#1d4ed8; }
  input { font:inherit; padding:3px 6px; }
  th.sortable { padding:0; }
  th.sortable button.sort { all:unset; cursor:pointer; display:block; padding:6px 10px; }
  th[aria-sort="ascending"], th[aria-sort="descending"] { color:var(--fg); }
  .ok { color:#067647; }
  .pager p { margin:8px 0; }
  .span-row.critical .bar { box-shadow: 0 0 0 2px #111827; }
  .span-row:not(.critical) .bar { opacity:.45; }
  .summary a { margin-right:16px; }
  .cp-mark { display:inline-block; width:14px; color:#111827; }
  .legend-note { font-size:12px; margin:0 0 8px; }
  /* A long name is cut to one line; hovering or selecting its row shows all of it. */
  .span-row:hover .name, .span-row:focus .name, .span-row.selected .name { white-space:normal; overflow-wrap:anywhere; }
  .twisty { all:unset; cursor:pointer; display:inline-block; width:14px; text-align:center; color:var(--muted); }
  .twisty:hover { color:var(--fg); }
  .twisty-space { display:inline-block; width:14px; }
  .hidden-count { margin-left:6px; font-size:11px; color:var(--muted); }
  .span-row.collapsed-away, .span-row.collapsed-away + .detail { display:none; }
  .queue-gap { position:absolute; top:19px; height:0; border-top:2px dashed #98a2b3; }
  .queue-label { font-style:italic; }
  .switch { white-space:nowrap; display:inline-flex; align-items:center; gap:4px; font-size:13px; color:#fff; background:#475467; padding:3px 8px; border-radius:12px; cursor:pointer; }
  .switch input { margin:0; }
  #scatter { display:block; background:#fff; border:1px solid var(--line); margin-bottom:12px; }
  #scatter .dot { cursor:pointer; fill-opacity:.75; stroke:#fff; stroke-width:1; }
  #scatter .dot:hover { fill-opacity:1; stroke:#111827; }
  #scatter text { font-size:11px; fill:#667085; }
  #scatter line { stroke:#e4e7ec; }
</style>
</head>
<body>
<header><a href="/">Traces</a><span class="muted" id="where"></span></header>
<main id="app"><p class="muted">Loading…</p></main>
<script>
(function () {
  'use strict';
  /* No red: red marks errors. */
  var PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#92400e', '#475569', '#c026d3'];
  var SWEEPER_SERVICES = ${JSON.stringify(SWEEPER_SERVICES)};
  var app = document.getElementById('app');

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else if (key === 'style') node.setAttribute('style', attrs[key]);
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, attrs[key]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function show(node) { app.textContent = ''; app.appendChild(node); }
  function fail(message) { show(el('p', { class: 'error-text', text: message })); }

  function getJson(url) {
    return fetch(url).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.errors && body.errors[0] && body.errors[0].msg) || ('HTTP ' + res.status));
        return body;
      });
    });
  }

  function fmtDuration(us) {
    if (us < 1000) return us + 'µs';
    if (us < 1000000) return (us / 1000).toFixed(us < 10000 ? 2 : 1) + 'ms';
    return (us / 1000000).toFixed(2) + 's';
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function fmtTime(us) {
    var d = new Date(us / 1000);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1, 2) + '-' + pad(d.getDate(), 2) + ' ' +
      pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3);
  }
  function tagValue(span, key) {
    for (var i = 0; i < span.tags.length; i++) if (span.tags[i].key === key) return span.tags[i].value;
    return undefined;
  }
  function isError(span) { return tagValue(span, 'error') === true || tagValue(span, 'otel.status_code') === 'ERROR'; }
  function parentOf(span) {
    for (var i = 0; i < span.references.length; i++) {
      var r = span.references[i];
      if (r.refType === 'CHILD_OF' && r.traceID === span.traceID) return r.spanID;
    }
    return null;
  }
  /*
   * A service's colour comes from its name alone (FNV-1a into the palette), so it is the same
   * in every trace, on every page and whatever other services appear later. The pack's own
   * services (createOrder, processOrder, sweepOrders, order-sweeper, load-generator) land on
   * five different colours.
   */
  var knownServices = [];
  function colorOf(service) {
    var h = 2166136261;
    for (var j = 0; j < service.length; j++) { h ^= service.charCodeAt(j); h = Math.imul(h, 16777619) >>> 0; }
    return PALETTE[h % PALETTE.length];
  }
  function serviceColors(trace) {
    var colors = {};
    Object.keys(trace.processes).map(function (p) { return trace.processes[p].serviceName; }).sort()
      .forEach(function (s) { colors[s] = colorOf(s); });
    return colors;
  }
  function chip(service, color) { return el('span', { class: 'chip', style: 'background:' + color, text: service }); }

  /* Spans as a depth-first list: children under their parent, siblings by start time. */
  function layout(trace) {
    var byId = {}, children = {}, roots = [];
    trace.spans.forEach(function (s) { byId[s.spanID] = s; });
    trace.spans.forEach(function (s) {
      var p = parentOf(s);
      if (p && byId[p]) (children[p] = children[p] || []).push(s);
      else roots.push(s);
    });
    var byStart = function (a, b) { return a.startTime - b.startTime; };
    var rows = [], seen = {};
    function visit(span, depth) {
      if (seen[span.spanID]) return;
      seen[span.spanID] = true;
      rows.push({ span: span, depth: depth });
      (children[span.spanID] || []).sort(byStart).forEach(function (c) { visit(c, depth + 1); });
    }
    roots.sort(byStart).forEach(function (r) { visit(r, 0); });
    return rows;
  }
  /*
   * Self time: the part of a span no child covers (children clipped to it). Critical path:
   * from the root's end backwards, the child that finished last before the cursor, then
   * (recursively) what that child waited on, then the cursor moves to that child's start.
   * Spans on it are what the root's duration is made of.
   */
  function analyse(trace) {
    var byId = {}, children = {}, self = {}, critical = {};
    trace.spans.forEach(function (s) { byId[s.spanID] = s; });
    trace.spans.forEach(function (s) {
      var p = parentOf(s);
      if (p && byId[p]) (children[p] = children[p] || []).push(s);
    });
    trace.spans.forEach(function (s) {
      var start = s.startTime, end = s.startTime + s.duration, covered = 0, cursor = start;
      (children[s.spanID] || []).map(function (c) { return [Math.max(c.startTime, start), Math.min(c.startTime + c.duration, end)]; })
        .filter(function (iv) { return iv[1] > iv[0]; })
        .sort(function (a, b) { return a[0] - b[0]; })
        .forEach(function (iv) {
          if (iv[1] <= cursor) return;
          covered += iv[1] - Math.max(iv[0], cursor);
          cursor = iv[1];
        });
      self[s.spanID] = s.duration - covered;
    });
    function walk(span, limit) {
      critical[span.spanID] = true;
      var cursor = Math.min(span.startTime + span.duration, limit);
      var left = (children[span.spanID] || []).slice();
      for (;;) {
        var best = null;
        left.forEach(function (c) {
          if (c.startTime >= cursor) return;
          if (!best || Math.min(c.startTime + c.duration, cursor) > Math.min(best.startTime + best.duration, cursor)) best = c;
        });
        if (!best) break;
        walk(best, cursor);
        cursor = best.startTime;
        left.splice(left.indexOf(best), 1);
      }
    }
    var rows = layout(trace);
    if (rows.length) walk(rows[0].span, Infinity);
    return { self: self, critical: critical };
  }
  function traceBounds(trace) {
    var start = Infinity, end = -Infinity;
    trace.spans.forEach(function (s) { start = Math.min(start, s.startTime); end = Math.max(end, s.startTime + s.duration); });
    return { start: start, end: end, duration: Math.max(end - start, 1) };
  }

  /* ---------- list of recent traces: search, sort, pages ---------- */
  var PAGE = 100;
  var SORTABLE = { spans: 'Spans', errors: 'Status', duration: 'Duration', start: 'Started' };
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  /* "key=value" or "key:value" is a tag; a bare value is an order id. */
  function tagParam(text) {
    var m = /^([^=:\\s]+)\\s*[=:]\\s*(.+)$/.exec(text);
    return m ? m[1] + ':' + m[2] : 'orders.order_id:' + text;
  }
  function openTrace(id) { location.href = '/trace/' + encodeURIComponent(id); }
  function renderList() {
    document.title = 'Traces';
    document.getElementById('where').textContent = '';
    var params = new URLSearchParams(location.search);
    /* A trace id is one trace: open it rather than list it. */
    if (params.get('traceID')) { location.replace('/trace/' + encodeURIComponent(params.get('traceID'))); return; }
    var showSweeper = params.get('sweeper') === 'show';
    var service = params.get('service') || '';
    var lookback = params.get('lookback') || '1h';
    var sort = params.get('sort') || '-start';
    var offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    var serviceSelect = el('select', { id: 'service', 'aria-label': 'service' }, el('option', { value: '', text: 'all services' }));
    var lookbackSelect = el('select', { id: 'lookback', 'aria-label': 'lookback' });
    ['15m', '1h', '6h', '24h', '7d'].forEach(function (l) {
      lookbackSelect.appendChild(el('option', { value: l, text: 'last ' + l }));
    });
    lookbackSelect.value = lookback;
    var traceInput = el('input', { id: 'trace-id', type: 'search', placeholder: 'trace id', 'aria-label': 'trace id', size: '34', value: params.get('traceID') || '' });
    var tagInput = el('input', { id: 'tag', type: 'search', placeholder: 'order id, or tag key=value', 'aria-label': 'tag', size: '30', value: params.get('tagText') || '' });
    var minInput = el('input', { id: 'min-duration', type: 'search', placeholder: 'min duration: 250ms', 'aria-label': 'minimum duration', size: '16', value: params.get('minDuration') || '' });
    var sweeperBox = el('input', { id: 'show-sweeper', type: 'checkbox' });
    sweeperBox.checked = showSweeper;
    var sweeperSwitch = el('label', { class: 'switch', title: 'the recovery sweeper runs every few seconds; its passes are hidden unless this is on' }, sweeperBox, 'show sweeper passes');
    function go(changes) {
      if (traceInput.value.trim()) { openTrace(traceInput.value.trim()); return; }
      var q = new URLSearchParams();
      var values = {
        service: serviceSelect.value, lookback: lookbackSelect.value,
        tagText: tagInput.value.trim(), minDuration: minInput.value.trim(), sort: sort, offset: '0', sweeper: sweeperBox.checked ? 'show' : '',
      };
      Object.keys(changes || {}).forEach(function (k) { values[k] = changes[k]; });
      Object.keys(values).forEach(function (k) { if (values[k] && !(k === 'offset' && values[k] === '0') && !(k === 'sort' && values[k] === '-start')) q.set(k, values[k]); });
      location.search = q.toString();
    }
    serviceSelect.addEventListener('change', function () { go(); });
    lookbackSelect.addEventListener('change', function () { go(); });
    sweeperBox.addEventListener('change', function () { go(); });
    var form = el('form', { id: 'search', class: 'toolbar', onsubmit: function (e) { e.preventDefault(); go(); } },
      serviceSelect, lookbackSelect, traceInput, tagInput, minInput,
      el('button', { type: 'submit', text: 'Search' }),
      el('button', { type: 'button', text: 'Refresh', onclick: function () { location.reload(); } }),
      sweeperSwitch);
    var headRow = el('tr', null, el('th', { text: 'Root operation' }), el('th', { text: 'Services' }));
    Object.keys(SORTABLE).forEach(function (key) {
      var active = sort.replace('-', '') === key, descending = sort.charAt(0) === '-';
      var th = el('th', { class: 'sortable', 'data-sort': key, 'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none', title: 'sort by ' + SORTABLE[key].toLowerCase() },
        el('button', { type: 'button', class: 'sort', text: SORTABLE[key] + (active ? (descending ? ' ▼' : ' ▲') : '') }));
      th.addEventListener('click', function () { go({ sort: active && descending ? key : '-' + key, offset: '0' }); });
      headRow.appendChild(th);
    });
    var body = el('tbody');
    var table = el('table', { id: 'trace-list' }, el('thead', null, headRow), body);
    var status = el('p', { class: 'muted', id: 'list-status', text: 'Loading…' });
    var prev = el('button', { type: 'button', id: 'prev', text: '← newer', disabled: 'disabled', onclick: function () { go({ offset: String(Math.max(0, offset - PAGE)) }); } });
    var next = el('button', { type: 'button', id: 'next', text: 'older →', disabled: 'disabled', onclick: function () { go({ offset: String(offset + PAGE) }); } });
    var chart = el('div', { id: 'scatter-box' });
    show(el('div', null, el('h1', { text: 'Traces' }), form, chart, table, el('div', { class: 'toolbar pager' }, status, prev, next)));

    knownServices.forEach(function (s) { serviceSelect.appendChild(el('option', { value: s, text: s })); });
    serviceSelect.value = service;

    var q = new URLSearchParams({ limit: String(PAGE), offset: String(offset), lookback: lookback, sort: sort });
    if (service) q.set('service', service);
    if (params.get('minDuration')) q.set('minDuration', params.get('minDuration'));
    if (params.get('tagText')) q.set('tag', tagParam(params.get('tagText')));
    if (!showSweeper) SWEEPER_SERVICES.forEach(function (name) { q.append('hideService', name); });
    getJson('/api/traces?' + q.toString()).then(function (res) {
      if (res.data.length) chart.appendChild(scatter(res.data));
      var total = res.total, shown = res.data.length;
      if (!shown) status.textContent = offset ? 'No more traces.' : 'No traces match. Send some to the OTLP receivers, or widen the search.';
      else if (total > shown || offset) status.textContent = 'Traces ' + (offset + 1) + '–' + (offset + shown) + ' of ' + total;
      else status.textContent = plural(total, 'trace');
      if (offset > 0) prev.removeAttribute('disabled');
      if (offset + shown < total) next.removeAttribute('disabled');
      res.data.forEach(function (trace) {
        var rows = layout(trace), root = rows[0] && rows[0].span, bounds = traceBounds(trace);
        var colors = serviceColors(trace), counts = {}, errors = 0;
        trace.spans.forEach(function (s) {
          var name = trace.processes[s.processID].serviceName;
          counts[name] = (counts[name] || 0) + 1;
          if (isError(s)) errors++;
        });
        var services = el('td');
        Object.keys(counts).sort().forEach(function (name) { services.appendChild(chip(name + ' ' + counts[name], colors[name])); });
        var rootName = root ? trace.processes[root.processID].serviceName + ': ' + root.operationName : '?';
        body.appendChild(el('tr', { class: 'trace-row', 'data-trace-id': trace.traceID, 'data-status': errors ? 'error' : 'ok', 'data-duration-us': String(bounds.duration) },
          el('td', null, el('a', { href: '/trace/' + trace.traceID, text: rootName }), ' ',
            el('span', { class: 'mono muted', text: trace.traceID.slice(0, 8) })),
          services,
          el('td', { text: String(trace.spans.length) }),
          el('td', { class: 'status-cell' }, errors ? el('span', { class: 'err-badge', text: plural(errors, 'error') }) : el('span', { class: 'ok', text: 'ok' })),
          el('td', { class: 'duration-cell', text: fmtDuration(bounds.duration) }),
          el('td', { text: fmtTime(bounds.start) })));
      });
    }).catch(function (e) { status.textContent = ''; status.appendChild(el('span', { class: 'error-text', text: 'Cannot list traces: ' + e.message })); });
  }

  /* Duration over start time of the listed traces, one dot each (Jaeger's search page has the same). */
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    for (var i = 2; i < arguments.length; i++) node.appendChild(arguments[i]);
    return node;
  }
  function scatter(traces) {
    var W = 1000, H = 170, L = 64, R = 16, T = 12, B = 26;
    var points = traces.map(function (trace) {
      var rows = layout(trace), root = rows[0] && rows[0].span, bounds = traceBounds(trace);
      return { trace: trace, root: root, bounds: bounds, error: trace.spans.some(isError) };
    });
    var t0 = Infinity, t1 = -Infinity, top = 1;
    points.forEach(function (p) { t0 = Math.min(t0, p.bounds.start); t1 = Math.max(t1, p.bounds.start); top = Math.max(top, p.bounds.duration); });
    var span = Math.max(t1 - t0, 1);
    var x = function (us) { return t1 === t0 ? L + (W - L - R) / 2 : L + (us - t0) / span * (W - L - R); };
    var y = function (us) { return T + (1 - us / top) * (H - T - B); };
    var chart = svg('svg', { id: 'scatter', viewBox: '0 0 ' + W + ' ' + H, width: '100%', height: String(H), role: 'img', 'aria-label': 'trace duration over start time' });
    [0, 0.5, 1].forEach(function (f) {
      chart.appendChild(svg('line', { x1: String(L), x2: String(W - R), y1: String(y(top * f)), y2: String(y(top * f)) }));
      chart.appendChild(svg('text', { x: String(L - 6), y: String(y(top * f) + 4), 'text-anchor': 'end', text: fmtDuration(Math.round(top * f)) }));
    });
    chart.appendChild(svg('text', { x: String(L), y: String(H - 6), text: fmtTime(t0).slice(11, 19) }));
    if (t1 !== t0) chart.appendChild(svg('text', { x: String(W - R), y: String(H - 6), 'text-anchor': 'end', text: fmtTime(t1).slice(11, 19) }));
    points.forEach(function (p) {
      var service = p.root ? p.trace.processes[p.root.processID].serviceName : '?';
      var dot = svg('circle', {
        class: 'dot', 'data-trace-id': p.trace.traceID, 'data-duration-us': String(p.bounds.duration),
        cx: x(p.bounds.start).toFixed(1), cy: y(p.bounds.duration).toFixed(1), r: '5',
        fill: p.error ? '#d92d20' : colorOf(service),
      }, svg('title', { text: service + ': ' + (p.root ? p.root.operationName : '?') + ', ' + fmtDuration(p.bounds.duration) + (p.error ? ', error' : '') }));
      dot.addEventListener('click', function () { openTrace(p.trace.traceID); });
      chart.appendChild(dot);
    });
    return chart;
  }

  /* ---------- one trace as a waterfall ---------- */
  function renderTrace(traceId) {
    document.getElementById('where').textContent = 'trace ' + traceId;
    getJson('/api/traces/' + encodeURIComponent(traceId)).then(function (res) {
      drawTrace(res.data[0]);
    }).catch(function (e) { fail('Cannot load trace ' + traceId + ': ' + e.message); });
  }

  function drawTrace(trace) {
    var rows = layout(trace), bounds = traceBounds(trace), colors = serviceColors(trace), analysis = analyse(trace);
    var root = rows[0].span;
    document.title = trace.processes[root.processID].serviceName + ': ' + root.operationName;
    var legend = el('span');
    Object.keys(colors).forEach(function (s) { legend.appendChild(chip(s, colors[s])); });
    var axis = el('div', { class: 'axis' });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      axis.appendChild(el('span', { style: 'left:' + (f * 100) + '%', text: fmtDuration(Math.round(bounds.duration * f)) }));
    });
    var waterfall = el('div', { class: 'waterfall', id: 'waterfall' },
      el('div', { class: 'wf-head' }, el('div', { text: 'Service: operation' }), el('div', null, axis)));
    var selected = null;
    var byId = {}, descendants = {}, collapsed = {}, rowNodes = [];
    trace.spans.forEach(function (s) { byId[s.spanID] = s; });
    /* Rows are depth-first, so a row's descendants are the rows after it that are deeper. */
    rows.forEach(function (row, i) {
      var n = 0;
      for (var j = i + 1; j < rows.length && rows[j].depth > row.depth; j++) n++;
      descendants[row.span.spanID] = n;
    });
    function applyCollapse() {
      var hideBelow = -1;
      rowNodes.forEach(function (r) {
        var away = hideBelow >= 0 && r.depth > hideBelow;
        if (!away) hideBelow = collapsed[r.span.spanID] ? r.depth : -1;
        r.node.classList.toggle('collapsed-away', away);
      });
    }

    rows.forEach(function (row) {
      var s = row.span, service = trace.processes[s.processID].serviceName, error = isError(s);
      var left = (s.startTime - bounds.start) / bounds.duration * 100;
      var width = s.duration / bounds.duration * 100;
      var self = analysis.self[s.spanID], critical = analysis.critical[s.spanID] === true;
      /*
       * An asynchronous consumer starts after its producer has ended: that wait is the
       * message's time in the queue (publish acknowledged to push delivered), drawn dashed.
       */
      var parent = byId[parentOf(s) || ''], gap = null;
      if (parent && tagValue(s, 'span.kind') === 'consumer' && s.startTime > parent.startTime + parent.duration) {
        var gapStart = parent.startTime + parent.duration, delay = s.startTime - gapStart;
        var gapLeft = (gapStart - bounds.start) / bounds.duration * 100;
        gap = el('div', {
          class: 'queue-gap', title: 'queue delay: ' + fmtDuration(delay) + ' from the end of ' + parent.operationName + ' to the start of this span',
          style: 'left:' + gapLeft + '%;width:' + (delay / bounds.duration * 100) + '%',
        });
      }
      /* The delay leads the bar's label, which sits beside the bar, never over another label. */
      var label = el('span', { class: 'bar-label' },
        gap ? el('span', { class: 'queue-label', text: 'queue delay ' + fmtDuration(s.startTime - parent.startTime - parent.duration) }) : null,
        (gap ? ' · ' : '') + fmtDuration(s.duration) + (self < s.duration ? ' · self ' + fmtDuration(self) : ''));
      /* Right of the bar, or just left of it when there is no room right (over a queue delay's line; its label sits at the line's start). */
      if (left + width > 85) label.style.right = (100 - left + 0.5) + '%';
      else label.style.left = (left + width + 0.5) + '%';
      var below = descendants[s.spanID];
      var twisty = below ? el('button', { type: 'button', class: 'twisty', 'aria-expanded': 'true', 'aria-label': 'collapse ' + plural(below, 'span') + ' below', text: '▾' }) : el('span', { class: 'twisty-space' });
      var hiddenCount = el('span', { class: 'hidden-count' });
      var node = el('div', {
        class: 'span-row' + (error ? ' error' : '') + (critical ? ' critical' : ''), id: 'span-' + s.spanID,
        'data-self-us': String(self), 'data-critical': critical ? 'true' : 'false',
        'data-span-id': s.spanID, 'data-parent-span-id': parentOf(s) || '', 'data-service': service,
        'data-operation': s.operationName, 'data-depth': String(row.depth), 'data-status': error ? 'error' : (tagValue(s, 'otel.status_code') || 'unset').toLowerCase(),
        'data-queue-delay-us': gap ? String(s.startTime - parent.startTime - parent.duration) : null,
        role: 'button', tabindex: '0', title: service + ': ' + s.operationName,
      },
        el('div', { class: 'name', style: 'padding-left:' + (8 + row.depth * 16) + 'px' },
          twisty,
          el('span', { class: 'cp-mark', title: critical ? 'on the critical path' : '', text: critical ? '◆' : '' }),
          el('span', { class: 'svc', style: 'color:' + colors[service], text: service }),
          el('span', { class: 'op', text: s.operationName }),
          error ? el('span', { class: 'status error-text', text: '⚠ error' }) : null,
          hiddenCount),
        el('div', { class: 'lane' }, gap,
          el('div', { class: 'bar', style: 'left:' + left + '%;width:' + width + '%;background:' + colors[service] }), label));
      rowNodes.push({ node: node, span: s, depth: row.depth });
      if (below) twisty.addEventListener('click', function (e) {
        e.stopPropagation();
        var close = !collapsed[s.spanID];
        collapsed[s.spanID] = close;
        twisty.textContent = close ? '▸' : '▾';
        twisty.setAttribute('aria-expanded', close ? 'false' : 'true');
        twisty.setAttribute('aria-label', (close ? 'expand ' : 'collapse ') + plural(below, 'span') + ' below');
        hiddenCount.textContent = close ? '+' + below : '';
        node.setAttribute('data-collapsed', close ? 'true' : 'false');
        applyCollapse();
      });
      function toggle() {
        var open = waterfall.querySelector('.detail');
        if (open) open.remove();
        if (selected) selected.classList.remove('selected');
        if (selected === node) { selected = null; return; }
        selected = node;
        node.classList.add('selected');
        node.insertAdjacentElement('afterend', spanDetail(trace, s, service, bounds));
      }
      node.addEventListener('click', toggle);
      node.addEventListener('keydown', function (e) { if (e.target === node && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggle(); } });
      waterfall.appendChild(node);
    });

    var services = Object.keys(colors).length, errors = trace.spans.filter(isError).length;
    show(el('div', null,
      el('h1', { text: trace.processes[root.processID].serviceName + ': ' + root.operationName }),
      el('div', { class: 'summary muted' },
        el('span', { class: 'mono', text: 'trace ' + trace.traceID }),
        el('span', { text: 'started ' + fmtTime(bounds.start) }),
        el('span', { text: 'duration ' + fmtDuration(bounds.duration) }),
        el('span', { text: plural(trace.spans.length, 'span') + ', ' + plural(services, 'service') }),
        errors ? el('span', { class: 'err-badge', text: plural(errors, 'error') }) : null,
        el('a', { id: 'download-json', href: '/api/traces/' + trace.traceID, download: 'trace-' + trace.traceID + '.json', text: 'Download JSON' }),
        legend),
      el('p', { class: 'muted legend-note' }, el('span', { class: 'cp-mark', text: '◆' }),
        ' critical path: the spans the first root span waited on, end to end. “self”: time in a span not covered by its children.',
        ' Dashed: queue delay, a message waiting between its producer and its consumer. ▾ folds a subtree.'),
      waterfall));

    var wanted = /^#span-([0-9a-f]+)$/.exec(location.hash);
    var target = wanted && document.getElementById('span-' + wanted[1]);
    if (target) { target.click(); target.scrollIntoView({ block: 'center' }); }
  }

  function kvTable(entries) {
    var body = el('tbody');
    entries.forEach(function (t) {
      body.appendChild(el('tr', null, el('td', { class: 'k mono', text: t.key }), el('td', { class: 'mono', text: String(t.value) })));
    });
    return el('table', null, body);
  }

  function spanDetail(trace, s, service, bounds) {
    var parts = [
      el('div', null, el('strong', { text: service + ': ' + s.operationName }), ' ',
        el('span', { class: 'mono muted', text: 'span ' + s.spanID }), ' ',
        el('span', { class: 'muted', text: '+' + fmtDuration(s.startTime - bounds.start) + ', ' + fmtDuration(s.duration) + ', self ' + fmtDuration(analyse(trace).self[s.spanID]) })),
      el('h3', { text: 'Tags' }), kvTable(s.tags),
    ];
    if (s.logs.length) {
      parts.push(el('h3', { text: 'Events' }));
      var events = el('tbody');
      s.logs.forEach(function (log) {
        events.appendChild(el('tr', { class: 'event' },
          el('td', { class: 'k', text: '+' + fmtDuration(log.timestamp - bounds.start) }),
          el('td', null, kvTable(log.fields))));
      });
      parts.push(el('table', null, events));
    }
    if (s.references.length) {
      parts.push(el('h3', { text: 'References' }));
      var refs = el('tbody');
      s.references.forEach(function (r) {
        var same = r.traceID === s.traceID;
        var href = same ? '#span-' + r.spanID : '/trace/' + r.traceID + '#span-' + r.spanID;
        var text = (r.refType === 'CHILD_OF' ? 'parent ' : 'link to ') + 'span ' + r.spanID + (same ? '' : ' in trace ' + r.traceID);
        var link = el('a', { href: href, class: 'mono ref', 'data-ref-type': r.refType, text: text });
        if (same) link.addEventListener('click', function (e) {
          var row = document.getElementById('span-' + r.spanID);
          if (row) { e.preventDefault(); row.click(); row.scrollIntoView({ block: 'center' }); }
        });
        refs.appendChild(el('tr', null, el('td', { class: 'k', text: r.refType }), el('td', null, link)));
      });
      parts.push(el('table', null, refs));
    }
    var process = trace.processes[s.processID];
    if (process.tags.length) parts.push(el('h3', { text: 'Process' }), kvTable(process.tags));
    var detail = el('div', { class: 'detail', id: 'span-detail', 'data-span-id': s.spanID });
    parts.forEach(function (p) { detail.appendChild(p); });
    return detail;
  }

  function safeDecode(text) { try { return decodeURIComponent(text); } catch (e) { return text; } }
  function route() {
    var pathMatch = /^\\/trace\\/([^/]+)\\/?$/.exec(location.pathname);
    var hashMatch = /^#\\/trace\\/([0-9a-fA-F]+)/.exec(location.hash);
    if (pathMatch) renderTrace(safeDecode(pathMatch[1]));
    else if (hashMatch) renderTrace(hashMatch[1]);
    else renderList();
  }
  getJson('/api/services').then(function (res) { knownServices = res.data; }, function () { /* colours fall back to a hash */ }).then(route);
})();
</script>
</body>
</html>
`;
