// Headless-Chromium end-to-end check of SSR + hydration (playwright-core + Debian chromium).
// Usage: BASE=http://127.0.0.1:3000 node test.mjs   (server must be running)
import { chromium } from 'playwright-core';

const BASE = process.env.BASE || 'http://127.0.0.1:3000';
const SHOT = process.env.SHOT || new URL('../shot.png', import.meta.url).pathname;
let passed = 0, failed = 0;
function check(name, cond, extra = '') {
  if (cond) { passed++; console.log(`ok   - ${name}`); }
  else { failed++; console.log(`FAIL - ${name} ${extra}`); }
}

// chromium.launch() gives the browser a fresh, empty temporary --user-data-dir.
const browserInst = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
}).catch(e => { console.error(e); process.exit(2); });
const browser = await browserInst.newContext({ viewport: { width: 900, height: 650 } });
// A second, JS-disabled context: proves what works from SSR alone (no wasm at all).
const noJs = await browserInst.newContext({ javaScriptEnabled: false });
const errors = [];

try {
  // ---------- 1. SSR only (JavaScript disabled) ----------
  const ctxNoJs = noJs ?? null;
  if (ctxNoJs) {
    const p = await ctxNoJs.newPage();
    await p.goto(BASE + '/');
    check('SSR (no JS): <h1> rendered', (await p.textContent('h1'))?.includes('Leptos 0.8'));
    check('SSR (no JS): status not hydrated',
      (await p.getAttribute('#status', 'data-hydrated')) === 'false');
    await p.click('#counter');
    check('SSR (no JS): counter inert before hydration',
      (await p.textContent('#counter')).trim() === 'Clicked 0 times', await p.textContent('#counter'));
    const msg1 = 'posted-without-js-' + Date.now();
    await p.fill('#msg-input', msg1);
    await p.click('#msg-submit');
    await p.waitForSelector(`#messages li:has-text("${msg1}")`, { timeout: 10000 }).catch(() => {});
    check('SSR (no JS): ActionForm plain POST -> 302 back -> message listed',
      (await p.textContent('#messages')).includes(msg1), await p.textContent('#messages'));
    check('SSR (no JS): back on / after redirect', new URL(p.url()).pathname === '/', p.url());
    await p.goto(BASE + '/hello/ssr-param');
    check('SSR (no JS): path param route', (await p.textContent('#hello')) === 'Hello, ssr-param!',
      await p.textContent('#hello'));
    await ctxNoJs.close();
  } else {
    check('could create JS-disabled context', false);
  }

  // ---------- 2. Hydrated (JavaScript enabled) ----------
  const page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => errors.push('pageerror: ' + e.message));
  page.on('requestfailed', r => errors.push('requestfailed: ' + r.url()));
  const wasmResp = page.waitForResponse(r => r.url().endsWith('.wasm'));
  await page.goto(BASE + '/');
  const wr = await wasmResp;
  check('wasm fetched with 200 + application/wasm',
    wr.status() === 200 && (wr.headers()['content-type'] || '').includes('application/wasm'),
    `${wr.url()} ${wr.status()} ${wr.headers()['content-type']}`);
  await page.waitForSelector('#status[data-hydrated="true"]', { timeout: 20000 });
  check('hydrated: Effect ran in browser (data-hydrated=true)', true);
  await page.evaluate(() => { window.__noReload = 'still-here'; });
  for (let i = 0; i < 3; i++) await page.click('#counter');
  await page.waitForFunction(() => document.querySelector('#counter').textContent.trim() === 'Clicked 3 times', null, { timeout: 5000 })
    .catch(() => {});
  check('hydrated: counter increments', (await page.textContent('#counter')).trim() === 'Clicked 3 times',
    await page.textContent('#counter'));
  const msg2 = 'posted-after-hydration-' + Date.now();
  await page.fill('#msg-input', msg2);
  await page.click('#msg-submit');
  await page.waitForFunction(t => document.querySelector('#messages')?.textContent.includes(t), msg2, { timeout: 10000 })
    .catch(() => {});
  check('hydrated: ActionForm via fetch, list refetched', (await page.textContent('#messages')).includes(msg2));
  check('hydrated: ActionForm did not reload the page',
    (await page.evaluate(() => window.__noReload)) === 'still-here');
  check('hydrated: counter state kept after form submit', (await page.textContent('#counter')).trim() === 'Clicked 3 times');
  await page.screenshot({ path: SHOT });
  console.log('screenshot ->', SHOT);
  await page.click('a[href="/hello/world"]');
  await page.waitForSelector('#hello', { timeout: 5000 });
  check('hydrated: client-side navigation to /hello/:name', (await page.textContent('#hello')) === 'Hello, world!');
  check('hydrated: client-side navigation kept the JS state (no reload)',
    (await page.evaluate(() => window.__noReload)) === 'still-here');
  await page.goto(BASE + '/hello/direct');
  await page.waitForSelector('#hello');
  check('direct load of /hello/direct', (await page.textContent('#hello')) === 'Hello, direct!');
  await page.waitForTimeout(1500); // let hydration of this page finish and report any errors
  check('no console errors/warnings, page errors or failed requests', errors.length === 0, '\n  ' + errors.join('\n  '));
} catch (e) {
  failed++;
  console.log('FAIL - exception: ' + (e.stack || e));
  if (errors.length) console.log('  browser errors:\n  ' + errors.join('\n  '));
} finally {
  await browserInst.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
