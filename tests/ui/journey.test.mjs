// Issue 15, the person's journey in the page (fake Rust side): the NIR grouped as it is
// typed on the pad, by keys and by a real paste, caret kept; step 5 by « Oui » in two
// touches; step 7's outcome, reference, countdown and « Terminer » in view without
// scrolling at 100 % and 200 % on the kiosk's screens. The same checks run in the real
// WebKitGTK app in tests/e2e/journey.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, startEnrolment, fillNir, fillIdentity, fillVerification,
  waitForStep, next, reachReview, calls, norm, reachDepartment,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** What a screen reader is given for the field: its value and its description. */
const spoken = (field) => field.evaluate((el) => ({
  value: el.value,
  description: (el.getAttribute('aria-describedby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' '),
}));

test('NIR on the on-screen pad: grouped after every digit, spelled digit by digit for screen readers', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { hasTouch: true, config: { mode: 'kiosk', onScreenKeyboard: true } });
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.click();
  const pad = page.getByRole('group', { name: "Clavier à l'écran" });
  const seen = [];
  for (const digit of '2690549588157') {
    await pad.getByRole('button', { name: digit, exact: true }).click();
    seen.push(await nir.inputValue());
  }
  assert.deepEqual(seen.slice(0, 6), ['2', '2 6', '2 69', '2 69 0', '2 69 05', '2 69 05 4']);
  assert.equal(seen.at(-1), '2 69 05 49 588 157');
  const { description } = await spoken(nir);
  assert.match(norm(description), /13 chiffres tapés : 2 6 9 0 5 4 9 5 8 8 1 5 7$/);
  // The caret stays after the digit typed, also in the middle: « 2 69 |05 » + 1.
  await nir.evaluate((el) => el.setSelectionRange(4, 4));
  await pad.getByRole('button', { name: '1', exact: true }).click();
  assert.equal(await nir.inputValue(), '2 69 10 54 958 815 7');
  assert.equal(await nir.evaluate((el) => el.selectionStart), 6, 'caret right after the 1');
  // Backspace right after a group space takes the digit before it.
  await pad.getByRole('button', { name: 'Effacer' }).click();
  assert.equal(await nir.inputValue(), '2 69 05 49 588 157');
  assert.equal(await nir.evaluate((el) => el.selectionStart), 4);
  await assertClean(page, problems);
  await context.close();
});

test('NIR pasted (real clipboard) and typed on a physical keyboard: grouped, caret at the end', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.focus();
  await page.evaluate(() => navigator.clipboard.writeText('1841276451089'));
  await page.keyboard.press('Control+V');
  assert.equal(await nir.inputValue(), '1 84 12 76 451 089');
  assert.equal(await nir.evaluate((el) => el.selectionStart), 18);
  await nir.fill('');
  await nir.pressSequentially('2b0');
  assert.equal(await nir.inputValue(), '2 B0', 'upper-cased, grouped');
  await nir.fill('');
  await nir.pressSequentially('12345');
  assert.equal(await nir.inputValue(), '1 23 45');
  await next(page);
  assert.equal(norm(await page.getByRole('link', { name: /^Il faut 13 chiffres/ }).textContent()), 'Il faut 13 chiffres. Vous en avez tapé 5.');
  await assertClean(page, problems);
  await context.close();
});

test('step 5 by « Oui » in two touches: the agency\'s MSA, no list', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { hasTouch: true });
  await reachDepartment(page, 'none');
  assert.equal(await page.getByRole('radio').count(), 2, 'only « Oui » and « Non » before an answer');
  await page.getByRole('radio', { name: 'Oui' }).tap();
  await page.getByRole('button', { name: 'Suivant', exact: true }).tap();
  await waitForStep(page, 'Vérifiez vos réponses');
  assert.deepEqual((await calls(page, 'submit_department')).at(-1).args, { code: '44' });
  await assertClean(page, problems);
  await context.close();
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 1366, height: 768 }]) {
  for (const size of ['100', '200']) {
    test(`step 7 at ${viewport.width}×${viewport.height}, text ${size} %: outcome, reference, countdown and « Terminer » in view`, async () => {
      // « Écouter » on, as `[speech] enabled` is by default: the header as the kiosk shows it.
      const { context, page, problems } = await openApp(browser, server.url, { viewport, config: { receiptPrint: 'button', speech: { enabled: true } } });
      if (size === '200') await page.getByRole('radio', { name: 'Très grande (200 %)' }).check();
      await reachReview(page, 'none');
      await page.getByRole('checkbox', { name: /J'accepte les conditions/ }).check();
      await page.getByRole('button', { name: 'Valider mon inscription' }).click();
      await waitForStep(page, 'Votre demande est enregistrée');
      const rects = await page.evaluate(() => {
        const pick = (sel) => document.querySelector(sel)?.getBoundingClientRect().toJSON() ?? null;
        return {
          outcome: pick('.panel__text'),
          reference: pick('.reference__value'),
          countdown: pick('.countdown__text'),
          finish: pick('.button--finish'),
          // The page never scrolls; `main`, below the header, is the scroller (ui/css/base.css).
          scrolled: window.scrollY + document.querySelector('main').scrollTop,
          area: pick('main'),
          height: window.innerHeight,
          width: document.documentElement.clientWidth,
        };
      });
      assert.equal(rects.scrolled, 0, 'nothing was scrolled');
      for (const name of ['outcome', 'reference', 'countdown', 'finish']) {
        const r = rects[name];
        assert.ok(r, `${name} is on the page`);
        assert.ok(r.top >= 0 && r.bottom <= rects.height && r.left >= 0 && r.right <= rects.width,
          `${name} inside the ${rects.width}×${rects.height} viewport: ${JSON.stringify(r)}`);
        assert.ok(r.top >= rects.area.top && r.bottom <= rects.area.bottom,
          `${name} inside the main area's visible part (${rects.area.top}–${rects.area.bottom}): ${JSON.stringify(r)}`);
      }
      await assertClean(page, problems);
      await context.close();
    });
  }
}
