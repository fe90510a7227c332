// The browser wallet on a phone (Debian's Chromium at 390×844, touch, driven by playwright-core)
// next to a hospital verifier's desk (a desktop page): the holder receives the board's offers in
// /wallet (a wrong PIN is refused first), answers "Verify a clinician" after reading who asks,
// what and why, and the desk shows VALID without a reload; declines a second request (the desk
// shows NOT ANSWERED); the board revokes the license, the wallet's "Check status" shows REVOKED,
// and the next presentation is NOT VALID. The key stays in the browser's storage. Screenshots go
// to $SCREENSHOTS.
//
// Environment: MEDCRED_URL, DESK_EMAIL, DESK_PASSWORD, SD_OFFER/SD_PIN, JWT_OFFER/JWT_PIN,
// PATIENT_OFFER/PATIENT_PIN, CREDENTIALS_URL, BOARD_TOKEN, SCREENSHOTS. Exits non-zero on failure.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.MEDCRED_URL;
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

function watchErrors(page, errors, expected = []) {
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  page.on('response', (r) => {
    const u = r.url();
    if (r.status() >= 400 && !u.endsWith('/favicon.ico') && !expected.some((x) => u.includes(x))) errors.push(`${r.status()} ${u}`);
  });
}

// `/wallet?…`: the web wallet's own address for an openid-credential-offer:// or openid4vp:// link.
const inWallet = (link) => `${url}/wallet${link.slice(link.indexOf('?'))}`;

async function askClinician(desk) {
  await desk.goto(`${url}/hospital`);
  await desk.click('#verify-clinician');
  await desk.waitForSelector('#ask-form');
  await Promise.all([desk.waitForURL(/\/hospital\/requests\/[0-9a-f-]+$/), desk.click('#ask-submit')]);
  await desk.waitForSelector('body[data-hydrated="true"]', { timeout: 20000 });
  return desk.inputValue('#request-link');
}

async function receive(phone, link, pin) {
  await phone.goto(inWallet(link));
  await phone.waitForSelector('#wallet-offer', { timeout: 20000 });
  await phone.fill('#wallet-pin', pin);
  await phone.click('#wallet-accept');
  return phone.waitForSelector('#wallet-done, #wallet-error', { timeout: 20000 });
}

