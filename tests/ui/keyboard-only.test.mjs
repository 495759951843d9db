// A whole enrolment with the keyboard alone (Tab, Shift+Tab, arrows, Space,
// Enter), no mouse, no touch: every control is reachable and operable, and
// focus is always visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openApp, assertClean, waitForStep, isFocused, calls, PERSON } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Tab (or Shift+Tab) until `locator` has focus; checks a visible focus indicator on the way. */
async function tabTo(page, locator, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i += 1) {
    if (await isFocused(locator)) {
      const visible = await locator.evaluate((el) => {
        const style = getComputedStyle(el);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
      });
      assert.ok(visible, 'focus is visible');
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`could not reach ${locator} with ${back ? 'Shift+Tab' : 'Tab'}`);
}

test('keyboard-only enrolment', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await tabTo(page, page.getByRole('button', { name: "S'inscrire", exact: true }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Votre numéro de sécurité sociale');

  // From the focused heading, Tab goes to the field; Enter sends the form.
  await tabTo(page, page.getByLabel('Numéro de sécurité sociale', { exact: true }));
  await page.keyboard.type(PERSON.nir);
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Vos informations personnelles');

  await tabTo(page, page.getByLabel('Nom', { exact: true }));
  await page.keyboard.type('Dupont');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Jeanne');
  await page.keyboard.press('Tab');
  await page.keyboard.type('3');
  await page.keyboard.press('Tab');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1969');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page.getByLabel('Adresse e-mail', { exact: true })), 'fields in reading order');
  await page.keyboard.type(PERSON.email);
  await tabTo(page, page.getByRole('button', { name: 'Suivant', exact: true }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Une information pour vous reconnaître');

  // A radio group is one Tab stop; arrows choose; the revealed field follows.
  await tabTo(page, page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale avec photo' }));
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale sans photo' }).isChecked());
  await page.keyboard.press('ArrowUp');
  const photo = page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale avec photo' });
  assert.ok(await photo.isChecked());
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page.getByLabel('Numéro de série de la carte avec photo')), 'the revealed field is next');
  await page.keyboard.type('12345678901');
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Le département de votre MSA');

  // The search box filters; Enter in it does not send the form.
  // « Non » to the agency's MSA (arrow in the yes/no group), then the search is next.
  await tabTo(page, page.getByRole('radio', { name: 'Oui' }));
  await page.keyboard.press('ArrowDown');
  assert.ok(await page.getByRole('radio', { name: 'Non, une autre MSA' }).isChecked());
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page.getByLabel('Chercher un département')));
  // By number: « Vendée » also finds 44, whose caisse is « MSA Loire-Atlantique-Vendée ».
  await page.keyboard.type('85');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page.getByRole('radio', { name: 'Vendée' })));
  await page.keyboard.press('Space');
  assert.ok(await page.getByRole('radio', { name: 'Vendée' }).isChecked());
  await tabTo(page, page.getByRole('button', { name: 'Suivant', exact: true }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Vérifiez vos réponses');

  // « Modifier » links work with Enter, then back to the review.
  await tabTo(page, page.getByRole('link', { name: 'Modifier votre prénom' }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Vos informations personnelles');
  await tabTo(page, page.getByLabel('Prénom', { exact: true }));
  await page.keyboard.press('End');
  await page.keyboard.type('-Marie');
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Vérifiez vos réponses');
  assert.ok(await page.getByRole('main').getByText('Jeanne-Marie').isVisible());

  // The CGU region is focusable (scrollable with the keyboard).
  await tabTo(page, page.getByRole('region', { name: "Texte complet des conditions générales d'utilisation" }));
  await page.keyboard.press('PageDown');
  await tabTo(page, page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" }));
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page.getByRole('button', { name: 'Valider mon inscription' })));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Votre demande est enregistrée');
  assert.deepEqual((await calls(page, 'submit_department')).at(-1).args, { code: '85' });

  // The toolbar is reachable too, and « Terminer » ends.
  await tabTo(page, page.getByRole('button', { name: 'Terminer' }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Créer Mon espace privé');
  await tabTo(page, page.getByRole('button', { name: "Besoin d'aide ?" }), { back: true });
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Un conseiller va venir' }).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Un conseiller va venir' }).waitFor({ state: 'hidden' });
  await assertClean(page, problems);
  await context.close();
});

test('the error summary is reachable and its links work with the keyboard', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await tabTo(page, page.getByRole('button', { name: "S'inscrire", exact: true }));
  await page.keyboard.press('Enter');
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  await tabTo(page, page.getByLabel('Numéro de sécurité sociale', { exact: true }));
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  await page.keyboard.press('Tab');
  const link = page.getByRole('alert').getByRole('link');
  assert.ok(await isFocused(link), 'Tab from the summary goes to its first link');
  await page.keyboard.press('Enter');
  assert.ok(await isFocused(page.getByLabel('Numéro de sécurité sociale', { exact: true })));
  await assertClean(page, problems);
  await context.close();
});
