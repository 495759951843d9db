// The review screen shows a birth date as the person's papers give it: a day or a month
// written 00 is unknown (issue 12), so only the known parts are shown, never a made-up date;
// an overseas mobile in the national form people write, not its E.164 form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, startEnrolment, fillNir, fillIdentity, fillVerification, chooseDepartment, waitForStep, PERSON,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('a birth date with unknown parts shows only what is known, in French and English', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  const shown = await page.evaluate(async () => {
    const { formatDate } = await import('./js/steps/review.js');
    const dates = ['1984-12-03', '1966-03-00', '1966-00-00'];
    return {
      fr: dates.map((d) => formatDate(d, 'fr')),
      en: dates.map((d) => formatDate(d, 'en')),
    };
  });
  const norm = (s) => s.replace(/\u00a0/g, ' ');
  assert.deepEqual(shown.fr.map(norm), ['3 décembre 1984', 'mars 1966', '1966']);
  assert.deepEqual(shown.en.map(norm), ['3 December 1984', 'March 1966', '1966']);
  await assertClean(page, problems);
  await context.close();
});

test('an overseas mobile shows on review in the national form the person knows, never +262 or +590', async () => {
  for (const [typed, shown] of [['06 93 45 67 89', '0693 45 67 89'], ['+590 690 12 34 56', '0690 12 34 56']]) {
    const { context, page, problems } = await openApp(browser, server.url);
    await startEnrolment(page);
    await fillNir(page);
    await waitForStep(page, 'Vos informations personnelles');
    await fillIdentity(page, { ...PERSON, phone: typed });
    await waitForStep(page, 'Une information pour vous reconnaître');
    await fillVerification(page, 'vitalePhoto');
    await waitForStep(page, 'Le département de votre MSA');
    await chooseDepartment(page);
    await waitForStep(page, 'Vérifiez vos réponses');
    const row = page.locator('main dl .summary-list__row').filter({ has: page.getByText('Téléphone portable', { exact: true }) });
    assert.equal((await row.locator('dd.summary-list__value').textContent()).trim(), shown, typed);
    await assertClean(page, problems);
    await context.close();
  }
});
