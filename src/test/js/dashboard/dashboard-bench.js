// Dashboard benchmark (bench/dashboard.sh runs it against a loaded hub): time to first paint and to every panel
// filled, over LOADS fresh page loads, then the requests the open page makes to the hub in IDLE_S seconds of idle.
// Usage: node dashboard-bench.js HUB_URL [LOADS] [IDLE_S] [SCREENSHOT_FILE]
'use strict';

const { launch, step, run } = require('./browser');

const [hubUrl, loadsArg, idleArg, screenshot] = process.argv.slice(2);
if (!hubUrl) {
  console.error('usage: node dashboard-bench.js HUB_URL [LOADS] [IDLE_S] [SCREENSHOT_FILE]');
  process.exit(2);
}
const LOADS = Number(loadsArg || 10);
const IDLE_S = Number(idleArg || 30);
const STREAMS = /\/api\/(events\?|training\/stream\/|services\/[^/]+\/logs\?.*follow=true)/;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function figures(values) {
  return `median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms   [${values.map((v) => v.toFixed(0)).join(' ')}]`;
}

/** One page load in a fresh context (no cache): ms from navigation start to first contentful paint and to ready. */
async function load(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    let requests = 0;
    page.on('request', () => requests++);
    await page.goto(hubUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const timing = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      ready: performance.getEntriesByName('dashboard-ready')[0]?.startTime,
      jobs: document.querySelectorAll('#jobs tbody tr[data-job]').length,
      queues: document.querySelectorAll('#queues tbody tr[data-queue]').length,
      services: document.querySelectorAll('#services tbody tr[data-service]').length,
    }));
    return { ...timing, requests };
  } finally {
    await context.close();
  }
}

/** Opens the page, waits for it, then counts what it asks the hub for during IDLE_S seconds. */
async function idle(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(hubUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForSelector('#connection[data-state="live"]');
    // The debounced refreshes of the events that happened while the page opened settle first.
    await page.waitForTimeout(2000);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.waitForTimeout(IDLE_S * 1000);
    if (screenshot) await page.screenshot({ path: screenshot });
    return requests;
  } finally {
    await context.close();
  }
}

async function main() {
  const browser = await launch();
  try {
    const loads = [];
    for (let i = 0; i < LOADS; i++) loads.push(await load(browser));
    const first = loads[0];
    step(`page shows ${first.services} services, ${first.jobs} jobs (the newest 50), ${first.queues} queues; `
      + `${first.requests} requests per load`);
    console.log(`first contentful paint: ${figures(loads.map((l) => l.paint))}`);
    console.log(`every panel filled (dashboard-ready): ${figures(loads.map((l) => l.ready))}`);
    const requests = await idle(browser);
    const streams = requests.filter((url) => STREAMS.test(url));
    console.log(`idle ${IDLE_S} s with the page open: ${requests.length - streams.length} API requests, `
      + `${streams.length} stream (re)connections`);
    requests.forEach((url) => console.log('  ' + url));
  } finally {
    await browser.close();
  }
}

run('dashboard bench', main);
