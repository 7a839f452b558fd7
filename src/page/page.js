'use strict';

// The Socktech front page. Everything that comes from events, emails or errors is rendered as
// text nodes (append/textContent), never parsed as HTML.

const POLL_MS = 1000;

const view = {
  status: 'running',
  filter: {},
  pageTokens: [null],
  page: 0,
  selected: null,
  detail: null,
};

const $ = (id) => document.getElementById(id);

/** An element with properties and children; string children become text, never markup. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : {},
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const problems = body.problems ? `: ${body.problems.join('; ')}` : '';
    throw new Error(`${body.error ?? `HTTP ${res.status}`}${problems}`);
  }
  return body;
}

function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const time = date.toLocaleTimeString([], { hour12: false });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

function formatDuration(fromIso, toIso) {
  if (!fromIso) return '';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const units = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n} ${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}

function badge(state, label = state) {
  return el('span', { className: `badge ${state}` }, label);
}

/** The list's status, and Temporal's own when it says more (terminated, canceled…). */
function statusBadge(run) {
  const own = run.temporalStatus.toLowerCase().replace('_', ' ');
  return badge(run.status, own === run.status ? run.status : `${run.status} · ${own}`);
}

// Runs list

/** The list's filters as query parameters; empty ones left out. */
function filterParams(extra = {}) {
  const all = { ...view.filter, ...extra };
  return new URLSearchParams(Object.entries(all).filter(([, value]) => value));
}

async function refreshCounts() {
  const counts = await api(`/v1/runs/counts?${filterParams()}`);
  for (const node of document.querySelectorAll('[data-count]')) {
    node.textContent = String(counts[node.dataset.count]);
  }
}

function listParams() {
  const pageToken = view.pageTokens[view.page];
  return filterParams({ status: view.status, pageSize: '20', pageToken }).toString();
}

async function refreshList() {
  const params = listParams();
  const { runs, nextPageToken } = await api(`/v1/runs?${params}`);
  // The tab, page or filter changed meanwhile: the refresh that follows shows the new list.
  if (params !== listParams()) return;
  view.pageTokens[view.page + 1] = nextPageToken;
  $('older').disabled = !nextPageToken;
  $('newer').disabled = view.page === 0;
  $('no-runs').hidden = runs.length > 0;
  $('runs').replaceChildren(...runs.map(runRow));
}

function runRow(run) {
  const selected = view.selected?.runId === run.runId;
  const row = el(
    'tr',
    {
      tabIndex: 0,
      className: selected ? 'selected' : '',
      'data-workflow-id': run.workflowId,
      'data-run-id': run.runId,
    },
    el('td', {}, run.flowName ?? run.flowId ?? '?'),
    el('td', {}, run.email ?? ''),
    el('td', { className: 'nowrap' }, formatTime(run.startTime)),
    el('td', { className: 'nowrap' }, formatDuration(run.startTime, run.closeTime)),
    el('td', {}, statusBadge(run)),
  );
  const open = () => select({ workflowId: run.workflowId, runId: run.runId });
  row.addEventListener('click', open);
  row.addEventListener('keydown', (e) => e.key === 'Enter' && open());
  return row;
}

function firstPage() {
  view.pageTokens = [null];
  view.page = 0;
  $('runs').replaceChildren();
}

function showTab(status) {
  view.status = status;
  firstPage();
  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.setAttribute('aria-selected', String(tab.dataset.status === status));
  }
  refresh();
}

// One run

function select(run) {
  view.selected = run;
  view.detail = null;
  $('action-result').textContent = '';
  refresh();
}

async function refreshDetail() {
  const { selected, detail } = view;
  // A closed run no longer changes: fetch it once its progress is known.
  if (!selected || (detail && detail.run.status !== 'running' && !detail.progressError)) return;
  const query = selected.runId ? `?runId=${encodeURIComponent(selected.runId)}` : '';
  const fresh = await api(`/v1/runs/${encodeURIComponent(selected.workflowId)}${query}`);
  if (view.selected !== selected) return;
  view.detail = fresh;
  view.selected = { workflowId: fresh.run.workflowId, runId: fresh.run.runId };
  renderDetail(fresh);
}

function renderDetail({ run, event, nodes, edges, failure, exit, progressError, temporalUi }) {
  $('detail').hidden = false;
  $('detail-title').textContent = `${run.flowName ?? run.flowId} · ${run.email ?? ''}`;
  $('user-link').hidden = !run.email;
  $('user-link').href = `#user=${encodeURIComponent(run.email ?? '')}`;
  const link = $('temporal-ui');
  link.hidden = !temporalUi;
  if (temporalUi) link.href = temporalUi;
  $('cancel').hidden = run.status !== 'running';
  $('rerun').hidden = run.status !== 'failed';

  const fact = (name, ...value) => [el('dt', {}, name), el('dd', {}, ...value)];
  $('facts').replaceChildren(
    ...fact('Status', statusBadge(run)),
    ...fact('Started', formatTime(run.startTime)),
    ...fact('Duration', formatDuration(run.startTime, run.closeTime)),
    ...fact('Workflow ID', el('code', {}, run.workflowId)),
    ...fact('Run ID', el('code', {}, run.runId)),
    ...(temporalUi ? [] : fact('Temporal Web UI', 'set TEMPORAL_UI_URL to link runs to it')),
  );
  const problem = failure ? `Failed at node ${failure.node}: ${failure.message}` : progressError;
  $('failure').textContent = problem ?? '';
  $('timeline').replaceChildren(
    ...nodes.map((node) => timelineRow(node, run)),
    ...(exit ? [exitRow(exit)] : []),
  );
  flowGraph.draw($('run-graph'), { trigger: event.name, nodes, edges });
  $('event').replaceChildren(
    el('span', { className: 'event-name' }, `${event.name}${event.id ? ` · id ${event.id}` : ''}`),
    '\n',
    JSON.stringify(event.properties, null, 2),
  );
}

