'use strict';
// The hub's dashboard. It reads the REST API and follows the event bus (/api/events) to learn which panel changed:
// a panel is fetched when the page opens, when an event says it changed (debounced), after an action on it, and
// after the event stream reconnects (events may have been missed meanwhile). Nothing polls the hub.
// Streams are read with fetch, not EventSource, so that they carry the API token like every other request.

const TOKEN_KEY = 'trinity.api-token';
const REFRESH_DEBOUNCE_MS = 250;
const FEED_SIZE = 200;
const LOG_LINES = 500;
const JOB_LIMIT = 50;
const VERSIONS_SHOWN = 5;
// A browser opens at most 6 connections to one host: the event feed and a log tail take two of them.
const MAX_JOB_STREAMS = 2;
const RECONNECT_MAX_MS = 30000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const $ = (selector) => document.querySelector(selector);

// ---- elements -------------------------------------------------------------------------------------------------

/** An element with attributes (on* keys are listeners) and children (strings become text, never HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

function badge(text, tone) {
  return h('span', { class: 'badge ' + (tone || '') }, text ?? '—');
}

function button(label, action, options = {}) {
  return h('button', {
    type: 'button', class: options.danger ? 'danger' : '', disabled: options.disabled,
    dataset: { action: options.name || label }, title: options.title,
    onclick: async (event) => {
      event.stopPropagation();
      const target = event.currentTarget;
      target.disabled = true;
      try {
        await action();
      } catch (error) {
        report(error);
      } finally {
        target.disabled = false;
      }
    },
  }, label);
}

function emptyRow(columns, text) {
  return h('tr', {}, h('td', { colspan: columns, class: 'empty' }, text));
}

const TONES = {
  running: 'good', healthy: 'good', completed: 'good', adopted: 'good', CLOSED: 'good', started: 'good',
  starting: 'info', queued: 'info', stopping: 'info', HALF_OPEN: 'warn', degraded: 'warn', backoff: 'warn',
  cancelled: 'warn', stopped: '', failed: 'bad', unhealthy: 'bad', unavailable: 'bad', OPEN: 'bad', critical: 'bad',
};

// ---- formatting -----------------------------------------------------------------------------------------------

function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + String(s % 60).padStart(2, '0') + 's';
  if (s < 86400) return Math.floor(s / 3600) + 'h ' + String(Math.floor(s / 60) % 60).padStart(2, '0') + 'm';
  return Math.floor(s / 86400) + 'd ' + Math.floor(s / 3600) % 24 + 'h';
}

function clock(time) {
  if (!time) return '—';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

function number(value, digits = 3) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(digits) : String(value);
}

function detailText(detail) {
  if (detail === null || detail === undefined || detail === '') return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

/** Uptime shown by the page itself: it counts on from what the hub said, without asking again. */
function uptimeCell(startedAt) {
  if (startedAt === null || startedAt === undefined) return h('td', {}, '—');
  return h('td', { dataset: { startedAt: String(startedAt), field: 'uptime' } }, duration((Date.now() - startedAt) / 1000));
}

/** When, by this browser's clock, something started that the hub said is `uptimeSeconds` old at `answeredAt`. */
function startedAt(uptimeSeconds, answeredAt) {
  return uptimeSeconds === null || uptimeSeconds === undefined ? null : answeredAt - uptimeSeconds * 1000;
}

function tickUptimes() {
  for (const cell of document.querySelectorAll('[data-started-at]')) {
    cell.textContent = duration((Date.now() - Number(cell.dataset.startedAt)) / 1000);
  }
}

// ---- talking to the hub ---------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, error, detail) {
    super(detailText(detail) ? error + ': ' + detailText(detail) : error);
    this.status = status;
  }
}

class HubUnreachable extends Error {
  constructor() {
    super('hub not reachable at ' + location.origin + ' (is it running?)');
  }
}

const connection = {
  down: false,
  unreachable() {
    this.down = true;
    const banner = $('#banner');
    banner.textContent = new HubUnreachable().message;
    banner.hidden = false;
    setConnection('down', 'hub down');
  },
  reachable() {
    if (!this.down) return;
    this.down = false;
    $('#banner').hidden = true;
  },
};

