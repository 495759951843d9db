// axe-core (WCAG 2.0/2.1/2.2 A and AA) on every screen and on the error state
// of every step, in both themes (the high-contrast theme also against the 7:1
// rule); text at 200 % reflows without horizontal scrolling at 1280×800; every
// target is at least 48 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, assertAxe, startEnrolment, fillNir, fillIdentity, fillVerification,
  chooseDepartment, waitForStep, next,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/**
 * Walks through every screen, its error state and the dialogs, calling check(label) at each.
 * @param {import('playwright-core').Page} page
 * @param {(label: string) => Promise<void>} check
 */
async function tour(page, check) {
  const dialog = async (button, name, label) => {
    await page.getByRole('button', { name: button }).click();
    const d = page.getByRole('dialog', { name });
    await d.waitFor();
    await check(label);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'hidden' });
  };
  const errors = async (label) => {
    await next(page);
    await page.getByRole('alert').waitFor();
    await check(`${label} (errors)`);
  };

  await check('1 welcome');
  await dialog("Besoin d'aide ?", 'Un conseiller va venir', 'help dialog');
  await dialog('Affichage', 'Affichage', 'display dialog');

  await startEnrolment(page);
  await check('2 NIR');
  await errors('2 NIR');
  await dialog('Abandonner', 'Voulez-vous abandonner ?', 'confirm dialog');
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await check('3 identity');
  await errors('3 identity');
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 20 }));
  await page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' }).waitFor();
  await check('idle dialog');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await fillIdentity(page, { lastName: 'Dupont', firstName: 'Jeanne', day: '3', month: '5', year: '1969', email: 'jeanne@gmial.com', phone: '' });
  await page.getByRole('button', { name: 'Oui, corriger' }).waitFor();
  await check('3 identity (e-mail suggestion)');
  await page.getByRole('button', { name: 'Oui, corriger' }).click();
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  await check('4 verification');
  await errors('4 verification');
  await page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale avec photo' }).check();
  await errors('4 verification, Vitale field');
  await page.getByRole('radio', { name: "La date de naissance d'un de mes enfants" }).check();
  await errors('4 verification, child date');
  await fillVerification(page, 'none');
  await waitForStep(page, 'Le département de votre MSA');
  await check('5 département');
  await errors('5 département');
  await page.getByRole('radio', { name: 'Non, une autre MSA' }).check();
  await page.getByLabel('Chercher un département').fill('loire');
  await check('5 département (filtered)');
  await page.getByLabel('Chercher un département').fill('');
  await page.getByRole('radio', { name: 'Guadeloupe' }).check();
  await page.locator('#department-overseas-explain').waitFor();
  await check('5 département (overseas explained)');
  await chooseDepartment(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  await check('6 review');
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.getByRole('alert').waitFor();
  await check('6 review (errors)');
  await page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" }).check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await waitForStep(page, 'Votre demande est enregistrée');
  await check('7 confirmation');
  await page.getByRole('button', { name: 'Imprimer mon reçu' }).click();
  await page.getByText("L'impression n'a pas marché. Notez votre numéro : K7Q2-9DF3").waitFor();
  await check('7 confirmation (print failed)');
}

for (const theme of ['normal', 'contrast']) {
  test(`axe: 0 violations on every screen and error state (${theme} theme)`, async () => {
    const { context, page, problems } = await openApp(browser, server.url, { config: { receiptPrint: 'button', printer: 'fail' } });
    if (theme === 'contrast') {
      await page.getByRole('radio', { name: 'Contraste élevé (blanc sur noir)' }).check();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
    }
    // The high-contrast theme is held to AAA contrast (7:1).
    const options = theme === 'contrast' ? { extraRules: ['color-contrast-enhanced'] } : {};
    await tour(page, (label) => assertAxe(page, `${label} [${theme}]`, options));
    await assertClean(page, problems);
    await context.close();
  });
}

test('axe with the on-screen keyboard open (kiosk mode), and in English', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { mode: 'kiosk', onScreenKeyboard: true } });
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await waitForStep(page, 'Your social security number');
  await page.getByLabel('Social security number', { exact: true }).click();
  await page.getByRole('group', { name: 'On-screen keyboard' }).waitFor();
  await assertAxe(page, 'NIR with the keyboard (en)');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await assertAxe(page, 'NIR errors (en)');
  await assertClean(page, problems);
  await context.close();
});

test('text at 200 %: nothing lost, no horizontal scrolling at 1280×800, on every screen', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { viewport: { width: 1280, height: 800 }, config: { receiptPrint: 'button', printer: 'fail' } });
  await page.getByRole('radio', { name: 'Très grande (200 %)' }).check();
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).fontSize), '40px');
  await tour(page, async (label) => {
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.checkVisibility() && !el.closest('.visually-hidden') && !el.classList.contains('skip-link'))
        .filter((el) => el.getBoundingClientRect().right > width + 1 || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.clientWidth > 0 && !['INPUT', 'TEXTAREA'].includes(el.tagName))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`);
      // The page never scrolls; `main` is the scroller (ui/css/base.css): both must not scroll sideways.
      const main = document.querySelector('main');
      const scroll = Math.max(document.documentElement.scrollWidth - width, main.scrollWidth - main.clientWidth);
      return { scroll, wide: wide.slice(0, 5) };
    });
    assert.deepEqual(overflow, { scroll: 0, wide: [] }, `horizontal overflow on ${label}`);
  });
  await assertClean(page, problems);
  await context.close();
});

test('every target is at least 48×48 px (buttons, links, fields, choice tiles)', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { receiptPrint: 'button', printer: 'fail' } });
  await tour(page, async (label) => {
    const small = await page.evaluate(() => {
      const modal = document.querySelector('dialog:modal');
      const scope = modal || document;
      return [...scope.querySelectorAll('button, a[href], input:not([type=radio]):not([type=checkbox]), .choice')]
        .filter((el) => el.checkVisibility() && !el.classList.contains('skip-link') && !el.closest('.osk'))
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 48 || r.height < 48)
        .map(({ el, r }) => `${el.tagName.toLowerCase()} « ${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 30)} » ${Math.round(r.width)}×${Math.round(r.height)}`);
    });
    assert.deepEqual(small, [], `small targets on ${label}`);
  });
  await assertClean(page, problems);
  await context.close();
});
