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
import {
  url, DESKTOP, check, run, watchErrors, checkNoErrors, checkFitsWidth, screenshot, signIn, askClinician, revoke,
} from './lib.mjs';

// `/wallet?…`: the web wallet's own address for an openid-credential-offer:// or openid4vp:// link.
const inWallet = (link) => `${url}/wallet${link.slice(link.indexOf('?'))}`;

async function receive(phone, link, pin) {
  await phone.goto(inWallet(link));
  await phone.waitForSelector('#wallet-offer', { timeout: 20000 });
  await phone.fill('#wallet-pin', pin);
  await phone.click('#wallet-accept');
  return phone.waitForSelector('#wallet-done, #wallet-error', { timeout: 20000 });
}

await run(async (browser) => {
  // The desk: a hospital verifier, signed in.
  const deskCtx = await browser.newContext(DESKTOP);
  const desk = await deskCtx.newPage();
  const deskErrors = watchErrors(desk);
  await desk.goto(`${url}/signin`);
  await signIn(desk, process.env.DESK_EMAIL, process.env.DESK_PASSWORD, /\/hospital$/);

  // The phone: the holder, with nothing but the browser.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await phoneCtx.newPage();
  // The wrong PIN's refusal is expected (400 from the token endpoint).
  const phoneErrors = watchErrors(phone, { expected: ['/token'] });

  // 1. A new wallet: empty, with a holder DID made in the browser.
  await phone.goto(`${url}/wallet`);
  await phone.waitForSelector('#wallet-empty', { timeout: 20000 });
  const did = (await phone.locator('#wallet-did').textContent()).trim();
  check(did.startsWith('did:jwk:'), `a holder DID made in this browser (${did.slice(0, 24)}…)`);
  const served = await (await phone.request.get(`${url}/wallet`)).text();
  check(!served.includes(did), 'the server does not know it (the page it serves does not name it)');
  await screenshot(phone, 'wallet-empty-phone');

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
  await screenshot(phone, 'wallet-credentials-phone');

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
  await screenshot(phone, 'wallet-request-phone');
  await phone.click('#wallet-share');
  const sent = await phone.waitForSelector('#wallet-done, #wallet-error', { timeout: 20000 });
  check((await sent.getAttribute('id')) === 'wallet-done', `shared: ${(await sent.innerText()).slice(0, 80)}`);
  const valid = await desk.waitForSelector('#request-result [data-verdict="valid"]', { timeout: 30000 });
  check((await valid.innerText()).includes('VALID'), 'the desk shows VALID');
  check((await desk.evaluate(() => window.__noReload)) === 'desk', 'without a reload');
  const facts = await desk.locator('.facts').innerText();
  check(facts.includes('RN') && facts.includes('US-NJ'), 'with the license shown');
  await screenshot(desk, 'wallet-desk-valid');

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
  const revoked = await revoke(`${process.env.CREDENTIALS_URL}/${payload.jti}/status`, 'wallet browser test');
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
  await screenshot(phone, 'wallet-revoked-phone');

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
  await checkFitsWidth(phone, 390);
  checkNoErrors(phoneErrors, ' on the phone');
  checkNoErrors(deskErrors, ' on the desk');
  await phoneCtx.close();
  await deskCtx.close();
});