function setConnection(state, text) {
  const element = $('#connection');
  element.dataset.state = state;
  element.textContent = text;
}

function authorization() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

/** The answer as JSON, or an ApiError with the hub's {"error", "detail"}; `accept` lists other statuses that carry a body. */
async function api(path, { method = 'GET', body, accept = [] } = {}) {
  const headers = authorization();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = parseJson(await response.text());
  if (!response.ok && !accept.includes(response.status)) throw failure(response, json);
  if (!json || typeof json !== 'object') throw new ApiError(response.status, 'unexpected answer', path + ' did not answer JSON');
  return json;
}

/** fetch, telling the page whether the hub answers; a 401 asks for the token. */
async function send(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    connection.unreachable();
    throw new HubUnreachable();
  }
  // A 503 that is not the API's own JSON error comes from an HTTP server whose routes are stopping or not started.
  if (response.status === 503 && !(response.headers.get('Content-Type') || '').includes('json')) {
    connection.unreachable();
    throw new HubUnreachable();
  }
  connection.reachable();
  if (response.status === 401) {
    tokenForm.ask();
    throw new ApiError(401, 'unauthorized', 'the hub wants its API token');
  }
  return response;
}

function failure(response, json) {
  return new ApiError(response.status, json?.error ?? 'HTTP ' + response.status, json?.detail);
}

/**
 * Reads a Server-Sent Events stream until the hub ends it, calling onEvent({id, event, data}) per frame; rejects
 * when it cannot be opened or breaks off. Abort it with `signal`.
 */
async function readStream(path, { onOpen, onEvent, signal, lastEventId }) {
  const headers = { ...authorization(), Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  const response = await send(path, { headers, signal, cache: 'no-store' });
  if (!response.ok) throw failure(response, parseJson(await response.text()));
  if (onOpen) onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let frame = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        if (frame.data.length) onEvent({ id: frame.id, event: frame.event || 'message', data: frame.data.join('\n') });
        frame = { data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') frame.data.push(text);
        else if (field === 'id') frame.id = text;
        else if (field === 'event') frame.event = text;
      }
    }
  }
}

/** JSON text as its value; anything else as it is (an event's data need not be JSON). */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    return text;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- messages -------------------------------------------------------------------------------------------------

function toast(text, tone = '') {
  const element = h('div', { class: 'toast ' + tone }, text);
  $('#toasts').append(element);
  setTimeout(() => element.remove(), 6000);
}

/** A failure for the user: one line, never a stack trace. A down hub already shows its banner. */
function report(error) {
  if (error instanceof HubUnreachable || error?.status === 401) return;
  toast(error instanceof ApiError ? error.message : 'unexpected: ' + (error?.message || error), 'error');
}

const tokenForm = {
  given: null,
  resolve: null,
  ask() {
    const form = $('#token-form');
    if (!this.given) this.given = new Promise((resolve) => { this.resolve = resolve; });
    if (sessionStorage.getItem(TOKEN_KEY)) {
      $('#token-message').textContent = 'the hub refused this token (401): enter it again';
    }
    if (form.hidden) {
      form.hidden = false;
      setConnection('down', 'token needed');
      $('#token-input').focus();
    }
    return this.given;
  },
  submit(event) {
    event.preventDefault();
    const token = $('#token-input').value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('#token-form').hidden = true;
    $('#token-message').textContent = '';
    const resolve = this.resolve;
    this.given = null;
    if (resolve) resolve();
    refreshAll();
  },
};

// ---- panels ---------------------------------------------------------------------------------------------------

const state = { health: null, services: [], jobs: [], models: [], queues: [] };

/** How each panel fetches and draws itself; `refresh(name)` asks for one, coalescing bursts of events. */
const panels = {
  health: loadHealth,
  services: loadServices,
  jobs: loadJobs,
  jobDetail: loadJobDetail,
  models: loadModels,
  queues: loadQueues,
  dlq: loadDeadLetters,
};

const refreshes = new Map();

function refresh(name) {
  const pending = refreshes.get(name);
  if (pending) {
    // Asked again while it loads: once more afterwards, for what changed meanwhile.
    if (pending.loading) pending.again = true;
    return;
  }
  const entry = { loading: false, again: false };
  refreshes.set(name, entry);
  setTimeout(async () => {
    entry.loading = true;
    try {
      await panels[name]();
    } catch (error) {
      report(error);
    } finally {
      refreshes.delete(name);
      if (entry.again) refresh(name);
    }
  }, REFRESH_DEBOUNCE_MS);
}

