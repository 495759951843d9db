// Back links and « Modifier » keep answers; the title, focus and live region on
// each step change; help and « Abandonner » dialogs; English; lock-down helpers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, startEnrolment, fillNir, fillIdentity, fillVerification,
  chooseDepartment, waitForStep, next, reachReview, calls, eventually, isFocused, PERSON,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('each step: title, focus on the h1, polite announcement, back link and « Suivant »', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  const welcome = page.getByRole('heading', { level: 1 });
  assert.equal((await welcome.textContent()).replace(/\s+/g, ' ').trim(), 'Étape 1 sur 7 Créer Mon espace privé');
  assert.equal(await page.getByRole('link', { name: 'Retour' }).count(), 0, 'no back link on step 1');
  await startEnrolment(page);
  assert.equal(await page.title(), 'Étape 2 sur 7 Votre numéro de sécurité sociale – Mon espace privé – MSA');
  await eventually(async () => (await page.locator('#live').textContent()).replace(/\u00a0/g, ' ') === 'Étape 2 sur 7 : Votre numéro de sécurité sociale');
  assert.equal(await page.locator('#live').getAttribute('aria-live'), 'polite');
  assert.ok(await page.getByRole('link', { name: 'Retour' }).isVisible());
  const suivant = page.getByRole('button', { name: 'Suivant', exact: true });
  assert.equal(await suivant.isDisabled(), false, '« Suivant » is never disabled');
  // The same help and « Abandonner » in the same place on every step.
  assert.ok(await page.getByRole('navigation', { name: 'Aide et réglages' }).getByRole('button', { name: "Besoin d'aide ?" }).isVisible());
  assert.ok(await page.getByRole('button', { name: 'Abandonner' }).isVisible());
  await assertClean(page, problems);
  await context.close();
});

