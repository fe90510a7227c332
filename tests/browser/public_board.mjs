// A board's public page in a real browser (Debian's Chromium, driven by playwright-core): no
// sign-in; the DID and the newest checkpoint are shown; the inclusion proof lookup (a GET form)
// says "verified" for list 0 and refuses a bad list number; the page at a phone's width; the
// lookup with JavaScript off. Screenshots: public-board.png and public-board-proof.png in
// $SCREENSHOTS.
//
// Environment: MEDCRED_URL, BOARD_DID, SCREENSHOTS. Exits non-zero on any failure.
import {
  url, DESKTOP, check, run, watchErrors, checkNoErrors, checkFitsWidth, hydrated, screenshot,
} from './lib.mjs';

await run(async (browser) => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  // The unknown board's 404 (step 6) is what that step expects.
  const errors = watchErrors(page, { expected: ['/public/boards/no-such-board'] });

  // 1. The page, first to prove a list so that a checkpoint exists, then as a visitor finds it.
  await page.goto(`${url}/public/boards/e2e?list=0&purpose=revocation`);
  await page.goto(`${url}/public/boards/e2e`);
  await hydrated(page);
  check((await page.locator('h1').innerText()).includes('E2E Board of Medicine'), 'the board is named');
  check((await page.locator('#public-did').innerText()) === process.env.BOARD_DID, 'the DID is shown');
  check(/\d+ entr(y|ies)/.test(await page.locator('#ledger-size').innerText()), 'the ledger size is shown');
  check((await page.locator('#checkpoint-note').innerText()).includes('/boards/e2e'), 'the checkpoint note is shown');
  check(await page.locator('#checkpoints tbody tr').count() >= 1, 'recent checkpoints are listed');
  await screenshot(page, 'public-board');

  // 2. The inclusion proof lookup.
  await page.fill('#proof-list', '0');
  await page.selectOption('#proof-purpose', 'revocation');
  await Promise.all([page.waitForNavigation(), page.click('#proof-submit')]);
  await page.waitForSelector('#proof-result');
  check(await page.locator('#proof-result').getAttribute('data-result') === 'verified', 'list 0 is verified');
  check((await page.locator('#proof-result').innerText()).includes('Verified'), 'the result is in words');
  check(await page.locator('ol.steps li[data-ok="true"]').count() === 4, 'four steps, all holding');
  await page.locator('#proof').scrollIntoViewIfNeeded();
  await screenshot(page, 'public-board-proof');

  // 3. A bad list number is refused in words.
  await page.fill('#proof-list', '01');
  await Promise.all([page.waitForNavigation(), page.click('#proof-submit')]);
  check(await page.locator('#proof-result').getAttribute('data-result') === 'refused', 'a bad list number is refused');
  check((await page.locator('#proof-result').innerText()).includes('whole number'), 'with a clear message');

  // 4. At a phone's width nothing is wider than the screen.
  const phone = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const pp = await phone.newPage();
  await pp.goto(`${url}/public/boards/e2e?list=0&purpose=suspension`);
  await checkFitsWidth(pp, 375);
  check(await pp.locator('#proof-result').getAttribute('data-result') === 'verified', 'phone: suspension list verified');
  await phone.close();

  // 5. Without JavaScript the lookup still works (a GET form).
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const np = await plain.newPage();
  await np.goto(`${url}/public/boards/e2e`);
  await np.fill('#proof-list', '0');
  await Promise.all([np.waitForNavigation(), np.click('#proof-submit')]);
  check(await np.locator('#proof-result').getAttribute('data-result') === 'verified', 'no JavaScript: verified');
  await plain.close();

  // 6. An unknown board.
  const r = await page.goto(`${url}/public/boards/no-such-board`);
  check(r.status() === 404, 'an unknown board is a 404');

  checkNoErrors(errors);
  await ctx.close();
});