function refreshAll() {
  Object.keys(panels).forEach(refresh);
}

// -- hub health, breakers

async function loadHealth() {
  state.health = await api('/api/health', { accept: [503] });
  state.hubStartedAt = startedAt(state.health.uptime_s, Date.now());
  renderHealth();
}

function renderHealth() {
  const health = state.health;
  if (!health) return;
  const summary = $('#hub-summary');
  summary.replaceChildren(
    h('span', {}, 'status ', badge(health.status, TONES[health.status])),
    h('span', {}, 'broker ', badge(health.broker?.state, TONES[health.broker?.state])),
    h('span', {}, 'version ', h('strong', {}, health.version)),
    h('span', {}, 'uptime ', h('strong', { dataset: { startedAt: String(state.hubStartedAt) } },
      duration(health.uptime_s))),
    ...(health.reasons?.length ? [h('span', { class: 'reasons' }, health.reasons.join('; '))] : []),
  );
  const breakers = Object.entries(health.breakers || {});
  $('#breakers tbody').replaceChildren(...(breakers.length ? breakers.map(([name, breaker]) => h('tr',
    { dataset: { breaker: name } },
    h('td', {}, name),
    h('td', {}, badge(breaker.state, TONES[breaker.state])),
    h('td', {}, breaker.failure_rate === null ? '—' : number(breaker.failure_rate, 1) + '%'),
    h('td', {}, breaker.buffered_calls),
    h('td', {}, breaker.failed_calls),
    h('td', {}, breaker.not_permitted_calls),
  )) : [emptyRow(6, 'no circuit breakers')]));
}

// -- services

async function loadServices() {
  const services = await api('/api/services?all=true');
  const answeredAt = Date.now();
  for (const service of services) {
    service.startedAt = service.supervision ? startedAt(service.supervision.uptime_s, answeredAt)
      : service.process_started_at ? service.process_started_at * 1000 : null;
  }
  state.services = services;
  renderServices();
}

function renderServices() {
  const rows = state.services.map((service) => {
    const supervision = service.supervision;
    const name = service.service_name;
    const isHub = service.metadata?.role === 'hub';
    const alive = supervision && ['starting', 'running', 'adopted', 'backoff'].includes(supervision.state);
    const stateText = supervision ? supervision.state : isHub ? 'hub' : 'registered';
    const lastExit = supervision && (supervision.last_exit_code !== null || supervision.reason)
      ? [supervision.last_exit_code === null ? '' : 'exit ' + supervision.last_exit_code, supervision.reason || '']
        .filter(Boolean).join(', ') : '—';
    return h('tr', { class: 'clickable', dataset: { service: name }, onclick: () => logTail.open(name) },
      h('td', {}, h('strong', {}, name)),
      h('td', { dataset: { field: 'state' } }, badge(stateText, TONES[stateText])),
      h('td', { dataset: { field: 'health' } }, service.status ? badge(service.status, TONES[service.status]) : '—'),
      h('td', { class: 'mono', dataset: { field: 'pid' } }, (supervision ? supervision.pid : service.pid) ?? '—'),
      uptimeCell(isHub && state.hubStartedAt ? state.hubStartedAt : service.startedAt),
      h('td', { dataset: { field: 'restarts' } }, supervision ? supervision.restarts : '—'),
      h('td', { class: 'mono', title: supervision?.reason || '' }, lastExit.length > 48 ? lastExit.slice(0, 47) + '…' : lastExit),
      h('td', { class: 'actions' },
        supervision ? [
          button('start', () => serviceAction(name, 'start'), { disabled: alive }),
          button('stop', () => serviceAction(name, 'stop'), { disabled: !alive }),
          button('restart', () => serviceAction(name, 'restart')),
        ] : null,
        supervision ? button('logs', () => logTail.open(name)) : null),
    );
  });
  $('#services tbody').replaceChildren(...(rows.length ? rows : [emptyRow(8, 'no services')]));
}