test('back links keep the answers (from Rust via open_step)', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await fillIdentity(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  await page.getByRole('radio', { name: "La date de naissance d'un de mes enfants" }).check();
  const child = page.getByRole('group', { name: 'Date de naissance de votre enfant' });
  await child.getByLabel('Jour').fill('14');
  await child.getByLabel('Mois').fill('6');
  await child.getByLabel('Année').fill('2001');
  await next(page);
  await waitForStep(page, 'Le département de votre MSA');

  await page.getByRole('link', { name: 'Retour' }).click();
  await waitForStep(page, 'Une information pour vous reconnaître');
  assert.ok(await page.getByRole('radio', { name: "La date de naissance d'un de mes enfants" }).isChecked());
  assert.equal(await child.getByLabel('Année').inputValue(), '2001');

  await page.getByRole('link', { name: 'Retour' }).click();
  await waitForStep(page, 'Vos informations personnelles');
  assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), PERSON.lastName);
  assert.equal(await page.getByRole('group', { name: 'Date de naissance' }).getByLabel('Mois').inputValue(), PERSON.month);
  assert.equal(await page.getByLabel('Adresse e-mail', { exact: true }).inputValue(), PERSON.email);

  await page.getByRole('link', { name: 'Retour' }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  assert.equal(await page.getByLabel('Numéro de sécurité sociale', { exact: true }).inputValue(), PERSON.nir);

  // Forward again: each step is prefilled.
  await next(page);
  await waitForStep(page, 'Vos informations personnelles');
  assert.equal(await page.getByLabel('Prénom', { exact: true }).inputValue(), PERSON.firstName);
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  assert.equal(await child.getByLabel('Jour').inputValue(), '14');
  await next(page);
  await waitForStep(page, 'Le département de votre MSA');
  assert.deepEqual((await calls(page, 'open_step')).map((c) => c.args.step), ['verification', 'identity', 'nir', 'identity', 'verification']);

  // Back from step 2 once something was answered asks before wiping.
  for (const step of ['Une information pour vous reconnaître', 'Vos informations personnelles', 'Votre numéro de sécurité sociale']) {
    await page.getByRole('link', { name: 'Retour' }).click();
    await waitForStep(page, step);
  }
  await page.getByRole('link', { name: 'Retour' }).click();
  const confirm = page.getByRole('dialog', { name: 'Voulez-vous abandonner ?' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Non, continuer mon inscription' }).click();
  assert.equal(await page.getByLabel('Numéro de sécurité sociale', { exact: true }).inputValue(), PERSON.nir);
  await assertClean(page, problems);
  await context.close();
});

test('« Modifier » opens the step with its answers and « Suivant » comes back to the review', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await reachReview(page, 'vitaleNoPhoto');

  const change = page.getByRole('link', { name: 'Modifier votre nom' });
  assert.equal((await change.textContent()).replace(/\s+/g, ' ').trim(), 'Modifier votre nom');
  assert.ok(await page.getByRole('link', { name: 'Modifier' }).first().isVisible());
  await change.click();
  await waitForStep(page, 'Vos informations personnelles');
  const last = page.getByLabel('Nom', { exact: true });
  assert.equal(await last.inputValue(), 'Dupont');
  await last.fill('Dupont-Le Gall');
  await next(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  assert.ok(await page.getByRole('main').getByText('Dupont-Le Gall').isVisible());

  // The secret: the card item comes back prefilled, then back to the review.
  await page.getByRole('link', { name: "Modifier l'information pour vous reconnaître" }).click();
  await waitForStep(page, 'Une information pour vous reconnaître');
  assert.ok(await page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale sans photo' }).isChecked());
  assert.equal(await page.getByLabel('Numéro de série de la carte sans photo').inputValue(), '123456789');
  // The back link of a step opened from the review goes back to the review.
  await page.getByRole('link', { name: 'Retour' }).click();
  await waitForStep(page, 'Vérifiez vos réponses');

  await page.getByRole('link', { name: 'Modifier le département de votre MSA' }).click();
  await waitForStep(page, 'Le département de votre MSA');
  assert.ok(await page.getByRole('radio', { name: 'Oui' }).isChecked(), 'the agency\'s MSA was chosen by « Oui »');
  await chooseDepartment(page, 'Vendée');
  await waitForStep(page, 'Vérifiez vos réponses');
  assert.ok(await page.getByRole('main').getByText('85 – Vendée').isVisible());

  await page.getByRole('link', { name: 'Modifier votre numéro de sécurité sociale' }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  assert.equal(await page.getByLabel('Numéro de sécurité sociale', { exact: true }).inputValue(), PERSON.nir);
  await next(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  await assertClean(page, problems);
  await context.close();
});

test('help dialog, and « Abandonner » asks first: « Non » keeps everything, « Oui » wipes', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.fill('2 69 05');
  await nir.focus();

  await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
  const help = page.getByRole('dialog', { name: 'Un conseiller va venir' });
  await help.waitFor();
  assert.match((await help.textContent()).replace(/\s+/g, ' '), /Restez près de la borne\.\s*Vos réponses sont gardées\./);
  assert.ok(await isFocused(help.getByRole('button', { name: "Je n'ai plus besoin d'aide" })));
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  assert.ok(await isFocused(page.getByRole('button', { name: "Besoin d'aide ?" })), 'focus back on the help button');

  await page.getByRole('button', { name: 'Abandonner' }).click();
  const confirm = page.getByRole('dialog', { name: 'Voulez-vous abandonner ?' });
  await confirm.waitFor();
  assert.ok(await isFocused(confirm.getByRole('button', { name: 'Non, continuer mon inscription' })), 'the safe answer has focus');
  await confirm.getByRole('button', { name: 'Non, continuer mon inscription' }).click();
  await confirm.waitFor({ state: 'hidden' });
  assert.equal(await nir.inputValue(), '2 69 05');
  assert.equal((await calls(page, 'cancel_session')).length, 0);

  await page.getByRole('button', { name: 'Abandonner' }).click();
  await confirm.getByRole('button', { name: 'Oui, abandonner' }).click();
  await waitForStep(page, 'Créer Mon espace privé');
  assert.equal((await calls(page, 'cancel_session')).length, 1);
  assert.equal(await page.getByRole('button', { name: 'Abandonner' }).count(), 0, 'no « Abandonner » on the welcome screen');
  await assertClean(page, problems);
  await context.close();
});

test('English: the switch keeps the fields, updates lang, the title and every text; a full enrolment', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.fill('2 69 05 49 588 15');
  await next(page);
  await page.getByRole('alert').waitFor();

  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.title(), 'Error: Step 2 of 7 Your social security number – Mon espace privé – MSA');
  const field = page.getByLabel('Social security number', { exact: true });
  assert.equal(await field.inputValue(), '2 69 05 49 588 15', 'nothing typed is lost');
  assert.ok(await page.getByRole('heading', { name: 'There is a problem' }).isVisible());
  assert.ok(await page.getByRole('link', { name: 'It needs 13 digits. You typed 12.' }).isVisible());
  assert.ok(await page.getByRole('button', { name: 'Français' }).isVisible());
  assert.equal(await page.getByRole('button', { name: 'Français' }).getAttribute('lang'), 'fr');

  await field.fill('2 69 05 49 588 157');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForStep(page, 'About you');
  await page.getByLabel('Last name').fill('Dupont');
  await page.getByLabel('First name').fill('Jeanne');
  const birth = page.getByRole('group', { name: 'Date of birth' });
  await birth.getByLabel('Day').fill('3');
  await birth.getByLabel('Month').fill('5');
  await birth.getByLabel('Year').fill('1969');
  await page.getByLabel('Email address', { exact: true }).fill('jeanne@exemple.fr');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForStep(page, 'One piece of information to recognise you');
  await page.getByRole('radio', { name: 'I have none of these' }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForStep(page, 'The département of your MSA');
  await page.getByRole('radio', { name: 'Yes' }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForStep(page, 'Check your answers');
  // The terms in English: the box says so (lang), and nothing claims they are in French.
  const terms = page.getByRole('region', { name: 'Full text of the terms of use' });
  assert.equal(await terms.getAttribute('lang'), 'en');
  assert.ok(await terms.getByRole('heading', { name: '1. Purpose' }).count(), 'English headings');
  assert.doesNotMatch(await page.getByRole('main').textContent(), /It is in French/);
  assert.ok(await page.getByRole('main').getByText('3 May 1969').isVisible());
  await page.getByRole('link', { name: 'Change your last name' }).waitFor();
  await page.getByRole('checkbox', { name: 'I accept the terms of use' }).check();
  await page.getByRole('button', { name: 'Confirm my sign-up' }).click();
  await waitForStep(page, 'Your request is saved');
  const text = (await page.getByRole('main').textContent()).replace(/\s+/g, ' ');
  assert.match(text, /A temporary password will be sent to you by post/);
  assert.match(text, /Write down your request number: K7Q2-9DF3/);
  await page.getByRole('button', { name: 'Finish' }).click();
  // The next person starts in French.
  await waitForStep(page, 'Créer Mon espace privé');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  await assertClean(page, problems);
  await context.close();
});

test('welcome: the language choice and the display settings; « Sign up » in English', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await page.getByRole('radio', { name: 'English' }).check();
  assert.ok(await page.getByRole('button', { name: 'Sign up', exact: true }).isVisible());
  await page.getByRole('radio', { name: 'Very large (200%)' }).check();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), '200');
  await page.getByRole('radio', { name: 'High contrast (white on black)' }).check();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
  // The same settings in the « Display » dialog, in sync.
  await page.getByRole('button', { name: 'Display' }).click();
  const dialog = page.getByRole('dialog', { name: 'Display' });
  await dialog.waitFor();
  assert.ok(await dialog.getByRole('radio', { name: 'Very large (200%)' }).isChecked());
  await dialog.getByRole('radio', { name: 'Normal (100%)' }).check();
  await dialog.getByRole('button', { name: 'Close' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), '100');
  assert.ok(await page.getByRole('main').getByRole('radio', { name: 'Normal (100%)' }).isChecked());
  await assertClean(page, problems);
  await context.close();
});

