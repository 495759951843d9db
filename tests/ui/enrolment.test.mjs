// Full enrolments by clicks (touch-like), one per verification kind and "none",
// then each outcome of submit_enrolment on the confirmation screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, reachReview, waitForStep, calls, headingText, eventually, PERSON, ENROL_DATA,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function validate(page) {
  await page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" }).check();
  await page.getByRole('button', { name: 'Valider mon inscription' }).click();
}

const CASES = [
  { kind: 'vitalePhoto', review: 'Carte Vitale avec photo', args: { kind: 'vitalePhoto', value: '123 456 789 01' } },
  { kind: 'vitaleNoPhoto', review: 'Carte Vitale sans photo', args: { kind: 'vitaleNoPhoto', value: '123456789' } },
  { kind: 'childBirthDate', review: "Date de naissance d'un enfant", args: { kind: 'childBirthDate', day: '14', month: '6', year: '2001' } },
  { kind: 'paymentAmount', review: "Montant d'un paiement", args: { kind: 'paymentAmount', value: '123,45 €' } },
  { kind: 'none', review: 'Aucune : mot de passe par courrier', args: { kind: 'none' } },
];

for (const c of CASES) {
  test(`full enrolment by clicks with verification "${c.kind}"`, async () => {
    const { context, page, problems } = await openApp(browser, server.url);
    assert.equal(await page.title(), 'Étape 1 sur 7 Créer Mon espace privé – Mon espace privé – MSA');
    await reachReview(page, c.kind);

    // What Rust received, exactly as typed (the UI never reshapes answers).
    const [nir] = await calls(page, 'submit_nir');
    assert.deepEqual(nir.args, { nir: PERSON.nir.replace(/ /g, '') });
    const [identity] = await calls(page, 'submit_identity');
    assert.deepEqual(identity.args, {
      lastName: 'Dupont', firstName: 'Jeanne', birthDay: '3', birthMonth: '5', birthYear: '1969',
      email: PERSON.email, noEmail: false, phone: PERSON.phone, keepEmailAsTyped: false,
    });
    const [verification] = await calls(page, 'submit_verification');
    assert.deepEqual(verification.args, c.args);
    const [department] = await calls(page, 'submit_department');
    assert.deepEqual(department.args, { code: '44' });

    // Review shows every answer, the secret masked.
    const main = page.getByRole('main');
    for (const text of ['2 69 05 49 588 157', 'Dupont', 'Jeanne', '3 mai 1969', PERSON.email, c.review, '44 – Loire-Atlantique', 'MSA Loire-Atlantique-Vendée']) {
      assert.ok(await main.getByText(text, { exact: false }).first().isVisible(), `review shows ${text}`);
    }
    assert.equal(await main.getByText('123 456 789 01').count(), 0, 'the serial number is not shown in clear');
    assert.equal(await page.getByRole('checkbox', { name: "J'accepte les conditions générales d'utilisation" }).isChecked(), false, 'terms start unticked');

    await validate(page);
    await waitForStep(page, 'Votre demande est enregistrée');
    const [enrolment] = await calls(page, 'submit_enrolment');
    assert.deepEqual(enrolment.args, { acceptTerms: true, cguVersion: ENROL_DATA.cgu.fr.version });

    const text = (await main.textContent()).replace(/\s+/g, ' ');
    if (c.kind === 'none') {
      assert.match(text, /Un mot de passe provisoire vous sera envoyé par courrier à l'adresse connue de votre MSA/);
    } else {
      assert.match(text, /Votre mot de passe provisoire vous a été envoyé par e-mail à j•••@e•••\.fr/);
    }
    assert.match(text, /Notez votre numéro de demande : K7Q2-9DF3/);
    assert.match(text, /Retour à l'accueil dans 60 secondes\./);
    assert.equal(await page.getByRole('button', { name: 'Abandonner' }).count(), 0, 'no « Abandonner » after the request is sent');

    // « Terminer » goes back to the welcome screen at once, and the session is closed.
    await page.getByRole('button', { name: 'Terminer' }).click();
    await waitForStep(page, 'Créer Mon espace privé');
    assert.ok((await calls(page, 'cancel_session')).length >= 1);
    await assertClean(page, problems);
    await context.close();
  });
}

const OUTCOMES = [
  { outcome: 'queued', heading: 'Votre demande est enregistrée', text: /Votre demande est bien gardée\. Elle sera envoyée à la MSA dès que possible\..*Vous recevrez ensuite votre mot de passe provisoire, par e-mail ou par courrier\./ },
  { outcome: 'alreadyEnrolled', heading: 'Vous avez déjà un compte', text: /Sur msa\.fr, choisissez « Mot de passe oublié »\..*demander à un conseiller/ },
  { outcome: 'counsellor', heading: 'Un conseiller va vous aider', text: /Faites signe à l'accueil\. Un conseiller vous aidera\./ },
  { outcome: 'postal', heading: 'Votre demande est enregistrée', text: /Un mot de passe provisoire vous sera envoyé par courrier/ },
];

for (const o of OUTCOMES) {
  test(`confirmation for outcome "${o.outcome}" shows what happens next and the reference`, async () => {
    const { context, page, problems } = await openApp(browser, server.url, { config: { outcome: o.outcome } });
    await reachReview(page, 'paymentAmount');
    await validate(page);
    await waitForStep(page, o.heading);
    assert.equal(await headingText(page), `Étape 7 sur 7 ${o.heading}`);
    assert.equal(await page.title(), `Étape 7 sur 7 ${o.heading} – Mon espace privé – MSA`);
    const text = (await page.getByRole('main').textContent()).replace(/\s+/g, ' ').replace(/\u00a0/g, ' ');
    assert.match(text, o.text);
    assert.match(text, /Notez votre numéro de demande : K7Q2-9DF3/);
    await assertClean(page, problems);
    await context.close();
  });
}

test('the confirmation returns to the welcome screen by itself after confirmationReturnSeconds; a touch gives more time', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { confirmationReturnSeconds: 30 } });
  await reachReview(page, 'none');
  await validate(page);
  await waitForStep(page, 'Votre demande est enregistrée');
  const main = page.getByRole('main');
  await page.clock.runFor(20_000);
  await eventually(async () => /dans 10 secondes/.test(await main.textContent()));
  // The live region announces the countdown (polite).
  await page.clock.runFor(500);
  assert.match(await page.locator('#live').textContent(), /10 secondes/);
  // A touch anywhere gives the full time again.
  await page.getByRole('heading', { level: 1 }).click();
  await eventually(async () => /dans 30 secondes/.test(await main.textContent()));
  await page.clock.runFor(31_000);
  await waitForStep(page, 'Créer Mon espace privé');
  await assertClean(page, problems);
  await context.close();
});