async function serviceAction(name, action) {
  await api(`/api/services/${encodeURIComponent(name)}/${action}`, { method: 'POST' });
  toast(`${name}: ${action} requested`);
  refresh('services');
}

const logTail = {
  controller: null,
  open(name) {
    if (!state.services.find((s) => s.service_name === name)?.supervision) return;
    this.close();
    const controller = new AbortController();
    this.controller = controller;
    $('#log-service').textContent = name;
    const lines = $('#log-lines');
    lines.textContent = '';
    $('#log-tail').hidden = false;
    readStream(`/api/services/${encodeURIComponent(name)}/logs?follow=true&tail=100`, {
      signal: controller.signal,
      onEvent: (event) => this.append(event.data),
    }).then(() => this.append('(the hub ended the log stream)'))
      .catch((error) => {
        if (error.name !== 'AbortError') this.append('(log stream closed: ' + error.message + ')');
      });
  },
  append(line) {
    const lines = $('#log-lines');
    const atBottom = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
    lines.append(line + '\n');
    while (lines.childNodes.length > LOG_LINES) lines.firstChild.remove();
    if (atBottom) lines.scrollTop = lines.scrollHeight;
  },
  close() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    $('#log-tail').hidden = true;
  },
};

// -- training jobs

const jobStreams = new Map();
let selectedJob = null;

async function loadJobs() {
  state.jobs = await api('/api/training/jobs?limit=' + JOB_LIMIT);
  $('#jobs-shown').textContent = state.jobs.length === JOB_LIMIT ? `the newest ${JOB_LIMIT}` : '';
  renderJobs();
  followActiveJobs();
}

/** Opens the job stream (/api/training/stream/{id}) of active jobs, a few at a time; the event feed covers the rest. */
function followActiveJobs() {
  for (const job of state.jobs) {
    if (jobStreams.size >= MAX_JOB_STREAMS) return;
    if (TERMINAL.has(job.status) || jobStreams.has(job.job_id)) continue;
    const controller = new AbortController();
    jobStreams.set(job.job_id, controller);
    readStream(`/api/training/stream/${encodeURIComponent(job.job_id)}`, {
      signal: controller.signal,
      onEvent: (event) => applyJobEvent(parseJson(event.data)),
    }).catch(() => {
      // A broken job stream loses nothing: the event feed carries the same progress and transitions.
    }).finally(() => {
      jobStreams.delete(job.job_id);
      followActiveJobs();
    });
  }
}

/** A job's progress or transition, from its stream or the event feed, drawn at once without asking the hub. */
function applyJobEvent(event) {
  if (!event || typeof event !== 'object') return;
  const job = state.jobs.find((j) => j.job_id === event.job_id);
  if (!job) return;
  for (const field of ['status', 'progress', 'epoch', 'loss', 'attempt']) {
    if (event[field] !== undefined && event[field] !== null) job[field] = event[field];
  }
  renderJobs();
  if (selectedJob === job.job_id) refresh('jobDetail');
}

function progressBar(job) {
  const progress = Math.max(0, Math.min(1, job.progress || 0));
  const tone = job.status === 'completed' ? ' done' : job.status === 'failed' ? ' bad' : '';
  return h('span', { dataset: { field: 'progress', progress: progress.toFixed(4) } },
    h('span', { class: 'bar' + tone }, h('div', { style: `width: ${(progress * 100).toFixed(1)}%` })),
    h('span', { class: 'bar-label' }, Math.round(progress * 100) + '%'));
}

function renderJobs() {
  const rows = state.jobs.map((job) => h('tr', {
    class: 'clickable' + (selectedJob === job.job_id ? ' selected' : ''), dataset: { job: job.job_id },
    onclick: () => selectJob(job.job_id),
  },
  h('td', { class: 'mono' }, job.job_id),
  h('td', {}, job.model_type),
  h('td', { dataset: { field: 'status' } }, badge(job.status, TONES[job.status])),
  h('td', {}, progressBar(job)),
  h('td', {}, job.epoch ? `${job.epoch}/${job.epochs}` : '—'),
  h('td', {}, number(job.loss)),
  h('td', {}, job.attempt),
  h('td', {}, clock(job.created_at)),
  h('td', { class: 'actions' },
    TERMINAL.has(job.status) ? null : button('cancel', () => jobAction(job.job_id, 'cancel'), { danger: true }),
    job.status === 'failed' ? button('retry', () => jobAction(job.job_id, 'retry')) : null),
  ));
  $('#jobs tbody').replaceChildren(...(rows.length ? rows : [emptyRow(9, 'no training jobs yet')]));
}

