// Every field's error, as Rust (here the fake) returns it: an error summary that
// takes focus and links to the field, an inline message prefixed « Erreur : »
// tied with aria-describedby, aria-invalid on the field, « Erreur : » in the
// title, and nothing the person typed is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  UI, startServer, launch, openApp, assertClean, startEnrolment, fillNir, fillIdentity, fillVerification,
  chooseDepartment, waitForStep, next, eventually, isFocused, calls, reachReview, norm, reachDepartment,
} from './helpers.mjs';

const FR = JSON.parse(readFileSync(join(UI, 'i18n', 'fr.json'), 'utf8'));
/** The French message for (field, code), as the UI resolves it. */
const message = (field, code) => norm(FR[`error.${field}.${code}`] ?? FR[`error.${code}`]);

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Text of the elements an element's aria-describedby points to. */
async function description(locator) {
  return norm(await locator.evaluate((el) => (el.getAttribute('aria-describedby') || '')
    .split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent || '').join(' ')));
}

/**
 * @param {import('playwright-core').Page} page
 * @param {Array<{field: string, code: string, control: import('playwright-core').Locator, describedBy?: import('playwright-core').Locator, invalid?: boolean}>} expected
 * @param {Array<[import('playwright-core').Locator, string]>} [kept] values that must still be there
 */
async function expectErrors(page, expected, kept = []) {
  const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Il y a un problème' }) });
  await summary.waitFor();
  // Focus is on the summary box (the parent of the alert).
  await eventually(() => page.evaluate(() => {
    const el = document.activeElement;
    return el && el.classList.contains('error-summary') && el.querySelector('[role=alert]') !== null;
  }), { message: 'focus on the error summary' });
  assert.match(await page.title(), /^Erreur : /);

  const links = summary.getByRole('link');
  assert.equal(await links.count(), expected.length, `summary has ${expected.length} link(s)`);
  for (const [i, e] of expected.entries()) {
    const text = e.text || message(e.field, e.code);
    assert.equal(norm(await links.nth(i).textContent()), text, `summary link ${i}`);
    const describedBy = e.describedBy || e.control;
    const desc = await description(describedBy);
    assert.ok(desc.includes(`Erreur : ${text}`), `inline message for ${e.field} (${e.code}) in « ${desc} »`);
    if (e.invalid !== false) assert.equal(await e.control.getAttribute('aria-invalid'), 'true', `${e.field} aria-invalid`);
  }
  for (const [locator, value] of kept) assert.equal(await locator.inputValue(), value, 'value kept');
  // A summary link puts focus on its field.
  for (const [i, e] of expected.entries()) {
    await links.nth(i).click();
    await eventually(() => isFocused(e.control), { message: `link ${i} focuses ${e.field}` });
  }
}

test('NIR step: every NIR code', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  // [typed, code, shown (grouped as typed), message when it is not the plain one]
  const cases = [
    ['', 'nir.empty', ''],
    ['12345', 'nir.length', '1 23 45', 'Il faut 13 chiffres. Vous en avez tapé 5.'],
    ['2 69 05 49 588 15', 'nir.length', '2 69 05 49 588 15', 'Il faut 13 chiffres. Vous en avez tapé 12.'],
    ['2690549X88157', 'nir.format', '2 69 05 49 X88 157'],
    ['269054958815700', 'nir.checksum', '2 69 05 49 588 157 00'],
    ['7690549588157', 'nir.counsellor', '7 69 05 49 588 157'],
    ['2691549588157', 'nir.structure', '2 69 15 49 588 157'],
  ];
  for (const [value, code, shown, text] of cases) {
    await nir.fill(value);
    await next(page);
    await expectErrors(page, [{ field: 'nir', code, control: nir, text }], [[nir, shown]]);
  }
  // The hint (format + example) is there before any error, linked to the field.
  await nir.fill('2 69 05 49 588 157');
  await next(page);
  await waitForStep(page, 'Vos informations personnelles');
  assert.match(await page.title(), /^Étape 3 sur 7/, 'no « Erreur : » once the step is accepted');
  await assertClean(page, problems);
  await context.close();
});

