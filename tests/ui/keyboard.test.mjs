// The built-in on-screen keyboard (kiosk mode): a whole enrolment typed only by
// tapping its keys; the right layout per field; it never covers the focused
// field; taps never take focus from the field; keyboard users reach the keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, waitForStep, next, isFocused, calls, eventually,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const KIOSK = { mode: 'kiosk', onScreenKeyboard: true };

/** The keyboard, found as a person (or a screen reader) finds it. */
const osk = (page) => page.getByRole('group', { name: "Clavier à l'écran" });

/** Accessible name of the key that types `ch`. */
function keyName(ch) {
  const names = { '@': 'arobase', '.': 'point', ',': 'virgule', '-': 'tiret', _: 'tiret bas', "'": 'apostrophe', '.fr': '.fr', '.com': '.com', ' ': 'Espace' };
  if (names[ch]) return names[ch];
  if (/^[0-9]$/.test(ch)) return ch;
  return `lettre ${ch}`;
}

/** Taps keys (touch-like clicks) to type `text`; capitals through « Majuscule ». */
async function tap(page, text, field) {
  const keyboard = osk(page);
  const tokens = text.match(/\.fr|\.com|./gu);
  for (const ch of tokens) {
    const lower = ch.toLocaleLowerCase('fr');
    if (ch !== lower && /\p{L}/u.test(ch) && (await keyboard.getByRole('button', { name: `lettre ${ch}`, exact: true }).count()) === 0) {
      await keyboard.getByRole('button', { name: 'Majuscule' }).click();
    }
    await keyboard.getByRole('button', { name: keyName(ch), exact: true }).click();
    if (field) assert.ok(await isFocused(field), `focus stays in the field after « ${ch} »`);
  }
}

/** The focused field is entirely above the keyboard. */
async function assertNotCovered(page, field) {
  const box = await field.boundingBox();
  const kb = await osk(page).boundingBox();
  assert.ok(box && kb, 'field and keyboard are on screen');
  assert.ok(box.y >= 0, 'field not above the screen');
  assert.ok(box.y + box.height <= kb.y, `field (bottom ${box.y + box.height}) above the keyboard (top ${kb.y})`);
}

