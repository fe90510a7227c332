// The board's pages in a real browser (Debian's Chromium, driven by playwright-core): a failed
// sign-in, signing in as the board admin (sent to the sign-in page and back), a field error on the
// issue form, issuing a license, offering it (QR code and PIN), revoking it with a reason and a
// confirmation, a batch from a CSV file with an error report, the dashboard (also at a phone's
// width), a hospital user on a board page (403), and the same sign-in and issuance with
// JavaScript off. Screenshots of the key screens go to $SCREENSHOTS.
//
// Environment: MEDCRED_URL, ADMIN_EMAIL, ADMIN_PASSWORD, DESK_EMAIL, DESK_PASSWORD, SCREENSHOTS.
// Exits non-zero on any failure.
import {
  url, DESKTOP, check, run, watchErrors, checkNoErrors, checkFitsWidth, hydrated, screenshot, signIn,
} from './lib.mjs';

async function fillLicense(page, number) {
  await page.fill('#f-practitionerName', 'Florence Nightingale');
  await page.selectOption('#f-licenseType', 'RN');
  await page.fill('#f-licenseNumber', number);
  await page.fill('#f-jurisdiction', 'US-NJ');
  await page.fill('#f-originalIssueDate', '2012-05-12');
  await page.fill('#f-validUntil', '2031-05-31');
}