test('NIR: one short hint with an example, and the card picture with the 13 characters circled', async () => {
  const { context, page } = await openApp(browser, server.url);
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  const desc = await description(nir);
  assert.match(desc, /13 premiers chiffres .*Exemple : 2 69 05 49 588 157/);
  assert.equal(await page.locator('.step--nir .hint').count(), 1, 'one hint');
  const picture = page.getByRole('img', { name: /carte Vitale.*13 chiffres à taper/ });
  assert.equal(await picture.getAttribute('src'), 'img/carte-vitale-nir.svg');
  assert.ok(await picture.evaluate((img) => img.complete && img.naturalWidth > 0), 'the picture loads');
  // Typed in lower case with Corsica's « 2a »: grouped, upper-cased, spelled out for screen readers.
  await nir.pressSequentially('255082a168025');
  assert.equal(await nir.inputValue(), '2 55 08 2A 168 025');
  assert.match(norm(await description(nir)), /13 chiffres tapés : 2 5 5 0 8 2 A 1 6 8 0 2 5/);
  assert.equal(await nir.getAttribute('inputmode'), 'text');
  assert.equal(await nir.getAttribute('type'), 'text');
  assert.equal(await nir.getAttribute('autocapitalize'), 'characters');
  assert.equal(await nir.getAttribute('spellcheck'), 'false');
  assert.equal(await nir.getAttribute('autocomplete'), 'off');
  // No <form> (WebKitGTK keeps what was in one, wizard.js), so no browser validation either:
  // Enter in the field sends the step to Rust, whose refusal shows.
  assert.equal(await page.locator('form').count(), 0, 'the step is not a <form>');
  await nir.fill('2 69 05 49 588 15');
  await nir.press('Enter');
  await expectErrors(page, [{ field: 'nir', code: 'nir.length', control: nir, text: 'Il faut 13 chiffres. Vous en avez tapé 12.' }], [[nir, '2 69 05 49 588 15']]);
  await context.close();
});

test('identity step: names, dates, e-mail, phone errors; the e-mail suggestion', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  const last = page.getByLabel('Nom', { exact: true });
  const first = page.getByLabel('Prénom', { exact: true });
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  const day = birth.getByLabel('Jour');
  const month = birth.getByLabel('Mois');
  const year = birth.getByLabel('Année');
  const email = page.getByLabel('Adresse e-mail', { exact: true });
  const phone = page.getByLabel('Téléphone portable (si vous voulez)');

  // Everything empty: four errors at once, in page order.
  await next(page);
  await expectErrors(page, [
    { field: 'lastName', code: 'name.empty', control: last },
    { field: 'firstName', code: 'name.empty', control: first },
    { field: 'birthDate', code: 'date.incomplete', control: day, describedBy: birth },
    { field: 'email', code: 'email.empty', control: email },
  ]);
  for (const part of [day, month, year]) assert.equal(await part.getAttribute('aria-invalid'), 'true');

  const fill = async (v) => {
    await last.fill(v.last ?? 'Dupont');
    await first.fill(v.first ?? 'Jeanne');
    await day.fill(v.day ?? '3');
    await month.fill(v.month ?? '5');
    await year.fill(v.year ?? '1969');
    await email.fill(v.email ?? 'jeanne@exemple.fr');
    await phone.fill(v.phone ?? '');
    await next(page);
  };
  await fill({ last: 'Dupont3', first: 'J'.repeat(61) });
  await expectErrors(page, [
    { field: 'lastName', code: 'name.characters', control: last },
    { field: 'firstName', code: 'name.tooLong', control: first },
  ], [[last, 'Dupont3'], [email, 'jeanne@exemple.fr'], [year, '1969']]);
  for (const [d, m, y, code] of [['31', '2', '1969', 'date.invalid'], ['3', '5', '2069', 'date.future'], ['3', '5', '1869', 'birthDate.implausible'], ['3', '6', '1969', 'birthDate.nirMismatch']]) {
    await fill({ day: d, month: m, year: y });
    await expectErrors(page, [{ field: 'birthDate', code, control: day, describedBy: birth }], [[day, d], [month, m], [year, y]]);
  }
  await fill({ email: 'jeanne' });
  await expectErrors(page, [{ field: 'email', code: 'email.format', control: email }], [[email, 'jeanne']]);
  await fill({ email: `${'a'.repeat(250)}@exemple.fr` });
  await expectErrors(page, [{ field: 'email', code: 'email.tooLong', control: email }]);
  await fill({ phone: '123' });
  await expectErrors(page, [{ field: 'phone', code: 'phone.format', control: phone }], [[phone, '123']]);

  // The suggestion: « Oui, corriger » fills the field; nothing is sent yet.
  await fill({ email: 'jeanne@gmial.com' });
  const suggestion = page.getByText('Vouliez-vous dire jeanne@gmail.com ?');
  await suggestion.waitFor();
  await eventually(() => isFocused(suggestion), { message: 'focus on the suggestion' });
  assert.equal(await page.getByRole('alert').count(), 0, 'a suggestion is not an error');
  await page.getByRole('button', { name: 'Oui, corriger' }).click();
  assert.equal(await email.inputValue(), 'jeanne@gmail.com');
  assert.ok(await isFocused(email));
  // « Non, mon adresse est correcte » sends again with keepEmailAsTyped.
  await email.fill('jeanne@gmial.com');
  await next(page);
  await page.getByRole('button', { name: 'Non, mon adresse est correcte' }).click();
  await waitForStep(page, 'Une information pour vous reconnaître');
  const sent = await calls(page, 'submit_identity');
  assert.equal(sent.at(-1).args.keepEmailAsTyped, true);
  assert.equal(sent.at(-1).args.email, 'jeanne@gmial.com');
  await assertClean(page, problems);
  await context.close();
});

