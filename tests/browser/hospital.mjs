// The hospital's pages in a real browser (Debian's Chromium, driven by playwright-core): a
// hospital verifier signs in, chooses "Verify a clinician", reads the openid4vp:// link off the
// request page, the holder answers it with the CLI wallet (`medcred wallet present LINK --yes`),
// and VALID appears on the same page without a reload (the window marker survives); the signed
// receipt downloads; the board revokes the license (API); asked again and presented again, the
// page shows NOT VALID with the reason "revoked". Also: the page without JavaScript (a meta
// refresh while it waits), history and alerts, a phone's width, no layout shift when the verdict
// arrives. Screenshots go to $SCREENSHOTS.
//
// Environment: MEDCRED_URL, DESK_EMAIL, DESK_PASSWORD, MEDCRED_BIN, WALLET_DIR, REVOKE_URL,
// BOARD_TOKEN, SCREENSHOTS. Exits non-zero on any failure.
import { execFileSync } from 'node:child_process';
import {
  url, DESKTOP, check, run, watchErrors, checkNoErrors, checkFitsWidth, hydrated, screenshot, signIn, askClinician,
  revoke,
} from './lib.mjs';

// The holder's wallet answers `link` (after consent, given by --yes).
function present(link) {
  const out = execFileSync(process.env.MEDCRED_BIN,
    ['wallet', '--wallet-dir', process.env.WALLET_DIR, 'present', link, '--yes'],
    { encoding: 'utf8', env: { ...process.env, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' } });
  return out;
}

await run(async (browser) => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const errors = watchErrors(page);

  // 1. Sign in: hospital staff land on the hospital's home.
  await page.goto(`${url}/signin`);
  await signIn(page, process.env.DESK_EMAIL, process.env.DESK_PASSWORD, /\/hospital$/);
  check(page.url().endsWith('/hospital'), 'a hospital verifier lands on /hospital');
  check(await page.locator('#verify-clinician').isVisible() && await page.locator('#verify-patient').isVisible(),
    'the two big actions are there');
  await hydrated(page);
  await screenshot(page, 'hospital-home');

  // 2. Verify a clinician: a QR code of the openid4vp:// link.
  const link = await askClinician(page);
  check(link.startsWith('openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3A'), `the request link: ${link.slice(0, 60)}…`);
  check((await page.locator('#request-asked').innerText()).includes('RN license'), 'says what is asked');
  check((await page.getAttribute('#open-in-wallet', 'href')) === link, 'the same link as a button for a wallet on this device');
  check((await page.getAttribute('#request-qr', 'aria-label')).includes('QR code'), 'the QR code has a text alternative');
  await page.evaluate(() => { window.__noReload = 'still here'; });
  const before = await page.locator('#request-result').boundingBox();
  await screenshot(page, 'hospital-request-qr');

  // 3. The wallet answers; VALID appears without a reload.
  const sent = present(link);
  check(sent.includes('sent to did:web:'), 'the CLI wallet sent its presentation');
  const banner = await page.waitForSelector('#request-result [data-verdict="valid"]', { timeout: 30000 });
  check((await banner.innerText()).includes('VALID'), 'VALID appears on the page, in words');
  check((await page.evaluate(() => window.__noReload)) === 'still here', 'without a reload');
  const after = await page.locator('#request-result').boundingBox();
  check(Math.abs(after.y - before.y) < 1, `the result area did not move (${before.y} → ${after.y})`);
  const facts = await page.locator('.facts').innerText();
  check(facts.includes('RN') && facts.includes('US-NJ') && facts.includes('accredited'), 'what and from whom are shown');
  check(await page.locator('li.check[data-check="dcql"].passed').count() === 1, 'the answer matched what was asked');
  await screenshot(page, 'hospital-verdict-valid');

  // 4. The verification's page: the receipt downloads; watch the license.
  await page.click('#open-verification');
  await page.waitForURL(/\/hospital\/verifications\/[0-9a-f-]+$/);
  const receiptUrl = new URL(await page.getAttribute('#receipt', 'href'), url).href;
  const receipt = await page.request.get(receiptUrl);
  check(receipt.status() === 200, `the receipt downloads (${receipt.status()})`);
  check((receipt.headers()['content-disposition'] || '').startsWith('attachment'), 'as an attachment');
  const signed = JSON.parse(await receipt.text());
  check(signed.type.includes('VerificationReceipt') && signed.proof, 'a receipt signed by the hospital');
  await Promise.all([page.waitForURL(/\?f=/), page.click('#watch')]);
  check((await page.locator('.notice').innerText()).includes('Watching'), 'the license is now watched');

  // 5. The board revokes the license.
  const revoked = await revoke(process.env.REVOKE_URL, 'browser test');
  check(revoked.status === 200, `the board revokes the license (${revoked.status})`);

  // 6. Ask again, present again: NOT VALID, because it is revoked.
  const link2 = await askClinician(page);
  await page.evaluate(() => { window.__noReload = 'again'; });
  present(link2);
  const bad = await page.waitForSelector('#request-result [data-verdict="invalid"]', { timeout: 30000 });
  check((await bad.innerText()).includes('NOT VALID'), 'NOT VALID appears on the page, in words');
  check((await page.evaluate(() => window.__noReload)) === 'again', 'without a reload');
  const reason = await page.locator('li.check.failed[data-check="status"] .reason').innerText();
  check(reason.includes('revoked'), `with the reason: ${reason}`);
  await screenshot(page, 'hospital-verdict-revoked');

  // 7. History (newest first) and the alert monitoring raised for the watched license.
  await page.goto(`${url}/hospital/verifications`);
  const rows = page.locator('table.verifications tbody tr');
  check(await rows.count() === 2, `two verifications in the history (${await rows.count()})`);
  check((await rows.nth(0).locator('[data-verdict]').getAttribute('data-verdict')) === 'invalid', 'newest first');
  let alerted = false;
  for (let i = 0; i < 20 && !alerted; i += 1) {
    await page.goto(`${url}/hospital/alerts`);
    alerted = await page.locator('[data-standing="revoked"]').count() > 0;
    if (!alerted) await page.waitForTimeout(1000);
  }
  check(alerted, 'the alerts page shows the revoked license');
  await screenshot(page, 'hospital-alerts');

  // 8. Verify a patient: name and date of birth only; the verdict appears in place.
  await page.goto(`${url}/hospital`);
  await page.click('#verify-patient');
  await page.waitForSelector('#ask-form');
  await Promise.all([page.waitForURL(/\/hospital\/requests\//), page.click('#ask-submit')]);
  check((await page.locator('#request-asked').innerText()).includes('date of birth'), 'a patient is asked for name and date of birth');
  await hydrated(page);
  present(await page.inputValue('#request-link'));
  const patient = await page.waitForSelector('#request-result [data-verdict]:not([data-verdict="pending"])', { timeout: 30000 });
  const facts2 = await page.locator('.facts').innerText();
  check(facts2.includes('1990-12-10') && facts2.includes('Lovelace'), `the patient's name and date of birth are shown (${await patient.getAttribute('data-verdict')})`);
  check(!facts2.includes('MRN-000042'), 'and nothing that was not asked for (the patient identifier)');
  await screenshot(page, 'hospital-verdict-patient');
  await page.goto(`${url}/hospital`);
  await screenshot(page, 'hospital-home');

  // 9. A phone's width: the request page fits.
  await page.setViewportSize({ width: 375, height: 800 });
  await askClinician(page);
  await checkFitsWidth(page, 375);
  await screenshot(page, 'hospital-request-phone');

  checkNoErrors(errors);

  // 10. Without JavaScript: the waiting page refreshes itself (a meta refresh in <noscript>).
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await ctx.storageState() });
  const p2 = await plain.newPage();
  await p2.goto(`${url}/hospital/ask/clinician`);
  await Promise.all([p2.waitForURL(/\/hospital\/requests\//), p2.click('#ask-submit')]);
  check((await p2.content()).includes('http-equiv="refresh"'), 'no JavaScript: the waiting page refreshes itself');
  // ... and shows the verdict once the wallet has answered (a patient, whose identity is good).
  await p2.goto(`${url}/hospital/ask/patient`);
  await Promise.all([p2.waitForURL(/\/hospital\/requests\//), p2.click('#ask-submit')]);
  present(await p2.inputValue('#request-link'));
  const plainVerdict = await p2.waitForSelector('#request-result [data-verdict="valid"]', { timeout: 20000 });
  check((await plainVerdict.innerText()).includes('VALID'), 'no JavaScript: VALID appears after the next refresh');
  await plain.close();
  await ctx.close();
});