test('a full enrolment typed only on the on-screen keyboard', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
  assert.equal(await osk(page).count(), 0, 'no keyboard on the welcome screen');
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');

  // NIR: the pad has digits, A and B (Corsica), and no other letter.
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.click();
  await osk(page).waitFor();
  for (const name of ['lettre A', 'lettre B', '0', '9', 'Effacer', 'Fermer le clavier']) {
    assert.equal(await osk(page).getByRole('button', { name, exact: true }).count(), 1, `NIR pad has « ${name} »`);
  }
  assert.equal(await osk(page).getByRole('button', { name: 'lettre C', exact: true }).count(), 0);
  await assertNotCovered(page, nir);
  await tap(page, '26905495881577', nir);
  await osk(page).getByRole('button', { name: 'Effacer' }).click();
  assert.equal(await nir.inputValue(), '2 69 05 49 588 157', 'grouped as it is typed');
  // Keys are big.
  for (const box of await osk(page).getByRole('button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]))) {
    assert.ok(box[0] >= 56 && box[1] >= 56, `key ${box} ≥ 56 px`);
  }
  await next(page);
  await waitForStep(page, 'Vos informations personnelles');
  assert.equal(await osk(page).count(), 0, 'the keyboard hides when no field has focus');

  // Names: AZERTY with accents and capitals.
  const last = page.getByLabel('Nom', { exact: true });
  await last.click();
  await osk(page).waitFor();
  await tap(page, "D'Aubigné-Lœw", last);
  assert.equal(await last.inputValue(), "D'Aubigné-Lœw");
  const first = page.getByLabel('Prénom', { exact: true });
  await first.click();
  await tap(page, 'Jérôme', first);
  await assertNotCovered(page, first);
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  for (const [label, value] of [['Jour', '3'], ['Mois', '5'], ['Année', '1969']]) {
    const field = birth.getByLabel(label);
    await field.click();
    assert.equal(await osk(page).getByRole('button', { name: 'lettre a', exact: true }).count(), 0, 'numeric pad for dates');
    await tap(page, value, field);
    await assertNotCovered(page, field);
  }
  const email = page.getByLabel('Adresse e-mail', { exact: true });
  await email.click();
  await tap(page, 'jerome_d-1@exemple.fr', email);
  assert.equal(await email.inputValue(), 'jerome_d-1@exemple.fr');
  await assertNotCovered(page, email);
  // « Fermer le clavier », then a tap on the field brings it back.
  await osk(page).getByRole('button', { name: 'Fermer le clavier' }).click();
  assert.equal(await osk(page).count(), 0);
  assert.ok(await isFocused(email));
  await email.click();
  await osk(page).waitFor();
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');

  // Amount: digits and a comma.
  await page.getByRole('radio', { name: "Le montant d'un paiement reçu de la MSA ces 6 derniers mois" }).click();
  const amount = page.getByLabel('Montant en euros');
  await amount.click();
  assert.equal(await osk(page).getByRole('button', { name: 'virgule' }).count(), 1);
  await tap(page, '123,45', amount);
  await assertNotCovered(page, amount);
  await next(page);
  await waitForStep(page, 'Le département de votre MSA');
  await page.getByRole('radio', { name: 'Non, une autre MSA' }).click();
  const search = page.getByLabel('Chercher un département');
  await search.click();
  await tap(page, 'vend', search);
  await page.getByRole('radio', { name: 'Vendée' }).click();
  await next(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  await page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" }).click();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
  await waitForStep(page, 'Votre demande est enregistrée');

  const sent = Object.fromEntries((await calls(page)).filter((c) => c.cmd.startsWith('submit_')).map((c) => [c.cmd, c.args]));
  assert.deepEqual(sent.submit_nir, { nir: '2690549588157' });
  assert.equal(sent.submit_identity.lastName, "D'Aubigné-Lœw");
  assert.equal(sent.submit_identity.firstName, 'Jérôme');
  assert.equal(sent.submit_identity.email, 'jerome_d-1@exemple.fr');
  assert.deepEqual(sent.submit_verification, { kind: 'paymentAmount', value: '123,45' });
  assert.deepEqual(sent.submit_department, { code: '85' });
  await assertClean(page, problems);
  await context.close();
});

test('« OK » goes to the next field, sends the step from the last one, and puts the keyboard away in the search', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
  const ok = () => osk(page).getByRole('button', { name: 'OK', exact: true });
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.click();
  await tap(page, '2690549588157', nir);
  // The only field: « OK » sends the step, « Suivant » stays under the keyboard untouched.
  await ok().click();
  await waitForStep(page, 'Vos informations personnelles');

  const order = [
    [page.getByLabel('Nom', { exact: true }), 'Dupont'],
    [page.getByLabel('Prénom', { exact: true }), 'Jeanne'],
    [page.getByLabel('Jour', { exact: true }), '3'],
    [page.getByLabel('Mois', { exact: true }), '5'],
    [page.getByLabel('Année', { exact: true }), '1969'],
    [page.getByLabel('Adresse e-mail', { exact: true }), 'jeanne@exemple.fr'],
    [page.getByLabel('Téléphone portable (si vous voulez)'), '0612345678'],
  ];
  await order[0][0].click();
  for (const [i, [field, text]] of order.entries()) {
    assert.ok(await isFocused(field), `field ${i + 1} has focus after « OK »`);
    await tap(page, text, field);
    await assertNotCovered(page, field);
    await ok().click();
  }
  await waitForStep(page, 'Une information pour vous reconnaître');
  const sent = (await calls(page)).filter((c) => c.cmd === 'submit_identity');
  assert.equal(sent.length, 1, 'the step was sent once, from the last field');
  assert.equal(sent[0].args.firstName, 'Jeanne');
  assert.equal(sent[0].args.phone, '0612345678');

  await page.getByRole('radio', { name: "Le montant d'un paiement reçu de la MSA ces 6 derniers mois" }).click();
  const amount = page.getByLabel('Montant en euros');
  await amount.click();
  await tap(page, '123,45', amount);
  await ok().click();
  await waitForStep(page, 'Le département de votre MSA');

  // In the search, « OK » does not send: it puts the keyboard away to show the results.
  await page.getByRole('radio', { name: 'Non, une autre MSA' }).click();
  const search = page.getByLabel('Chercher un département');
  await search.click();
  await tap(page, 'vend', search);
  await ok().click();
  await eventually(async () => (await osk(page).count()) === 0, { message: 'keyboard put away' });
  assert.ok(await isFocused(search), 'focus stays in the search');
  assert.equal((await calls(page)).filter((c) => c.cmd === 'submit_department').length, 0, 'nothing sent');
  await page.getByRole('radio', { name: 'Vendée' }).click();
  await next(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  await assertClean(page, problems);
  await context.close();
});

test('keyboard users reach the keys: Tab from the field, arrows between keys, Escape back', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK });
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.focus();
  await osk(page).waitFor();
  await page.keyboard.press('Tab');
  const one = osk(page).getByRole('button', { name: '1', exact: true });
  assert.ok(await isFocused(one), 'Tab goes from the field into the keyboard');
  await page.keyboard.press('ArrowRight');
  assert.ok(await isFocused(osk(page).getByRole('button', { name: '2', exact: true })));
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  assert.equal(await nir.inputValue(), '2 5');
  await page.keyboard.press('Escape');
  assert.ok(await isFocused(nir));
  await page.keyboard.type('A');
  assert.equal(await nir.inputValue(), '2 5A', 'the physical keyboard still works');
  // Tab from the keyboard leaves it, and it hides when focus is on a button.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await eventually(async () => (await osk(page).count()) === 0, { message: 'keyboard hidden' });
  await assertClean(page, problems);
  await context.close();
});

test('tablet mode has no built-in keyboard', async () => {
  const { context, page } = await openApp(browser, server.url, { config: { mode: 'tablet', onScreenKeyboard: false } });
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  await page.getByLabel('Numéro de sécurité sociale', { exact: true }).click();
  await page.waitForTimeout(100);
  assert.equal(await osk(page).count(), 0);
  await context.close();
});