test('verification step: choose, Vitale, child date, amount errors', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await fillIdentity(page);
  await waitForStep(page, 'Une information pour vous reconnaître');

  const group = page.getByRole('group', { name: 'Choisissez une seule information' });
  const firstRadio = page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale avec photo' });
  await next(page);
  await expectErrors(page, [{ field: 'verificationKind', code: 'verification.choose', control: firstRadio, describedBy: group, invalid: false }]);

  // Only the chosen item's field is shown.
  const photoField = page.getByLabel('Numéro de série de la carte avec photo');
  const noPhotoField = page.getByLabel('Numéro de série de la carte sans photo');
  assert.equal(await photoField.isVisible(), false);
  await firstRadio.check();
  assert.equal(await photoField.isVisible(), true);
  assert.equal(await noPhotoField.isVisible(), false);
  assert.ok(await page.getByRole('img', { name: /Carte Vitale avec photo, vue de face\. Le numéro de série est en haut à droite/ }).isVisible());

  for (const [value, code] of [['', 'vitale.empty'], ['12a45', 'vitale.characters'], ['123', 'vitale.photoLength']]) {
    await photoField.fill(value);
    await next(page);
    await expectErrors(page, [{ field: 'vitaleSerial', code, control: photoField }], [[photoField, value]]);
  }
  await page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale sans photo' }).check();
  assert.ok(await page.getByRole('img', { name: /Carte Vitale sans photo, vue de dos\. Le numéro de série est en haut à gauche/ }).isVisible());
  await noPhotoField.fill('123');
  await next(page);
  await expectErrors(page, [{ field: 'vitaleSerial', code: 'vitale.noPhotoLength', control: noPhotoField }], [[noPhotoField, '123']]);

  await page.getByRole('radio', { name: "La date de naissance d'un de mes enfants" }).check();
  const child = page.getByRole('group', { name: 'Date de naissance de votre enfant' });
  const cday = child.getByLabel('Jour');
  for (const [d, m, y, code] of [['', '', '', 'date.incomplete'], ['30', '2', '2001', 'date.invalid'], ['1', '1', '2090', 'date.future'], ['1', '1', '1960', 'childBirthDate.tooEarly']]) {
    await cday.fill(d);
    await child.getByLabel('Mois').fill(m);
    await child.getByLabel('Année').fill(y);
    await next(page);
    await expectErrors(page, [{ field: 'childBirthDate', code, control: cday, describedBy: child }], [[cday, d]]);
  }

  await page.getByRole('radio', { name: "Le montant d'un paiement reçu de la MSA ces 6 derniers mois" }).check();
  const amount = page.getByLabel('Montant en euros');
  for (const [value, code] of [['', 'amount.empty'], ['douze', 'amount.format'], ['0,00', 'amount.zero'], ['99999999', 'amount.tooLarge']]) {
    await amount.fill(value);
    await next(page);
    await expectErrors(page, [{ field: 'paymentAmount', code, control: amount }], [[amount, value]]);
  }
  // Switching back keeps what was typed in the other item (until sent, only one is sent).
  await page.getByRole('radio', { name: 'Le numéro de série de ma carte Vitale sans photo' }).check();
  assert.equal(await noPhotoField.inputValue(), '123');

  await page.getByRole('radio', { name: "Je n'ai aucune de ces informations" }).check();
  assert.ok(await page.getByText('Votre mot de passe provisoire vous sera envoyé par courrier.').isVisible());
  await next(page);
  await waitForStep(page, 'Le département de votre MSA');
  assert.deepEqual((await calls(page, 'submit_verification')).at(-1).args, { kind: 'none' });
  await assertClean(page, problems);
  await context.close();
});