async function jobAction(jobId, action) {
  await api(`/api/training/jobs/${encodeURIComponent(jobId)}/${action}`, { method: 'POST' });
  toast(`${jobId}: ${action} done`);
  refresh('jobs');
}

function selectJob(jobId) {
  selectedJob = selectedJob === jobId ? null : jobId;
  renderJobs();
  if (selectedJob) refresh('jobDetail');
  else $('#job-detail').hidden = true;
}

async function loadJobDetail() {
  if (!selectedJob) return;
  const job = await api('/api/training/jobs/' + encodeURIComponent(selectedJob));
  if (job.job_id !== selectedJob) return;
  const facts = [
    ['status', job.status], ['model', `${job.model_type}${job.model_id ? ` → ${job.model_id} v${job.model_version}` : ''}`],
    ['dataset', `${job.experiences ?? '?'} experiences (${job.source || 'unknown source'})`], ['attempt', job.attempt],
    ['reactor', job.reactor], ['detail', job.detail], ['error', job.error],
  ].filter(([, value]) => value !== undefined && value !== null && value !== '');
  const metrics = Object.entries(job.metrics || {});
  const history = (job.history || []).filter((event) => event.kind !== 'progress');
  $('#job-detail').replaceChildren(
    h('h3', {}, job.job_id),
    h('dl', { class: 'kv' }, facts.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, String(value))])),
    ...(metrics.length ? [h('h3', {}, 'metrics'),
      h('dl', { class: 'kv' }, metrics.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, number(value, 4))]))] : []),
    h('h3', {}, 'history'),
    h('table', {}, h('thead', {}, h('tr', {}, ['time', 'from', 'to', 'attempt', 'detail'].map((t) => h('th', {}, t)))),
      h('tbody', {}, history.map((event) => h('tr', {},
        h('td', {}, clock(event.ts)), h('td', {}, event.from_status || '—'),
        h('td', {}, badge(event.status, TONES[event.status])), h('td', {}, event.attempt),
        h('td', {}, detailText(event.detail)))))),
  );
  $('#job-detail').hidden = false;
}

// -- models

async function loadModels() {
  const versions = await api('/api/models');
  const ids = [...new Set(versions.map((version) => version.id))];
  state.models = await Promise.all(ids.map((id) => api('/api/models/' + encodeURIComponent(id))));
  renderModels();
}

function renderModels() {
  const content = $('#models .content');
  if (!state.models.length) {
    content.replaceChildren(h('p', { class: 'empty' }, 'no models yet: a completed training job adds one'));
    return;
  }
  content.replaceChildren(...state.models.map((model) => {
    const versions = model.versions.slice(0, VERSIONS_SHOWN);
    return h('div', { class: 'model', dataset: { model: model.id } },
      h('div', { class: 'model-head' },
        h('strong', {}, model.id), h('span', { class: 'muted' }, model.model_type),
        badge(model.deployed_version ? 'deployed v' + model.deployed_version : 'not deployed',
          model.deployed_version ? 'good' : ''),
        button('rollback', () => modelAction(model.id, 'rollback'), {
          disabled: (model.deployments || []).length < 2, title: 'deploy the version deployed before this one',
        })),
      h('table', {},
        h('thead', {}, h('tr', {}, ['version', 'created', 'accuracy', 'requests', 'errors', 'latency ms', 'rating', '']
          .map((t) => h('th', {}, t)))),
        h('tbody', {}, versions.map((version) => h('tr', { dataset: { version: String(version.version) } },
          h('td', {}, 'v' + version.version),
          h('td', {}, clock(version.created_at)),
          h('td', {}, number(version.metrics?.heldout_accuracy ?? version.metrics?.accuracy)),
          h('td', {}, version.usage?.requests ?? '—'),
          h('td', {}, version.usage?.errors ?? '—'),
          h('td', {}, number(version.usage?.latency_ms, 2)),
          h('td', {}, version.ratings?.count ? `${number(version.ratings.average, 2)} (${version.ratings.count})` : '—'),
          h('td', { class: 'actions' }, version.deployed ? badge('serving', 'good')
            : button('deploy', () => modelAction(model.id, 'deploy', { version: version.version })))))),
      ),
      model.versions.length > VERSIONS_SHOWN
        ? h('div', { class: 'muted' }, `${model.versions.length - VERSIONS_SHOWN} older versions`) : null,
    );
  }));
}