try {
  // The desk: a hospital verifier, signed in.
  const deskCtx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const desk = await deskCtx.newPage();
  const deskErrors = [];
  watchErrors(desk, deskErrors);
  await desk.goto(`${url}/signin`);
  await desk.fill('#signin-email', process.env.DESK_EMAIL);
  await desk.fill('#signin-password', process.env.DESK_PASSWORD);
  await Promise.all([desk.waitForURL(/\/hospital$/), desk.click('#signin-submit')]);

  // The phone: the holder, with nothing but the browser.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await phoneCtx.newPage();
  const phoneErrors = [];
  // The wrong PIN's refusal is expected (400 from the token endpoint).
  watchErrors(phone, phoneErrors, ['/token']);

  // 1. A new wallet: empty, with a holder DID made in the browser.
  await phone.goto(`${url}/wallet`);
  await phone.waitForSelector('#wallet-empty', { timeout: 20000 });
  const did = (await phone.locator('#wallet-did').textContent()).trim();
  check(did.startsWith('did:jwk:'), `a holder DID made in this browser (${did.slice(0, 24)}…)`);
  const served = await (await phone.request.get(`${url}/wallet`)).text();
  check(!served.includes(did), 'the server does not know it (the page it serves does not name it)');
  await phone.screenshot({ path: `${shots}/wallet-empty-phone.png`, fullPage: true });

  // 2. A wrong PIN is refused, and nothing is added.
  const wrong = await receive(phone, process.env.SD_OFFER, process.env.SD_PIN === '000000' ? '111111' : '000000');
  check((await wrong.getAttribute('id')) === 'wallet-error', `a wrong PIN is refused: ${(await wrong.innerText()).slice(0, 80)}`);
  check(await phone.locator('#wallet-credentials li').count() === 0, 'and nothing is added');

  // 3. The right PIN: the license arrives (SD-JWT VC), opened from the web-wallet link.
  const ok = await receive(phone, process.env.SD_OFFER, process.env.SD_PIN);
  check((await ok.getAttribute('id')) === 'wallet-done', `received: ${(await ok.innerText()).slice(0, 80)}`);
  check(!phone.url().includes('credential_offer'), 'the offer is dropped from the address (a reload does not reopen it)');
  // 4. The same license as a vc+jwt, pasted as an openid-credential-offer:// link.
  await phone.fill('#wallet-link', process.env.JWT_OFFER);
  await phone.click('#wallet-open');
  await phone.waitForSelector('#wallet-offer');
  await phone.fill('#wallet-pin', process.env.JWT_PIN);
  await phone.click('#wallet-accept');
  await phone.waitForSelector('#wallet-done', { timeout: 20000 });
  await receive(phone, process.env.PATIENT_OFFER, process.env.PATIENT_PIN);
  const cards = phone.locator('#wallet-credentials li');
  check(await cards.count() === 3, `three credentials in the wallet (${await cards.count()})`);
  const first = await cards.nth(0).innerText();
  check(first.includes('Medical license') && first.includes('Grace Hopper'), 'the license reads as one');
  await phone.screenshot({ path: `${shots}/wallet-credentials-phone.png`, fullPage: true });

  // 5. The key is in the browser's storage, and the wallet survives a reload.
  const saved = JSON.parse(await phone.evaluate(() => localStorage.getItem('medcred.wallet.v1')));
  check(JSON.parse(saved.holder_jwk).d !== undefined, 'the private key is in this browser\'s storage');
  await phone.reload();
  await phone.waitForSelector('#wallet-credentials li');
  check(await phone.locator('#wallet-credentials li').count() === 3, 'the wallet survives a reload');

  // 6. The desk asks for an active RN license; the holder reads who asks and shares.
  const link = await askClinician(desk);
  await desk.evaluate(() => { window.__noReload = 'desk'; });
  await phone.goto(inWallet(link));
  await phone.waitForSelector('#wallet-request', { timeout: 20000 });
  const asked = await phone.locator('#wallet-request').innerText();
  check(asked.includes("St Mary's Hospital"), 'the wallet names who asks');
  check((await phone.locator('#wallet-request-did').innerText()).startsWith('did:web:'), 'and its DID, which signed the request');
  check(asked.includes('Medical license'), `and which credential answers: ${asked.replace(/\s+/g, ' ').slice(0, 160)}`);
  await phone.screenshot({ path: `${shots}/wallet-request-phone.png`, fullPage: true });
  await phone.click('#wallet-share');
  const sent = await phone.waitForSelector('#wallet-done, #wallet-error', { timeout: 20000 });
  check((await sent.getAttribute('id')) === 'wallet-done', `shared: ${(await sent.innerText()).slice(0, 80)}`);
  const valid = await desk.waitForSelector('#request-result [data-verdict="valid"]', { timeout: 30000 });
  check((await valid.innerText()).includes('VALID'), 'the desk shows VALID');
  check((await desk.evaluate(() => window.__noReload)) === 'desk', 'without a reload');
  const facts = await desk.locator('.facts').innerText();
  check(facts.includes('RN') && facts.includes('US-NJ'), 'with the license shown');
  await desk.screenshot({ path: `${shots}/wallet-desk-valid.png`, fullPage: true });

  // 7. A second request, declined: the desk learns it and saw nothing.
  const link2 = await askClinician(desk);
  await phone.goto(inWallet(link2));
  await phone.waitForSelector('#wallet-request');
  await phone.click('#wallet-decline');
  await phone.waitForSelector('#wallet-done');
  const declined = await desk.waitForSelector('#request-result [data-verdict]:not([data-verdict="pending"])', { timeout: 30000 });
  check((await declined.getAttribute('data-verdict')) !== 'valid', `declined: the desk shows ${(await declined.innerText()).split('\n')[1] || ''}`);

  // 8. The board revokes the license the wallet holds (its id is the SD-JWT's jti).
  const held = JSON.parse(await phone.evaluate(() => localStorage.getItem('medcred.wallet.v1'))).credentials;
  const sd = held.find((c) => c.format === 'dc+sd-jwt' && c.types.some((t) => /icense/.test(t)));
  const payload = JSON.parse(Buffer.from(sd.credential.split('~')[0].split('.')[1], 'base64url').toString());
  const revoked = await fetch(`${process.env.CREDENTIALS_URL}/${payload.jti}/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.BOARD_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'revoke', reason: 'wallet browser test' }),
  });
  check(revoked.status === 200, `the board revokes it (${revoked.status})`);

  // 9. "Check status" in the wallet: REVOKED.
  await phone.goto(`${url}/wallet`);
  await phone.waitForSelector('#wallet-credentials li');
  const n = held.indexOf(sd) + 1;
  await phone.click(`#wallet-refresh-${n}`);
  await phone.waitForSelector(`#wallet-credential-${n}[data-status="revoked"]`, { timeout: 20000 });
  check((await phone.locator(`#wallet-credential-${n} .badge`).innerText()) === 'REVOKED', 'the wallet shows REVOKED');
  await phone.click('#wallet-refresh-3');
  await phone.waitForSelector('#wallet-credential-3[data-status="active"]', { timeout: 20000 });
  check(true, 'and the patient identity still active');
  await phone.screenshot({ path: `${shots}/wallet-revoked-phone.png`, fullPage: true });

  // 10. Presented again: NOT VALID, revoked.
  const link3 = await askClinician(desk);
  await phone.goto(inWallet(link3));
  await phone.waitForSelector('#wallet-request');
  await phone.click('#wallet-share');
  await phone.waitForSelector('#wallet-done, #wallet-error', { timeout: 20000 });
  const bad = await desk.waitForSelector('#request-result [data-verdict="invalid"]', { timeout: 30000 });
  check((await bad.innerText()).includes('NOT VALID'), 'the desk shows NOT VALID');
  const reason = await desk.locator('li.check.failed[data-check="status"] .reason').innerText();
  check(reason.includes('revoked'), `because: ${reason}`);

  // 11. A phone's width: nothing scrolls sideways.
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `no horizontal scrolling at 390 px (${width} px)`);
  check(phoneErrors.length === 0, `no browser errors on the phone (${phoneErrors.join(' | ')})`);
  check(deskErrors.length === 0, `no browser errors on the desk (${deskErrors.join(' | ')})`);
  await phoneCtx.close();
  await deskCtx.close();
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures += 1;
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all browser checks passed' : `${failures} browser check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