/** One node. A node of a closed run that never ended was stopped with the run. */
function timelineRow(node, run) {
  const stopped = run.closeTime && node.startedAt && !node.endedAt;
  const details = [];
  if (node.fromEarlierRun) details.push(el('span', { className: 'tag' }, 'from earlier run'));
  if (stopped) details.push(el('span', { className: 'tag' }, 'stopped when the run ended'));
  if (node.outcome) details.push(el('span', {}, `outcome ${node.outcome}`));
  if (node.properties) {
    details.push(el('span', {}, `received ${JSON.stringify(node.properties)}`));
  }
  if (node.windowOpensAt) {
    const until = formatTime(node.windowOpensAt);
    const waiting = node.state === 'waiting' && !stopped;
    details.push(
      el('span', {}, `${waiting ? 'waiting' : 'waited'} for send window until ${until}`),
    );
  }
  if (node.limit && !stopped) {
    details.push(
      el('span', {}, `waiting for ${node.limit.by} until ${formatTime(node.limit.until)}`),
    );
  }
  if (node.nextAttemptAt && !stopped) {
    details.push(el('span', {}, `next attempt ${formatTime(node.nextAttemptAt)}`));
  }
  if (node.lastError) details.push(el('span', { className: 'error' }, node.lastError));
  const took = node.startedAt ? formatDuration(node.startedAt, node.endedAt ?? run.closeTime) : '';
  return el(
    'tr',
    { 'data-node': node.id },
    el('td', { className: 'num' }, String(node.level)),
    el(
      'td',
      { className: 'nowrap' },
      el('code', {}, node.id),
      el('span', { className: 'type' }, node.type),
    ),
    el('td', {}, badge(node.state)),
    // Only emails and webhooks make attempts; a wait, delay or branch has none to count.
    el('td', { className: 'num' }, node.attempts > 0 ? String(node.attempts) : '–'),
    el('td', { className: 'nowrap' }, formatTime(node.startedAt)),
    el('td', { className: 'nowrap' }, took),
    el('td', { className: 'details' }, ...details),
  );
}

/** The event that ended the run by an exit rule, after the nodes it stopped. */
function exitRow({ event, at }) {
  return el(
    'tr',
    { className: 'exit', 'data-exit': event.name, title: event.id ? `event id ${event.id}` : '' },
    el('td', { className: 'num' }, '–'),
    el(
      'td',
      { className: 'nowrap' },
      el('code', {}, event.name),
      el('span', { className: 'type' }, 'exit event'),
    ),
    el('td', {}, badge('exited')),
    el('td', { className: 'num' }, '–'),
    el('td', { className: 'nowrap' }, formatTime(at)),
    el('td', {}, ''),
    el('td', { className: 'details' }, `ended the run: ${JSON.stringify(event.properties)}`),
  );
}

/** Cancel or rerun the selected run; a rerun is a new run, shown in its place. */
async function act(action) {
  const { workflowId } = view.selected;
  const result = $('action-result');
  try {
    const reply = await api(`/v1/runs/${encodeURIComponent(workflowId)}/${action}`, {
      method: 'POST',
    });
    select({ workflowId, runId: reply.runId });
    result.textContent =
      action === 'rerun'
        ? `Rerun started as a new run; it skips ${reply.resumed.length} node(s) completed earlier.`
        : 'Cancel requested.';
  } catch (err) {
    result.textContent = err.message;
  }
}

// Trigger

async function loadFlows() {
  const { flows } = await api('/v1/flows');
  const option = (f) => el('option', { value: f.id }, `${f.name} (${f.id})`);
  $('filter-flow').replaceChildren(el('option', { value: '' }, 'All flows'), ...flows.map(option));
  const select = $('flow');
  select.replaceChildren(...flows.map(option));
  if (flows.some((f) => f.id === 'quick-demo')) select.value = 'quick-demo';
  const describe = () => {
    const flow = flows.find((f) => f.id === select.value);
    $('flow-shape').textContent = flow
      ? `${flow.trigger.event} → ${flow.levels.map((level) => level.join(' + ')).join(' → ')}`
      : '';
    $('flow-features').replaceChildren(...(flow ? featureLines(flow) : []));
  };
  select.addEventListener('change', describe);
  describe();
}

