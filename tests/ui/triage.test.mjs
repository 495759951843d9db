// Issue 15 (i15b): the welcome screen's other ways (« J'ai déjà un compte », « J'ai oublié
// mon mot de passe », « Je n'ai pas reçu mon mot de passe »), and an enrolment without an
// e-mail address (« Je n'ai pas d'adresse e-mail » → « par courrier » at step 3, on the
// review and at step 7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, assertAxe, startEnrolment, fillNir, waitForStep, calls, next,
  fillVerification, chooseDepartment, isFocused, eventually, PERSON,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const PATHS = [
  { button: "J'ai déjà un compte", title: 'Vous avez déjà un compte', says: /Se connecter/, en: ['I already have an account', 'You already have an account'] },
  { button: "J'ai oublié mon mot de passe", title: 'Vous avez oublié votre mot de passe', says: /Mot de passe oublié/, en: ['I forgot my password', 'You forgot your password'] },
  { button: "Je n'ai pas reçu mon mot de passe", title: "Vous n'avez pas reçu votre mot de passe", says: /courrier indésirable/, en: ['I did not get my password', 'You did not get your password'] },
];

for (const path of PATHS) {
  test(`welcome → « ${path.button} »: one calm screen, nothing to type, « Retour » comes back`, async () => {
    const { context, page, problems } = await openApp(browser, server.url, { config: { mode: 'kiosk' } });
    const button = page.getByRole('button', { name: path.button, exact: true });
    await button.click();
    await waitForStep(page, path.title);
    const main = page.locator('#step-root');
    assert.match(await main.textContent(), path.says, 'the next step as msa.fr gives it');
    assert.match(await main.textContent(), /conseiller de l'accueil/, 'the reception desk');
    assert.equal(await main.locator('input, select, textarea').count(), 0, 'nothing to type');
    assert.doesNotMatch(await main.textContent(), /Étape/, 'not a step of the enrolment');
    assert.ok(await page.getByRole('button', { name: 'Abandonner' }).isHidden(), 'no « Abandonner »: nothing to abandon');
    assert.deepEqual(await calls(page, 'start_session'), [], 'no session was started');
    assert.match(await page.title(), new RegExp(path.title.replace(/'/g, "'")), 'the page title says where the person is');
    await assertAxe(page, `triage ${path.button}`);

    await main.getByRole('button', { name: 'Retour', exact: true }).click();
    await page.getByRole('button', { name: "S'inscrire", exact: true }).waitFor();
    await eventually(() => isFocused(page.getByRole('button', { name: path.button, exact: true })),
      { message: 'the focus is back on the button that was pressed' });

    // The same in English, language kept on the way back.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: path.en[0], exact: true }).click();
    await waitForStep(page, path.en[1]);
    await assertAxe(page, `triage ${path.en[0]} (en)`);
    await main.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('button', { name: 'Sign up', exact: true }).waitFor();
    await assertClean(page, problems);
    await context.close();
  });
}

test('the welcome screen names the other ways under a heading, and passes axe', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  const section = page.getByRole('region', { name: 'Vous avez déjà un compte ?' });
  await section.waitFor();
  assert.equal(await section.getByRole('button').count(), 3);
  assert.ok(await page.getByRole('heading', { level: 2, name: 'Vous avez déjà un compte ?' }).isVisible());
  await assertAxe(page, 'welcome with its other ways');
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'contrast'));
  await assertAxe(page, 'welcome with its other ways (contrast)', { extraRules: ['color-contrast-enhanced'] });
  await assertClean(page, problems);
  await context.close();
});

test('no e-mail address: a choice, not an empty field; « par courrier » at step 3, on the review and at step 7', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  // Step 3 no longer promises the password at the address typed (the contract sends it to
  // the address the MSA has on file).
  const main = page.locator('#step-root');
  assert.doesNotMatch(await main.textContent(), /Nous y enverrons votre mot de passe/);

  await page.getByLabel('Nom', { exact: true }).fill(PERSON.lastName);
  await page.getByLabel('Prénom', { exact: true }).fill(PERSON.firstName);
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  await birth.getByLabel('Jour').fill(PERSON.day);
  await birth.getByLabel('Mois').fill(PERSON.month);
  await birth.getByLabel('Année').fill(PERSON.year);

  // An empty field alone is refused, and the message names the choice.
  await next(page);
  await page.getByRole('heading', { name: 'Il y a un problème' }).waitFor();
  const summary = await page.locator('.error-summary').textContent();
  assert.match(summary, /Je n'ai pas d'adresse e-mail/);

  const email = page.getByLabel('Adresse e-mail', { exact: true });
  await email.fill('jea');
  const box = page.getByRole('checkbox', { name: "Je n'ai pas d'adresse e-mail" });
  await box.check();
  assert.ok(await email.isHidden(), 'the e-mail field goes away');
  assert.match(await main.textContent(), /Votre mot de passe vous sera envoyé par courrier\./, 'said before: by post');
  await assertAxe(page, 'step 3 without e-mail');
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  const sent = (await calls(page, 'submit_identity')).at(-1).args;
  assert.equal(sent.noEmail, true);
  assert.equal(sent.email, '', 'the half-typed address is not sent');

  // Back to step 3: the choice is still ticked, the field still hidden.
  await page.getByRole('link', { name: 'Retour' }).click();
  await waitForStep(page, 'Vos informations personnelles');
  assert.ok(await page.getByRole('checkbox', { name: "Je n'ai pas d'adresse e-mail" }).isChecked());
  assert.ok(await page.getByLabel('Adresse e-mail', { exact: true }).isHidden());
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');

  await fillVerification(page, 'vitalePhoto');
  await waitForStep(page, 'Le département de votre MSA');
  await chooseDepartment(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  const row = page.locator('.summary-list__row', { hasText: 'Adresse e-mail' });
  assert.match(await row.textContent(), /Pas d'adresse e-mail : mot de passe par courrier/, 'the review says it');
  await assertAxe(page, 'review without e-mail');
  await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.getByRole('heading', { level: 1, name: /Votre demande est enregistrée/ }).waitFor();
  const end = await main.textContent();
  assert.match(end, /par courrier/, 'step 7: by post');
  assert.doesNotMatch(end, /par e-mail à/, 'never « par e-mail »');
  await assertClean(page, problems);
  await context.close();
});

test('no e-mail address and the MSA has not answered yet: step 7 still says « par courrier »', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { outcome: 'queued' } });
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await page.getByLabel('Nom', { exact: true }).fill(PERSON.lastName);
  await page.getByLabel('Prénom', { exact: true }).fill(PERSON.firstName);
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  await birth.getByLabel('Jour').fill(PERSON.day);
  await birth.getByLabel('Mois').fill(PERSON.month);
  await birth.getByLabel('Année').fill(PERSON.year);
  await page.getByRole('checkbox', { name: "Je n'ai pas d'adresse e-mail" }).check();
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  await fillVerification(page, 'vitalePhoto');
  await waitForStep(page, 'Le département de votre MSA');
  await chooseDepartment(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await page.getByRole('heading', { level: 1, name: /Votre demande est enregistrée/ }).waitFor();
  const end = await page.locator('#step-root').textContent();
  assert.match(end, /mot de passe provisoire par courrier/);
  assert.doesNotMatch(end, /par e-mail ou par courrier/);
  await assertClean(page, problems);
  await context.close();
});

test('the other ways at 200 % text: no horizontal scrolling at 1280×800, targets at least 48×48 px', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { viewport: { width: 1280, height: 800 } });
  await page.getByRole('radio', { name: 'Très grande (200 %)' }).check();
  const check = async (label) => {
    const found = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const small = [...document.querySelectorAll('main button, main a[href]')]
        .filter((el) => el.checkVisibility())
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 48 || r.height < 48)
        .map(({ el }) => el.textContent.trim());
      // The page never scrolls; `main` is the scroller (ui/css/base.css): neither sideways.
      const main = document.querySelector('main');
      return { scroll: Math.max(document.documentElement.scrollWidth - width, main.scrollWidth - main.clientWidth), small };
    });
    assert.deepEqual(found, { scroll: 0, small: [] }, label);
  };
  await check('welcome at 200 %');
  for (const path of PATHS) {
    await page.getByRole('button', { name: path.button, exact: true }).click();
    await waitForStep(page, path.title);
    await check(`${path.title} at 200 %`);
    await page.locator('#step-root').getByRole('button', { name: 'Retour', exact: true }).click();
    await page.getByRole('button', { name: "S'inscrire", exact: true }).waitFor();
  }
  await assertClean(page, problems);
  await context.close();
});
