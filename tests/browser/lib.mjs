// What every browser check (tests/browser/*.mjs) shares: Debian's Chromium launched by
// playwright-core, `check` and the closing verdict, error collection on a page, screenshots, and
// the steps several scripts take (signing in, asking for a clinician's license, revoking, the
// phone-width and no-error checks). A script hands its steps to `run`.
//
// Environment: MEDCRED_URL, SCREENSHOTS, and CHROMIUM (else /usr/bin/chromium). `run` prints one
// line a check and, last, "all browser checks passed" or how many failed, and exits non-zero on
// any failure.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const url = process.env.MEDCRED_URL;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

/** A desktop browser window. */
export const DESKTOP = { viewport: { width: 1100, height: 900 } };

let failures = 0;
/** Log one check; a failed one makes the script fail. */
export function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

// Everything the watched pages said, printed when a step throws.
const seen = [];

/**
 * Launch Chromium, run `steps(browser)`, close it, print the verdict and exit with it. A step that
 * throws is a failure (with what the browser said).
 */
export async function run(steps) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await steps(browser);
  } catch (e) {
    console.log(`FAIL ${e.stack || e}`);
    if (seen.length > 0) console.log(`browser said: ${seen.join(' | ')}`);
    failures += 1;
  } finally {
    await browser.close();
  }
  console.log(failures === 0 ? 'all browser checks passed' : `${failures} browser check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}

/**
 * Collect `page`'s errors into the returned array: uncaught exceptions, console errors, and
 * responses of 400 or more. A failed load is named by its response's URL (the console's "Failed to
 * load resource" does not say which); the browser's own request for /favicon.ico (there is none) is
 * not the app's. `expected`: parts of URLs whose 4xx/5xx a step expects; `ignoreConsole`: console
 * errors that are not failures.
 */
export function watchErrors(page, { expected = [], ignoreConsole = /^Failed to load resource/ } = {}) {
  const errors = [];
  page.on('pageerror', (e) => { errors.push(String(e)); seen.push(String(e)); });
  page.on('console', (m) => {
    seen.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error' && !ignoreConsole.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => {
    const u = r.url();
    if (r.status() >= 400 && !u.endsWith('/favicon.ico') && !expected.some((x) => u.includes(x))) {
      errors.push(`${r.status()} ${u}`);
    }
  });
  return errors;
}

/** The check that `errors` (from `watchErrors`) is empty; `where` names the page. */
export function checkNoErrors(errors, where = '') {
  check(errors.length === 0, `no browser errors${where} (${errors.join(' | ')})`);
}

/** The check that nothing on `page` scrolls sideways at `width` px. */
export async function checkFitsWidth(page, width) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scroll <= width, `no horizontal scrolling at ${width} px (${scroll} px)`);
}

/** Wait until the web app has hydrated `page`. */
export function hydrated(page) {
  return page.waitForSelector('body[data-hydrated="true"]', { timeout: 20000 });
}

/** A full-page screenshot, `$SCREENSHOTS/<name>.png`. */
export function screenshot(page, name) {
  return page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

/**
 * Sign in on the sign-in page `page` shows, and wait for where it leads: `landing` (a URL
 * pattern), else the next page whatever it is.
 */
export async function signIn(page, email, password, landing) {
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await Promise.all([landing ? page.waitForURL(landing) : page.waitForNavigation(), page.click('#signin-submit')]);
}

/**
 * From the hospital's home: "Verify a clinician", the first choice (active RN license), the
 * request page with its QR code, hydrated. Returns the openid4vp:// link.
 */
export async function askClinician(page) {
  await page.goto(`${url}/hospital`);
  await page.click('#verify-clinician');
  await page.waitForSelector('#ask-form');
  await Promise.all([page.waitForURL(/\/hospital\/requests\/[0-9a-f-]+$/), page.click('#ask-submit')]);
  await page.waitForSelector('#request-qr svg');
  await hydrated(page);
  return page.inputValue('#request-link');
}

/** The board revokes a credential through its API (`statusUrl`: …/credentials/{id}/status). */
export async function revoke(statusUrl, reason) {
  return fetch(statusUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.BOARD_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'revoke', reason }),
  });
}
