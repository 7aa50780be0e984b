// The dashboard of a hub that wants an API token, and of a hub that goes down, in headless Debian chromium.
// Usage: node token-check.js HUB_URL TOKEN
//   Prints "stop the hub now" once the page is live with the token, then expects the hub to be stopped.
// Checks: the page asks for the token, says when one is refused, shows the hub with the right one (REST and the
// event stream both carry it), and shows "hub not reachable at URL (is it running?)" once the hub is gone.
// Exits 0 when every check passed, 1 with the reason otherwise.
'use strict';

const { launch, newPage, step, run } = require('./browser');

const [hubUrl, token] = process.argv.slice(2);
if (!hubUrl || !token) {
  console.error('usage: node token-check.js HUB_URL TOKEN');
  process.exit(2);
}
// The browser itself reports each refused request (401; a 503 from the stopping hub, then a refused connection):
// those are what is tested here.
const EXPECTED_ERRORS =
  /Failed to load resource: (the server responded with a status of (401|503)|net::ERR_CONNECTION_REFUSED)/;

async function main() {
  const browser = await launch();
  const errors = [];
  try {
    const page = await newPage(browser, errors);
    step('open ' + hubUrl + ' without a token');
    await page.goto(hubUrl);
    await page.waitForSelector('#token-form:not([hidden])');

    step('a wrong token is refused');
    await page.fill('#token-input', 'not-' + token);
    await page.click('#token-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#token-message').textContent.includes('refused'));
    await page.waitForSelector('#token-form:not([hidden])');

    step('the right token opens the dashboard and its event stream');
    await page.fill('#token-input', token);
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('#token-form', { state: 'hidden' });
    await page.waitForSelector('#services tr[data-service="jarvis-body"]');
    await page.waitForSelector('#connection[data-state="live"]');

    step('stop the hub now');
    const banner = await page.waitForSelector('#banner:not([hidden])');
    const text = (await banner.innerText()).trim();
    const expected = `hub not reachable at ${new URL(hubUrl).origin} (is it running?)`;
    if (text !== expected) throw new Error(`the banner says "${text}", not "${expected}"`);
    step('the banner says: ' + text);
    const toasts = await page.locator('#toasts').innerText();
    if (toasts.trim()) throw new Error('messages besides the banner: ' + toasts);
    const unexpected = errors.filter((error) => !EXPECTED_ERRORS.test(error));
    if (unexpected.length) throw new Error('console errors:\n  ' + unexpected.join('\n  '));
  } finally {
    await browser.close();
  }
}

run('token check', main);
