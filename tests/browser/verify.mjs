// The "verify a credential" page in a real browser (Debian's Chromium, driven by playwright-core):
// with JavaScript off (the server-rendered form alone) and on (hydrated), a valid license shows
// VALID, a revoked one NOT VALID with the reason, a malformed paste an error next to the form, an
// unknown path a 404 page. Screenshots of the key screens go to $SCREENSHOTS.
//
// Environment: MEDCRED_URL, VALID_FILE, REVOKED_FILE, SCREENSHOTS. Exits non-zero on any failure.
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.MEDCRED_URL;
const valid = readFileSync(process.env.VALID_FILE, 'utf8');
const revoked = readFileSync(process.env.REVOKED_FILE, 'utf8');
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function verify(page, text) {
  await page.goto(`${url}/verify`);
  await page.fill('#verify-input', text);
  await Promise.all([page.waitForURL(/\/verify\/[0-9a-f]{32}$/), page.click('#verify-submit')]);
  return page.locator('[data-verdict]');
}

try {
  // 1. Without JavaScript: the form posts, the server redirects to the result page.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p1 = await plain.newPage();
  const banner1 = await verify(p1, valid);
  check((await banner1.getAttribute('data-verdict')) === 'valid', 'no JavaScript: a valid license shows valid');
  check((await banner1.innerText()).includes('VALID'), 'no JavaScript: the banner says VALID in words');
  await plain.close();

  // 2. Hydrated, at a desktop width: valid, then revoked.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A 400 (the malformed paste) and a 404 (the unknown page) are what those steps expect; anything
  // else the console reports, a 500 above all, is a failure.
  const expected = /status of (400|404) /;
  page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) errors.push(m.text()); });
  await page.goto(`${url}/verify`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20000 });
  check(true, 'the page hydrates');
  await page.screenshot({ path: `${shots}/verify-form.png`, fullPage: true });

  const banner = await verify(page, valid);
  check((await banner.getAttribute('data-verdict')) === 'valid', 'hydrated: a valid license shows valid');
  const facts = await page.locator('.facts').innerText();
  check(facts.includes('RN-7001') && facts.includes('accredited'), 'who, what and from whom are shown');
  check((await page.locator('li.check.passed').count()) >= 5, 'every check is listed with its outcome');
  await page.screenshot({ path: `${shots}/verdict-valid.png`, fullPage: true });

  const bad = await verify(page, revoked);
  check((await bad.getAttribute('data-verdict')) === 'invalid', 'a revoked license shows invalid');
  check((await bad.innerText()).includes('NOT VALID'), 'the banner says NOT VALID in words');
  const reason = await page.locator('li.check.failed[data-check="status"] .reason').innerText();
  check(reason.startsWith('revoked'), `the failed status check says why: ${reason}`);
  await page.screenshot({ path: `${shots}/verdict-revoked.png`, fullPage: true });

  // 3. A malformed paste: an error next to the form, no result page.
  await page.goto(`${url}/verify`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.fill('#verify-input', '{"not": "a credential"');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/verify')),
    page.click('#verify-submit'),
  ]);
  check(answer.status() === 400, `the server answers the client's mistake with 400 (${answer.status()})`);
  const err = await page.waitForSelector('#verify-error', { timeout: 10000 });
  check((await err.innerText()).includes('not a credential or presentation'), 'a malformed paste gets a clear error');
  check(page.url().endsWith('/verify'), 'and stays on the form');
  await page.screenshot({ path: `${shots}/verify-malformed.png`, fullPage: true });

  // 4. A phone's width: the verdict still fits.
  await page.setViewportSize({ width: 375, height: 800 });
  await verify(page, valid);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 375, `no horizontal scrolling at 375 px (${width} px)`);
  await page.screenshot({ path: `${shots}/verdict-phone.png`, fullPage: true });

  // 5. An unknown page.
  const resp = await page.goto(`${url}/no-such-page`);
  check(resp.status() === 404, `an unknown page answers 404 (${resp.status()})`);

  check(errors.length === 0, `no browser errors (${errors.join(' | ')})`);
  await ctx.close();
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures += 1;
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all browser checks passed' : `${failures} browser check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
