// What the dashboard checks share: Debian's chromium, started as STACK-NOTES says (Playwright's own browser
// download does not work here), and a page that records console errors.
'use strict';

const { chromium } = require('playwright-core');

const DEADLINE_MS = 90_000;

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A 1280x800 page whose console errors and uncaught exceptions land in `errors`. */
async function newPage(browser, errors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(DEADLINE_MS);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push('uncaught: ' + error.message));
  return page;
}

function step(text) {
  console.log(`[${new Date().toISOString()}] ${text}`);
}

/** Runs `check`, prints `passed` or the failure, and sets the exit code (0 passed, 1 failed). */
function run(name, check) {
  check().then(() => {
    console.log(`${name} passed`);
  }, (error) => {
    console.error(`${name} FAILED: ${error?.message || error}`);
    process.exitCode = 1;
  });
}

module.exports = { launch, newPage, step, run };