test('département step: empty, overseas, Mayotte; the search filters the list', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await reachDepartment(page, 'none');

  // One question first: the agency's own MSA, nothing pre-selected.
  const own = page.getByRole('group', { name: /^Votre MSA est-elle la MSA Loire-Atlantique-Vendée/ });
  const yes = own.getByRole('radio', { name: 'Oui' });
  assert.equal(await own.getByRole('radio', { checked: true }).count(), 0);
  assert.equal(await page.getByLabel('Chercher un département').isVisible(), false, 'the list waits for « Non »');

  await next(page);
  await expectErrors(page, [{ field: 'department', code: 'department.empty', control: yes, describedBy: own, invalid: false }]);

  await own.getByRole('radio', { name: 'Non, une autre MSA' }).check();
  const group = page.getByRole('group', { name: 'Choisissez votre département' });
  // Every département (this agency's first), then overseas; none chosen.
  const radios = group.getByRole('radio');
  assert.equal(await radios.count(), 96 + 5);
  assert.match(await radios.first().evaluate((el) => el.labels[0].textContent), /44\s+Loire-Atlantique/);
  assert.equal(await group.getByRole('radio', { checked: true }).count(), 0);

  const search = page.getByLabel('Chercher un département');
  await search.fill('cote');
  const visible = async () => group.getByRole('radio').evaluateAll((els) => els.filter((e) => e.checkVisibility()).map((e) => e.value));
  // Côte-d'Or, Côtes-d'Armor, and the two départements of « MSA Côtes Normandes ».
  assert.deepEqual((await visible()).sort(), ['14', '21', '22', '50']);
  await search.fill('2a');
  assert.deepEqual(await visible(), ['2A']);
  await search.fill('');

  // Overseas: explained right under the choice, with what to do next; never sent, never an error.
  const explain = page.locator('#department-overseas-explain');
  await page.getByRole('radio', { name: 'Guadeloupe' }).check();
  await explain.waitFor();
  assert.match(norm(await explain.textContent()), /sécurité sociale de la Guadeloupe.*Demandez à l'accueil/);
  await next(page);
  await eventually(() => explain.evaluate((el) => el === document.activeElement), { message: '« Suivant » shows the explanation again' });
  assert.equal(await page.getByRole('heading', { name: 'Il y a un problème' }).count(), 0, 'no error summary');
  assert.ok(!(await page.title()).startsWith('Erreur'), 'no « Erreur » in the title');
  assert.ok(await page.getByRole('radio', { name: 'Guadeloupe' }).isChecked(), 'choice kept');
  await page.getByRole('radio', { name: 'Mayotte' }).check();
  assert.match(norm(await explain.textContent()), /MSA d'Armorique/);
  assert.equal((await calls(page, 'submit_department')).filter((c) => /^97/.test(c.args.code)).length, 0, 'nothing sent for overseas');

  await chooseDepartment(page, 'Corse-du-Sud');
  await waitForStep(page, 'Vérifiez vos réponses');
  assert.deepEqual((await calls(page, 'submit_department')).at(-1).args, { code: '2A' });
  await assertClean(page, problems);
  await context.close();
});

test('review step: terms not accepted, then outdated terms reload the new text', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await reachReview(page, 'vitalePhoto');
  const terms = page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" });
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await expectErrors(page, [{ field: 'terms', code: 'terms.notAccepted', control: terms }]);

  await page.evaluate(() => window.__FAKE_TAURI__.setCguVersion('sha256:fedcba9876543210'));
  await terms.check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await expectErrors(page, [{ field: 'terms', code: 'terms.outdated', control: terms }]);
  await eventually(async () => !(await terms.isChecked()), { message: 'box unticked after new terms' });
  await terms.check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await waitForStep(page, 'Votre demande est enregistrée');
  assert.equal((await calls(page, 'submit_enrolment')).at(-1).args.cguVersion, 'sha256:fedcba9876543210');
  await assertClean(page, problems);
  await context.close();
});

test('errors not tied to a field: summary without a link; session.expired wipes', async () => {
  const { context, page, problems } = await openApp(browser, server.url, {
    config: { failNext: { submit_nir: { errors: [{ code: 'system.unavailable', field: null, key: 'error.system.unavailable' }] } } },
  });
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.fill('2 69 05 49 588 157');
  await next(page);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(norm(await alert.getByRole('heading').textContent()), 'Il y a un problème');
  assert.equal(norm(await alert.getByRole('listitem').textContent()), norm(FR['error.system.unavailable']));
  assert.equal(await alert.getByRole('link').count(), 0);
  assert.equal(await nir.getAttribute('aria-invalid'), null);
  assert.equal(await nir.inputValue(), '2 69 05 49 588 157');

  await page.evaluate(() => { window.__FAKE_TAURI__.config.failNext.submit_nir = { errors: [{ code: 'session.expired', field: null, key: 'error.session.expired' }] }; });
  await next(page);
  await waitForStep(page, 'Créer Mon espace privé');
  await assertClean(page, problems);
  await context.close();
});