test('step 7 shows the QR code of the caisse beside the reference; « Imprimer mon reçu » prints', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { receiptPrint: 'button' } });
  await reachReview(page, 'none');
  await validate(page);
  await waitForStep(page, 'Votre demande est enregistrée');
  const qr = page.getByRole('img', { name: 'Code QR du site de votre MSA : loire-atlantique-vendee.msa.fr' });
  assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
  assert.equal(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), true, 'the SVG data URL loads under the CSP');
  assert.equal((await calls(page, 'print_receipt')).length, 0, 'nothing printed before the button');
  await page.getByRole('button', { name: 'Imprimer mon reçu' }).click();
  await page.getByText('Votre reçu est imprimé. Prenez-le.').waitFor();
  assert.deepEqual((await calls(page, 'print_receipt')).map((c) => c.args), [{ lang: 'fr' }]);
  await assertClean(page, problems);
  await context.close();
});

test('a failed print says to note the reference and the welcome screen still comes back on time', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { receiptPrint: 'button', printer: 'fail', confirmationReturnSeconds: 30 } });
  await reachReview(page, 'none');
  await validate(page);
  await waitForStep(page, 'Votre demande est enregistrée');
  await page.getByRole('button', { name: 'Imprimer mon reçu' }).click();
  await page.getByText("L'impression n'a pas marché. Notez votre numéro : K7Q2-9DF3").waitFor();
  assert.match(await page.getByRole('status').textContent(), /Notez votre numéro : K7Q2-9DF3/);
  // The click gave the full 30 s again; then the welcome screen comes back by itself.
  await page.clock.runFor(31_000);
  await waitForStep(page, 'Créer Mon espace privé');
  await assertClean(page, problems);
  await context.close();
});

test('with receiptPrint "auto" the receipt prints without a button; "off" offers none', async () => {
  for (const [mode, printed, buttons] of [['auto', 1, 0], ['off', 0, 0]]) {
    const { context, page, problems } = await openApp(browser, server.url, { config: { receiptPrint: mode } });
    await reachReview(page, 'none');
    await validate(page);
    await waitForStep(page, 'Votre demande est enregistrée');
    if (printed) await page.getByText('Votre reçu est imprimé. Prenez-le.').waitFor();
    assert.equal((await calls(page, 'print_receipt')).length, printed, mode);
    assert.equal(await page.getByRole('button', { name: 'Imprimer mon reçu' }).count(), buttons, mode);
    await assertClean(page, problems);
    await context.close();
  }
});