/** One line per journey feature of the flow: exit rules, splits, send windows, caps. */
function featureLines(flow) {
  const lines = (flow.exitOn ?? []).map((rule) => {
    const same = rule.match ? ` for the same ${rule.match}` : '';
    const where = Object.keys(rule.where).length > 0 ? ` where ${JSON.stringify(rule.where)}` : '';
    return ['exit', `Exits on ${rule.event}${same}${where}`];
  });
  if (flow.frequencyCap) {
    const cap = capText(flow.frequencyCap);
    lines.push(['cap', `Marketing emails capped at ${cap} per user, across all flows`]);
  }
  for (const node of flow.nodes) {
    if (node.paths) {
      const total = Object.values(node.paths).reduce((sum, weight) => sum + weight, 0);
      const shares = Object.entries(node.paths).map(
        ([path, weight]) => `${path} ${Math.round((weight / total) * 100)} %`,
      );
      lines.push(['split', `Split ${node.id}: ${shares.join(', ')} (runs per path on /metrics)`]);
    }
    if (node.window) {
      const { days, from, to } = node.window;
      const zone = flow.timezone ?? 'UTC';
      lines.push([
        'window',
        `${node.id} sends ${days.join(' ')} ${from}–${to}, in the user's time zone (else ${zone})`,
      ]);
    }
    if (node.frequencyCap || node.onCap) {
      const own = node.frequencyCap ? ` capped at ${capText(node.frequencyCap)};` : '';
      const over = node.onCap === 'delay' ? 'waits until the cap allows it' : 'is skipped (capped)';
      lines.push(['cap', `${node.id}${own} over the cap, ${over}`]);
    }
  }
  return lines.map(([feature, text]) => el('li', { 'data-feature': feature }, text));
}

/** `{ max: 3, perMs: 604800000 }` → `3 in 7d`, in the largest unit that divides it. */
function capText({ max, perMs }) {
  const units = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const [unit, ms] = units.find(([, ms]) => perMs % ms === 0) ?? ['ms', 1];
  return `${max} in ${perMs / ms}${unit}`;
}

async function trigger(e) {
  e.preventDefault();
  const flowId = $('flow').value;
  const email = $('email').value.trim() || `demo+${Date.now()}@example.com`;
  const result = $('trigger-result');
  result.textContent = '';
  try {
    const reply = await api(`/v1/flows/${encodeURIComponent(flowId)}/trigger`, {
      method: 'POST',
      body: JSON.stringify({ email }),
    });
    const match = reply.matched.find((m) => m.flowId === flowId);
    const others = reply.matched.filter((m) => m !== match).map((m) => m.flowId);
    const also = others.length > 0 ? ` The event also matched: ${others.join(', ')}.` : '';
    if (!match) {
      result.textContent = `The sample event ${reply.event.name} does not trigger this flow.${also}`;
      return;
    }
    const said = {
      started: `Started a run for ${email}.`,
      duplicate: `No new run: ${email} already has one and the flow's reentry refuses another.`,
      filtered: "No run: the sample's properties do not pass the trigger's where filter.",
      invalid: `No run: ${match.reason}.`,
      error: `No run: ${match.reason}`,
    };
    result.textContent = said[match.outcome] + also;
    if (match.outcome !== 'started' && match.outcome !== 'duplicate') return;
    select({ workflowId: match.workflowId, runId: match.runId });
    if (match.outcome === 'started') showTab('running');
  } catch (err) {
    result.textContent = err.message;
  }
}

// Polling

let refreshing = null;

/** One refresh at a time; a refresh asked for meanwhile runs right after. */
function refresh() {
  if (refreshing) {
    refreshing.again = true;
    return;
  }
  refreshing = { again: false };
  Promise.all([refreshCounts(), refreshList(), refreshDetail()])
    .then(() => {
      $('poll-error').textContent = '';
      $('updated').textContent = `; last at ${formatTime(new Date().toISOString())}.`;
    })
    .catch((err) => {
      $('poll-error').textContent = `Update failed: ${err.message}`;
    })
    .finally(() => {
      const again = refreshing.again;
      refreshing = null;
      if (again) refresh();
    });
}

function poll() {
  if (document.visibilityState === 'visible') refresh();
  setTimeout(poll, POLL_MS);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
});

for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => showTab(tab.dataset.status));
}
$('older').addEventListener('click', () => {
  view.page++;
  refresh();
});
$('newer').addEventListener('click', () => {
  view.page--;
  refresh();
});
$('filters').addEventListener('change', () => {
  const email = $('filter-email');
  if (!email.checkValidity()) return;
  view.filter = { flowId: $('filter-flow').value, email: email.value.trim() };
  firstPage();
  refresh();
});
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('cancel').addEventListener('click', () => act('cancel'));
$('rerun').addEventListener('click', () => act('rerun'));
$('trigger').addEventListener('submit', trigger);
loadFlows().catch((err) => {
  $('trigger-result').textContent = `Cannot load flows: ${err.message}`;
});
poll();