async function modelAction(id, action, body) {
  const record = await api(`/api/models/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
  toast(`${id}: v${record.version} ${action === 'deploy' ? 'deployed' : 'rolled back to'}`);
  refresh('models');
}

// -- queues and dead letters

let selectedQueue = null;

async function loadQueues() {
  state.queues = await api('/api/queues');
  const rows = state.queues.map((queue) => h('tr', { dataset: { queue: queue.name } },
    h('td', {}, h('strong', {}, queue.name)),
    h('td', { dataset: { field: 'depth' } }, queue.depth),
    h('td', {}, queue.in_flight),
    h('td', {}, queue.consumers),
    h('td', { dataset: { field: 'dlq' } }, badge(queue.dlq_depth, queue.dlq_depth > 0 ? 'bad' : '')),
    h('td', { class: 'actions' },
      button('browse', () => browseDeadLetters(queue.name), { disabled: !queue.dlq_depth, title: 'its dead letters' }),
      button('replay', () => deadLetterAction(queue.name, 'replay'), { disabled: !queue.dlq_depth }),
      button('purge', () => deadLetterAction(queue.name, 'purge'), { disabled: !queue.dlq_depth, danger: true })),
  ));
  $('#queues tbody').replaceChildren(...(rows.length ? rows : [emptyRow(6, 'no queues yet')]));
}

function browseDeadLetters(name) {
  selectedQueue = selectedQueue === name ? null : name;
  if (selectedQueue) refresh('dlq');
  else $('#dlq-detail').hidden = true;
}

async function loadDeadLetters() {
  if (!selectedQueue) return;
  const name = selectedQueue;
  const letters = await api(`/api/queues/${encodeURIComponent(name)}/dlq?limit=100`);
  $('#dlq-detail').replaceChildren(
    h('h3', {}, `dead letters of ${name}`),
    h('table', {},
      h('thead', {}, h('tr', {}, ['sent', 'message', 'reason', 'deliveries', 'body', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, letters.length ? letters.map((letter) => h('tr', { dataset: { message: letter.message_id } },
        h('td', {}, clock(letter.timestamp * 1000)),
        h('td', { class: 'mono' }, letter.message_id),
        h('td', {}, letter.failure_reason || '—'),
        h('td', {}, letter.delivery_count ?? '—'),
        h('td', { class: 'mono' }, detailText(letter.body).slice(0, 80)),
        h('td', { class: 'actions' },
          button('replay', () => deadLetterAction(name, 'replay', letter.message_id)),
          button('delete', () => deadLetterAction(name, 'purge', letter.message_id), { danger: true })),
      )) : [emptyRow(6, 'none')])),
  );
  $('#dlq-detail').hidden = false;
}

async function deadLetterAction(name, action, messageId) {
  const what = messageId ? 'this dead letter' : `every dead letter of ${name}`;
  if (action === 'purge' && !confirm(`Delete ${what}? This cannot be undone.`)) return;
  const query = messageId ? '?message_id=' + encodeURIComponent(messageId) : '';
  const base = `/api/queues/${encodeURIComponent(name)}/dlq`;
  const answer = action === 'replay'
    ? await api(base + '/replay' + query, { method: 'POST' })
    : await api(base + query, { method: 'DELETE' });
  toast(action === 'replay' ? `${name}: ${answer.replayed} replayed` : `${name}: ${answer.removed} removed`);
  refresh('queues');
  refresh('dlq');
}

// ---- the event feed: the one thing that tells the page what changed ------------------------------------------

/** Which panels an event's topic changes. */
const TOPIC_PANELS = [
  [/^service\./, ['services', 'health']],
  [/^registry\./, ['services']],
  [/^training\.job\./, ['jobs']],
  [/^training\.job\.completed$/, ['models']],
  [/^pipeline\./, ['jobs']],
  [/^model\./, ['models']],
  [/^breaker\./, ['health']],
];

/** The few fields that say what an event is about, else its JSON. */
function summary(data) {
  if (!data || typeof data !== 'object') return detailText(data);
  const parts = [];
  if (data.service_name) parts.push(data.service_name);
  if (data.job_id) parts.push(data.job_id);
  if (data.id !== undefined && data.version !== undefined) parts.push(`${data.id} v${data.version}`);
  if (data.model_id !== undefined && data.version !== undefined) parts.push(`${data.model_id} v${data.version}`);
  if (data.kind === 'progress' && data.progress !== undefined) parts.push(Math.round(data.progress * 100) + '%');
  else if (data.status) parts.push(data.status);
  if (data.pid) parts.push('pid ' + data.pid);
  if (data.exit_code !== undefined && data.exit_code !== null) parts.push('exit ' + data.exit_code);
  for (const key of ['state', 'reason', 'cause', 'detail']) {
    if (data[key] && typeof data[key] === 'string') parts.push(data[key]);
  }
  return parts.length ? parts.join(' · ') : detailText(data);
}

const feed = {
  lastId: null,
  connectedOnce: false,

  /** Shows the events the hub still holds, then follows live ones from there on: none is missed in between. */
  async start() {
    try {
      const recent = await api('/api/events/recent');
      recent.slice(-FEED_SIZE).forEach((event) => this.show(event.topic, event.data, event.time));
      // With none held yet, from id 0: an event published before the stream opens is still sent.
      this.lastId = recent.length ? String(recent[recent.length - 1].id) : '0';
    } catch (error) {
      report(error);
    }
    this.follow();
  },

  async follow() {
    let retryMs = 1000;
    for (;;) {
      try {
        await readStream('/api/events?topics=%23', {
          lastEventId: this.lastId,
          onOpen: () => {
            setConnection('live', 'live');
            retryMs = 1000;
            if (this.connectedOnce) refreshAll();
            this.connectedOnce = true;
          },
          onEvent: (event) => this.receive(event),
        });
      } catch (error) {
        if (error?.status === 401) {
          await tokenForm.ask();
          continue;
        }
        // A stream that breaks off says nothing by itself: the reconnect finds out whether the hub is gone.
        if (error instanceof ApiError) report(error);
      }
      if (!connection.down) setConnection('connecting', 'reconnecting');
      await sleep(retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    }
  },

  receive(event) {
    if (event.id) this.lastId = event.id;
    const data = parseJson(event.data);
    this.show(event.event, data, data?.ts);
    if (event.event === 'training.progress' || event.event.startsWith('training.job.')) {
      if (!jobStreams.has(data?.job_id)) applyJobEvent(data);
    }
    for (const [pattern, names] of TOPIC_PANELS) {
      if (pattern.test(event.event)) names.forEach(refresh);
    }
    if (selectedJob && data?.job_id === selectedJob) refresh('jobDetail');
  },

  show(topic, data, time) {
    const list = $('#event-feed');
    const when = typeof time === 'number' ? new Date(time * 1000) : time ? new Date(time) : new Date();
    list.prepend(h('li', { dataset: { topic } },
      h('span', { class: 'muted' }, Number.isNaN(when.getTime()) ? '' : when.toLocaleTimeString()),
      h('span', { class: 'topic', title: topic }, topic),
      h('span', { class: 'data', title: detailText(data) }, summary(data))));
    while (list.childElementCount > FEED_SIZE) list.lastElementChild.remove();
  },
};

// ---- start ----------------------------------------------------------------------------------------------------

async function start() {
  $('#token-form').addEventListener('submit', (event) => tokenForm.submit(event));
  $('#log-close').addEventListener('click', () => logTail.close());
  $('#queues-refresh').addEventListener('click', () => refresh('queues'));
  // Counts the shown uptimes on locally: no request to the hub.
  setInterval(tickUptimes, 1000);
  const first = ['health', 'services', 'jobs', 'models', 'queues'].map((name) => panels[name]().catch(report));
  feed.start();
  await Promise.all(first);
  renderServices();
  document.body.dataset.ready = 'true';
  performance.mark('dashboard-ready');
}

start();