await run(async (browser) => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const errors = watchErrors(page);

  // 1. A board page without a session: the sign-in page, which comes back there afterwards.
  await page.goto(`${url}/board/issue`);
  check(new URL(page.url()).pathname === '/signin', `a board page sends strangers to sign in (${page.url()})`);
  check(new URL(page.url()).searchParams.get('next') === '/board/issue', 'with the page to come back to');
  await hydrated(page);
  check(await page.locator('label[for="signin-email"]').isVisible(), 'the fields have labels');

  // 2. A wrong password: a message next to the fields, still on the sign-in page.
  await signIn(page, process.env.ADMIN_EMAIL, 'not the password at all');
  const err = page.locator('#signin-error');
  check(await err.isVisible(), 'a failed sign-in says so');
  check((await page.getAttribute('#signin-email', 'aria-describedby')) === 'signin-error', 'and the field points at the message');
  await screenshot(page, 'signin-failed');

  // 3. The right password (typed with the keyboard, submitted with Enter): back to the issue form.
  await page.focus('#signin-email');
  await page.keyboard.type(process.env.ADMIN_EMAIL);
  await page.keyboard.press('Tab');
  await page.keyboard.type(process.env.ADMIN_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(new URL(page.url()).pathname === '/board/issue', `signed in, back on the issue form (${page.url()})`);
  await hydrated(page);
  check((await page.locator('#account-name').innerText()).length > 0, 'the header shows who is signed in');
  check((await page.locator('#account .role').innerText()).includes('Board administrator'), 'with the role and board');

  // 4. A field the issuer refuses: the message is next to that field, what was typed is kept.
  await fillLicense(page, 'RN 77 !');
  await Promise.all([page.waitForNavigation(), page.click('#issue-submit')]);
  const fieldError = page.locator('#err-licenseNumber');
  check(await fieldError.isVisible(), 'a bad license number gets a message next to it');
  check((await fieldError.innerText()).includes('licenseNumber must be 1-64'), 'in the words the API uses');
  check((await page.inputValue('#f-practitionerName')) === 'Florence Nightingale', 'what was typed is kept');
  await screenshot(page, 'board-issue-error');

  // 5. Fixed: issued, and the credential's page.
  await page.fill('#f-licenseNumber', 'RN-770001');
  await Promise.all([page.waitForNavigation(), page.click('#issue-submit')]);
  check(/\/board\/credentials\/urn:uuid:[0-9a-f-]{36}/.test(page.url()), `issued: the credential's page (${page.url()})`);
  check((await page.locator('#notice').innerText()).includes('Issued'), 'it says it was issued');
  check((await page.getAttribute('[data-state]', 'data-state')) === 'active', 'and active');
  await screenshot(page, 'board-credential-issued');
  const credentialUrl = page.url().split('?')[0];

  // 6. Offer it to the holder's wallet: QR code, link, PIN.
  await Promise.all([page.waitForNavigation(), page.click('#offer-submit')]);
  check(await page.locator('.offer > .qr svg').isVisible(), 'the offer shows a QR code');
  // The web wallet's QR code (for a phone's camera) opens /wallet with the same offer.
  await page.click('.web-wallet-qr summary');
  check(await page.locator('#offer-web-wallet-qr svg').isVisible(), 'and one for the web wallet, on request');
  const webWallet = await page.getAttribute('#open-in-web-wallet', 'href');
  check(webWallet.startsWith('/wallet?credential_offer_uri='), `the web wallet link: ${webWallet.slice(0, 40)}…`);
  check(/^\d{6}$/.test((await page.locator('#offer-pin').innerText()).trim()), 'and a 6-digit PIN, apart');
  check((await page.inputValue('#offer-link')).startsWith('openid-credential-offer://?credential_offer_uri='), 'and the offer link');
  await screenshot(page, 'board-offer');

  // 7. Revoke it: a reason and a confirmation.
  await page.goto(credentialUrl);
  await page.click('#action-revoke summary');
  await page.fill('#reason-revoke', 'Surrendered (board order 2026-114)');
  await page.check('#confirm-revoke');
  await screenshot(page, 'board-revoke-confirm');
  await Promise.all([page.waitForNavigation(), page.click('#submit-revoke')]);
  check((await page.locator('#notice').innerText()).startsWith('Revoked'), 'revoked, it says so');
  check((await page.getAttribute('[data-state]', 'data-state')) === 'revoked', 'the credential is now revoked');
  check((await page.locator('#history').innerText()).includes('board order 2026-114'), 'the history shows the reason');
  await screenshot(page, 'board-credential-revoked');

  // 8. The dashboard, then find the credential through the board's navigation (client-side).
  await page.goto(`${url}/board`);
  check((await page.locator('[data-count="revoked"] .n').innerText()) === '1', 'the dashboard counts one revoked');
  check((await page.locator('#board-did').innerText()).startsWith('did:web:'), "and shows the board's DID");
  await screenshot(page, 'board-dashboard');
  await page.click('nav.subnav a[href="/board/credentials"]');
  await page.waitForSelector('#find-q');
  await page.fill('#find-q', 'RN-770001');
  await Promise.all([page.waitForNavigation(), page.click('#find-submit')]);
  check((await page.locator('#find-results').innerText()).includes('Florence Nightingale'), 'search by license number finds it');

  // 8b. A batch from a CSV file (read into the form in the browser), one row refused: the
  // progress bar follows the run, the refused row is listed and its report can be downloaded.
  await page.goto(`${url}/board/batch`);
  await hydrated(page);
  const csv = 'practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n'
    + 'Ann One,RN,B-100,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n'
    + 'Bob Two,XX,B-101,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n'
    + 'Cy Three,LPN,B-102,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n';
  await page.setInputFiles('#batch-file', { name: 'licenses.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => document.getElementById('batch-csv').value.length > 0);
  check(true, 'a chosen CSV file is read into the form');
  await Promise.all([page.waitForNavigation(), page.click('#batch-submit')]);
  check(await page.locator('#batch-progress').isVisible(), 'the batch shows a progress bar');
  await page.locator('#batch-job[data-done="true"]').waitFor({ timeout: 20000 });
  const counts = await page.locator('#batch-counts').innerText();
  check(counts.includes('2 issued') && counts.includes('1 refused'), `the batch's counts (${counts})`);
  check((await page.locator('#batch-errors').innerText()).includes('B-101'), 'the refused row is listed');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-report')]);
  check(download.suggestedFilename() === 'batch-errors.csv', 'the error report downloads');
  await screenshot(page, 'board-batch');

  // 9. A phone's width: nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${url}/board`);
  await checkFitsWidth(page, 375);
  await screenshot(page, 'board-dashboard-phone');

  // 10. Sign out: the board is closed again.
  await Promise.all([page.waitForNavigation(), page.click('#signout')]);
  check(new URL(page.url()).pathname === '/signin', 'signed out');
  await page.goto(`${url}/board`);
  check(new URL(page.url()).pathname === '/signin', 'and the board asks to sign in again');

  // 11. A hospital user on a board page: 403 and why.
  const desk = await browser.newContext();
  const dp = await desk.newPage();
  await dp.goto(`${url}/signin`);
  await signIn(dp, process.env.DESK_EMAIL, process.env.DESK_PASSWORD);
  const resp = await dp.goto(`${url}/board`);
  check(resp.status() === 403, `a hospital user gets 403 on the board's pages (${resp.status()})`);
  check((await dp.locator('#forbidden').innerText()).includes('licensing board staff'), 'with why');
  await screenshot(dp, 'board-forbidden');
  await desk.close();

  // 12. Without JavaScript: sign in, issue, see it.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const pp = await plain.newPage();
  await pp.goto(`${url}/signin?next=%2Fboard%2Fissue`);
  await signIn(pp, process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  check(new URL(pp.url()).pathname === '/board/issue', 'no JavaScript: signed in');
  await fillLicense(pp, 'RN-770002');
  await Promise.all([pp.waitForNavigation(), pp.click('#issue-submit')]);
  check((await pp.locator('#notice').innerText()).includes('Issued'), 'no JavaScript: issued');
  await plain.close();

  checkNoErrors(errors);
  await ctx.close();
});