test('kiosk lock-down helpers: no context menu, no new window, no zoom or reload keys; paste allowed', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  const result = await page.evaluate(() => {
    const fire = (type, init) => {
      const event = new (type === 'keydown' ? KeyboardEvent : type === 'wheel' ? WheelEvent : MouseEvent)(type, { bubbles: true, cancelable: true, ...init });
      document.body.dispatchEvent(event);
      return event.defaultPrevented;
    };
    return {
      contextmenu: fire('contextmenu', {}),
      dragstart: fire('dragstart', {}),
      f5: fire('keydown', { key: 'F5' }),
      ctrlR: fire('keydown', { key: 'r', ctrlKey: true }),
      ctrlP: fire('keydown', { key: 'p', ctrlKey: true }),
      ctrlF: fire('keydown', { key: 'f', ctrlKey: true }),
      ctrlPlus: fire('keydown', { key: '+', ctrlKey: true }),
      ctrlMinus: fire('keydown', { key: '-', ctrlKey: true }),
      ctrlWheel: fire('wheel', { ctrlKey: true, deltaY: -100 }),
      ctrlV: fire('keydown', { key: 'v', ctrlKey: true }),
      plainA: fire('keydown', { key: 'a' }),
      open: window.open('https://example.org') === null,
      selectNone: getComputedStyle(document.body).userSelect,
    };
  });
  assert.deepEqual(result, {
    contextmenu: true, dragstart: true, f5: true, ctrlR: true, ctrlP: true, ctrlF: true, ctrlPlus: true, ctrlMinus: true, ctrlWheel: true,
    ctrlV: false, plainA: false, open: true, selectNone: 'none',
  });
  await assertClean(page, problems);
  await context.close();
});
