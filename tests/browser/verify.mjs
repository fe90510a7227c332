// The "verify a credential" page in a real browser (Debian's Chromium, driven by playwright-core):
// with JavaScript off (the server-rendered form alone) and on (hydrated), a valid license shows
// VALID, a revoked one NOT VALID with the reason, a malformed paste an error next to the form, an
// unknown path a 404 page. Screenshots of the key screens go to $SCREENSHOTS.
//
// Environment: MEDCRED_URL, VALID_FILE, REVOKED_FILE, SCREENSHOTS. Exits non-zero on any failure.
import { readFileSync } from 'node:fs';
import {
  url, DESKTOP, check, run, watchErrors, checkNoErrors, checkFitsWidth, hydrated, screenshot,
} from './lib.mjs';

const valid = readFileSync(process.env.VALID_FILE, 'utf8');
const revoked = readFileSync(process.env.REVOKED_FILE, 'utf8');

async function verify(page, text) {
  await page.goto(`${url}/verify`);
  await page.fill('#verify-input', text);
  await Promise.all([page.waitForURL(/\/verify\/[0-9a-f]{32}$/), page.click('#verify-submit')]);
  return page.locator('[data-verdict]');
}

await run(async (browser) => {
  // 1. Without JavaScript: the form posts, the server redirects to the result page.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p1 = await plain.newPage();
  const banner1 = await verify(p1, valid);
  check((await banner1.getAttribute('data-verdict')) === 'valid', 'no JavaScript: a valid license shows valid');
  check((await banner1.innerText()).includes('VALID'), 'no JavaScript: the banner says VALID in words');
  await plain.close();

  // 2. Hydrated, at a desktop width: valid, then revoked.
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  // A 400 (the malformed paste) and a 404 (the unknown page) are what those steps expect; anything
  // else the console reports, a 500 above all, is a failure.
  const errors = watchErrors(page, {
    expected: ['/api/verify', '/no-such-page'],
    ignoreConsole: /status of (400|404) /,
  });
  await page.goto(`${url}/verify`);
  await hydrated(page);
  check(true, 'the page hydrates');
  await screenshot(page, 'verify-form');

  const banner = await verify(page, valid);
  check((await banner.getAttribute('data-verdict')) === 'valid', 'hydrated: a valid license shows valid');
  const facts = await page.locator('.facts').innerText();
  check(facts.includes('RN-7001') && facts.includes('accredited'), 'who, what and from whom are shown');
  check((await page.locator('li.check.passed').count()) >= 5, 'every check is listed with its outcome');
  await screenshot(page, 'verdict-valid');

  const bad = await verify(page, revoked);
  check((await bad.getAttribute('data-verdict')) === 'invalid', 'a revoked license shows invalid');
  check((await bad.innerText()).includes('NOT VALID'), 'the banner says NOT VALID in words');
  const reason = await page.locator('li.check.failed[data-check="status"] .reason').innerText();
  check(reason.startsWith('revoked'), `the failed status check says why: ${reason}`);
  await screenshot(page, 'verdict-revoked');

  // 3. A malformed paste: an error next to the form, no result page.
  await page.goto(`${url}/verify`);
  await hydrated(page);
  await page.fill('#verify-input', '{"not": "a credential"');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/verify')),
    page.click('#verify-submit'),
  ]);
  check(answer.status() === 400, `the server answers the client's mistake with 400 (${answer.status()})`);
  const err = await page.waitForSelector('#verify-error', { timeout: 10000 });
  check((await err.innerText()).includes('not a credential or presentation'), 'a malformed paste gets a clear error');
  check(page.url().endsWith('/verify'), 'and stays on the form');
  await screenshot(page, 'verify-malformed');

  // 4. A phone's width: the verdict still fits.
  await page.setViewportSize({ width: 375, height: 800 });
  await verify(page, valid);
  await checkFitsWidth(page, 375);
  await screenshot(page, 'verdict-phone');

  // 5. An unknown page.
  const resp = await page.goto(`${url}/no-such-page`);
  check(resp.status() === 404, `an unknown page answers 404 (${resp.status()})`);

  checkNoErrors(errors);
  await ctx.close();
});
