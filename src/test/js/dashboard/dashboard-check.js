// Drives the hub's dashboard in headless Debian chromium, as a user would, against a real hub.
// Usage: node dashboard-check.js HUB_URL WORK_DIR
//   The hub's reactor must run the test trainer as model type "test" (src/test/resources/trainers/test_trainer.py).
//   WORK_DIR gets the trainer's gate file and the screenshot dashboard.png.
// Checks: the page loads without console errors and shows the three services; a job submitted during the check
// shows its progress bar stop part-way and then reach completed; the dead letters of the queue "orders" (the hub
// holds two) can be browsed, replayed and purged; a restart button restarts a service (pid changes).
// Exits 0 when every check passed, 1 with the reason otherwise.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { launch, newPage, step, run } = require('./browser');

const [hubUrl, workDir] = process.argv.slice(2);
if (!hubUrl || !workDir) {
  console.error('usage: node dashboard-check.js HUB_URL WORK_DIR');
  process.exit(2);
}
const SERVICES = ['jarvis-body', 'jarvis-prime', 'reactor-core'];

async function post(pathname, body) {
  const response = await fetch(new URL(pathname, hubUrl), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${pathname}: ${response.status} ${text}`);
  return JSON.parse(text);
}

function experiences(count) {
  return Array.from({ length: count }, (_, i) => ({ input: `question ${i}`, output: `answer ${i}`, reward: 1.0 }));
}

async function serviceCell(page, service, field) {
  return page.locator(`#services tr[data-service="${service}"] [data-field="${field}"]`).innerText();
}

async function jobProgress(page, jobId) {
  const cell = page.locator(`#jobs tr[data-job="${jobId}"] [data-field="progress"]`);
  return Number(await cell.getAttribute('data-progress'));
}

async function main() {
  fs.mkdirSync(workDir, { recursive: true });
  const gate = path.join(workDir, 'gate');
  fs.rmSync(gate, { force: true });
  const browser = await launch();
  const consoleErrors = [];
  try {
    const page = await newPage(browser, consoleErrors);

    step('open ' + hubUrl);
    await page.goto(hubUrl);
    await page.waitForSelector('body[data-ready="true"]');
    for (const service of SERVICES) {
      await page.waitForSelector(`#services tr[data-service="${service}"]`);
    }
    for (const service of ['jarvis-prime', 'reactor-core']) {
      await page.waitForFunction((name) => document.querySelector(
        `#services tr[data-service="${name}"] [data-field="state"]`)?.innerText === 'running', service);
    }
    step('the three services are shown, the supervised two running');

    step('a job with a gated trainer: it reports epoch 1 of 3 and waits for ' + gate);
    const { job_id: jobId } = await post('/api/training/start', {
      experiences: experiences(6), model_type: 'test', epochs: 3, config: { mode: 'ok', gate },
    });
    const jobRow = `#jobs tr[data-job="${jobId}"]`;
    await page.waitForSelector(jobRow);
    await page.waitForFunction((row) => {
      const progress = Number(document.querySelector(`${row} [data-field="progress"]`)?.dataset.progress);
      return progress > 0 && progress < 1;
    }, jobRow);
    const partway = await jobProgress(page, jobId);
    step(`progress bar of ${jobId} at ${partway} while the trainer waits`);
    fs.writeFileSync(gate, 'go');
    await page.waitForFunction((row) =>
      document.querySelector(`${row} [data-field="status"]`)?.innerText === 'completed', jobRow);
    const finished = await jobProgress(page, jobId);
    if (finished !== 1) throw new Error(`${jobId} completed with its progress bar at ${finished}, not 1`);
    step(`${jobId} completed, progress bar full`);

    step('a job of the built-in trainer, whose model is deployed');
    const { job_id: retrievalJob } = await post('/api/training/start', { experiences: experiences(12), epochs: 4 });
    await page.waitForFunction((row) =>
      document.querySelector(`${row} [data-field="status"]`)?.innerText === 'completed', `#jobs tr[data-job="${retrievalJob}"]`);
    await page.waitForSelector('#models [data-model="retrieval"]');

    step('the log tail of reactor-core');
    await page.click('#services tr[data-service="reactor-core"] button[data-action="logs"]');
    await page.waitForFunction(() => document.querySelector('#log-lines')?.textContent.trim().length > 0);

    step('the two dead letters of the queue orders: browse, replay one, purge the other');
    const queueRow = '#queues tr[data-queue="orders"]';
    await page.waitForFunction((row) => document.querySelector(`${row} [data-field="dlq"]`)?.innerText === '2', queueRow);
    await page.click(`${queueRow} button[data-action="browse"]`);
    await page.waitForFunction(() => document.querySelectorAll('#dlq-detail tbody tr[data-message]').length === 2);
    await page.click('#dlq-detail tbody tr[data-message] button[data-action="replay"]');
    await page.waitForFunction((row) => document.querySelector(`${row} [data-field="dlq"]`)?.innerText === '1'
      && document.querySelector(`${row} [data-field="depth"]`)?.innerText === '1', queueRow);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click(`${queueRow} button[data-action="purge"]`);
    await page.waitForFunction((row) => document.querySelector(`${row} [data-field="dlq"]`)?.innerText === '0', queueRow);

    const pidBefore = await serviceCell(page, 'jarvis-prime', 'pid');
    step(`restart jarvis-prime (pid ${pidBefore}) with its button`);
    await page.click('#services tr[data-service="jarvis-prime"] button[data-action="restart"]');
    await page.waitForFunction((before) => {
      const row = document.querySelector('#services tr[data-service="jarvis-prime"]');
      const pid = row?.querySelector('[data-field="pid"]')?.innerText;
      return pid && /^\d+$/.test(pid) && pid !== before && row.querySelector('[data-field="state"]')?.innerText === 'running';
    }, pidBefore);
    step(`jarvis-prime runs again as pid ${await serviceCell(page, 'jarvis-prime', 'pid')}`);

    await page.click(jobRow);
    await page.waitForSelector('#job-detail:not([hidden]) table tbody tr');
    // What the page itself writes (service logs and event data are the services' own words).
    const shown = await page.evaluate(() => [...document.querySelectorAll('header, #services table, #jobs, #models, #queues, #breakers')]
      .map((element) => element.innerText).join('\n'));
    const garbage = shown.match(/\[object \w+\]|undefined|NaN/);
    if (garbage) throw new Error(`the page shows "${garbage[0]}"`);
    await page.screenshot({ path: path.join(workDir, 'dashboard.png') });
    if (consoleErrors.length) throw new Error('console errors:\n  ' + consoleErrors.join('\n  '));
    step('no console errors');
  } finally {
    await browser.close();
  }
}

run('dashboard check', main);
