// Inactivity: « Êtes-vous toujours là ? » after idleSeconds, a visible countdown
// of idleWarningSeconds, « Continuer » restores the exact screen (fields and
// focus); without an answer, or on Rust's session-expired, everything is wiped.
// The welcome screen's triage screens (no session): the page's clock alone, the same
// dialog, then the welcome screen.
// The page's clock is Playwright's fake clock: 90 s take no time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, startEnrolment, fillNir, waitForStep, calls, isFocused, eventually, headingText, norm,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('after idleSeconds the dialog counts down; « Continuer » restores fields and focus', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20 } });
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  const last = page.getByLabel('Nom', { exact: true });
  await last.fill('Dupo');
  await page.getByLabel('Prénom', { exact: true }).fill('Jea');
  await last.focus();
  await last.evaluate((el) => el.setSelectionRange(2, 2));

  await page.clock.runFor(89_000);
  const dialog = page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });
  assert.equal(await dialog.count(), 0, 'not before idleSeconds');
  await page.clock.runFor(1_500);
  await dialog.waitFor();
  const continuer = dialog.getByRole('button', { name: 'Continuer' });
  assert.ok(await isFocused(continuer), 'focus on « Continuer »');
  assert.match(norm(await dialog.textContent()), /Il reste 20 secondes\./);
  await page.clock.runFor(5_000);
  assert.match(norm(await dialog.textContent()), /Il reste 1[56] secondes\./, 'the countdown is visible and runs');
  for (let i = 0; i < 8 && !/Il reste 10 secondes/.test(norm(await dialog.textContent())); i += 1) await page.clock.runFor(1_000);
  assert.equal(norm(await dialog.locator('[aria-live]').textContent()), 'Il reste 10 secondes.', 'announced at 10 s');
  // A true modal: the rest of the page is inert while it is open.
  assert.ok(await dialog.evaluate((el) => el.matches(':modal')));

  const reportsBefore = (await calls(page, 'report_activity')).length;
  await continuer.click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await last.inputValue(), 'Dupo');
  assert.equal(await page.getByLabel('Prénom', { exact: true }).inputValue(), 'Jea');
  assert.ok(await isFocused(last), 'focus back where it was');
  assert.equal(await last.evaluate((el) => el.selectionStart), 2, 'caret kept');
  assert.equal((await calls(page, 'report_activity')).length, reportsBefore + 1, 'Rust told at once');

  // Time starts again from « Continuer ».
  await page.clock.runFor(60_000);
  assert.equal(await dialog.count(), 0);
  await assertClean(page, problems);
  await context.close();
});

test('without an answer the session is wiped: fields, storage, history; welcome screen', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20, rustIdle: false } });
  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.fill('2 69 05 49 588 157');
  await page.evaluate(() => {
    sessionStorage.setItem('x', '1');
    localStorage.setItem('y', '2');
    history.replaceState({ step: 'nir' }, '', '#nir');
  });
  await page.getByRole('button', { name: 'Affichage' }).click();
  await page.getByRole('dialog', { name: 'Affichage' }).getByRole('radio', { name: 'Très grande (200 %)' }).check();
  await page.getByRole('dialog', { name: 'Affichage' }).getByRole('button', { name: 'Fermer' }).click();

  await page.clock.runFor(91_000);
  await page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' }).waitFor();
  await page.clock.runFor(21_000);
  await waitForStep(page, 'Créer Mon espace privé');
  assert.equal(await page.getByRole('dialog').count(), 0);
  const state = await page.evaluate(() => ({
    session: sessionStorage.length,
    local: localStorage.length,
    hash: location.hash,
    history: history.state,
    textSize: document.documentElement.dataset.textSize,
    inputs: [...document.querySelectorAll('input')].filter((i) => i.type === 'text' || i.type === 'email' || i.type === 'tel').map((i) => i.value),
  }));
  assert.deepEqual(state, { session: 0, local: 0, hash: '', history: null, textSize: '100', inputs: [] });
  assert.ok((await calls(page, 'cancel_session')).length >= 1, 'Rust told to wipe its side');
  assert.match(norm(await page.getByRole('main').textContent()), /L'inscription précédente a été arrêtée\. Ses réponses ont été effacées\./);

  // The next person starts with an empty form.
  await startEnrolment(page);
  assert.equal(await nir.inputValue(), '');
  await assertClean(page, problems);
  await context.close();
});

test('Rust is authoritative: idle-warning opens the dialog with its seconds; session-expired wipes', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 600, idleWarningSeconds: 30, rustIdle: false } });
  await startEnrolment(page);
  await page.getByLabel('Numéro de sécurité sociale', { exact: true }).fill('2 69');
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 25 }));
  const dialog = page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });
  await dialog.waitFor();
  assert.match(norm(await dialog.textContent()), /Il reste 25 secondes\./);
  // A second warning re-times the countdown.
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 12 }));
  assert.match(norm(await dialog.textContent()), /Il reste 12 secondes\./);
  await dialog.getByRole('button', { name: 'Continuer' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByLabel('Numéro de sécurité sociale', { exact: true }).inputValue(), '2 69');

  await page.evaluate(() => window.__FAKE_TAURI__.emit('session-expired', null));
  await waitForStep(page, 'Créer Mon espace privé');
  await assertClean(page, problems);
  await context.close();
});

test('a warning Rust sent before it heard « Continuer » does not reopen the dialog', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 600, idleWarningSeconds: 30, rustIdle: false, reportActivityDelayMs: 400 } });
  await startEnrolment(page);
  await page.clock.runFor(1_000);
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 20 }));
  const dialog = page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });
  await dialog.waitFor();
  const before = (await calls(page, 'report_activity')).length;
  await dialog.getByRole('button', { name: 'Continuer' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await calls(page, 'report_activity')).length, before + 1, '« Continuer » tells Rust');
  // Rust's idle clock ticked before the report reached it: its warning is late.
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 19 }));
  await page.clock.runFor(1_000);
  assert.equal(await dialog.isVisible(), false, 'the late warning is not shown');
  // Once Rust has the report, a new warning is a real one.
  await page.evaluate(() => window.__FAKE_TAURI__.emit('idle-warning', { secondsLeft: 18 }));
  await dialog.waitFor();
  await assertClean(page, problems);
  await context.close();
});

test('idle is active only during an enrolment; activity reports are throttled to one per 5 s', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20, rustIdle: false } });
  await page.clock.runFor(300_000);
  assert.equal(await page.getByRole('dialog').count(), 0, 'no idle dialog on the welcome screen');

  await startEnrolment(page);
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  const before = (await calls(page, 'report_activity')).length;
  await nir.pressSequentially('2690549');
  const burst = (await calls(page, 'report_activity')).length - before;
  assert.ok(burst <= 1, `at most one report at once (got ${burst})`);
  await page.clock.runFor(5_000);
  const after5 = (await calls(page, 'report_activity')).length - before;
  assert.ok(after5 <= 2, `one trailing report (got ${after5})`);
  await page.clock.runFor(60_000);
  assert.equal((await calls(page, 'report_activity')).length - before, after5, 'no report without activity');
  await assertClean(page, problems);
  await context.close();
});

// The welcome screen's triage screens (issue 15) have no session: this page's clock alone
// brings the welcome screen back, with the same dialog first (a slow reader is warned, WCAG
// 2.2.1). `rustIdle` stays on: Rust's clock has no session to run for, and that must not matter.
const TRIAGE = [
  ["J'ai déjà un compte", 'Vous avez déjà un compte'],
  ["J'ai oublié mon mot de passe", 'Vous avez oublié votre mot de passe'],
  ["Je n'ai pas reçu mon mot de passe", "Vous n'avez pas reçu votre mot de passe"],
];

for (const [button, title] of TRIAGE) {
  test(`« ${button} » left alone: « Êtes-vous toujours là ? », « Continuer » keeps the screen, then the welcome screen`, async () => {
    const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20 } });
    await page.getByRole('radio', { name: 'Très grande (200 %)' }).check();
    await page.getByRole('button', { name: button, exact: true }).click();
    await waitForStep(page, title);
    const back = page.locator('#step-root').getByRole('button', { name: 'Retour', exact: true });
    await back.focus();
    // From here the page's clock moves only by runFor: on a loaded machine, real time going by
    // must not tick the countdown before it is read (it did once, « Il reste 19 secondes »).
    // What went by since the click stays small: 89 s + 1.1 s is in the first second of the dialog.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1));

    const dialog = page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });
    await page.clock.runFor(89_000);
    assert.equal(await dialog.count(), 0, 'not before idleSeconds');
    await page.clock.runFor(1_100);
    await dialog.waitFor();
    assert.ok(await isFocused(dialog.getByRole('button', { name: 'Continuer' })), 'focus on « Continuer »');
    assert.equal(norm(await dialog.locator('#idle-text').textContent()), "Sans réponse, l'écran d'accueil va revenir.", 'no answers to lose: says what happens');
    assert.match(norm(await dialog.textContent()), /Il reste 20 secondes\./);
    await page.clock.runFor(5_000);
    assert.match(norm(await dialog.textContent()), /Il reste 1[56] secondes\./, 'the countdown runs');

    await dialog.getByRole('button', { name: 'Continuer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await headingText(page), title, '« Continuer » keeps the triage screen');
    assert.ok(await isFocused(back), 'focus back on « Retour »');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), '200', 'the display settings kept');

    // A touch on the screen restarts the clock, as on the wizard's steps.
    await page.clock.runFor(60_000);
    await page.getByRole('heading', { level: 1 }).click();
    await page.clock.runFor(60_000);
    assert.equal(await dialog.count(), 0, 'a touch 60 s in: no dialog 60 s later');
    await page.clock.runFor(31_000);
    await dialog.waitFor();
    assert.equal(norm(await dialog.locator('#idle-text').textContent()), "Sans réponse, l'écran d'accueil va revenir.");

    // No answer: the welcome screen, as for the next person (settings reset), no notice
    // about answers (there were none).
    await page.clock.runFor(21_000);
    await waitForStep(page, 'Créer Mon espace privé');
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), '100', 'settings reset for the next person');
    assert.doesNotMatch(norm(await page.getByRole('main').textContent()), /réponses ont été effacées/);
    // Nothing went to Rust: there is no session on these screens.
    for (const cmd of ['start_session', 'report_activity', 'cancel_session']) assert.deepEqual(await calls(page, cmd), [], `no ${cmd}`);
    // And the welcome screen has no clock.
    await page.clock.runFor(300_000);
    assert.equal(await page.getByRole('dialog').count(), 0, 'no idle dialog on the welcome screen');
    await assertClean(page, problems);
    await context.close();
  });
}

test('a triage screen in English: the dialog in English; a help call holds the clock, its end starts it again', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20 } });
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'I already have an account', exact: true }).click();
  await waitForStep(page, 'You already have an account');
  await page.getByRole('button', { name: 'Need help?' }).click();
  const help = page.locator('#help-dialog');
  await help.waitFor();
  assert.doesNotMatch(norm(await help.textContent()), /answers/, 'no answers to keep: no promise about them');
  await page.clock.runFor(300_000);
  const idle = page.getByRole('dialog', { name: 'Are you still there?' });
  assert.equal(await idle.count(), 0, 'no idle dialog while help is called');
  await help.getByRole('button', { name: 'I no longer need help' }).click();
  await help.waitFor({ state: 'hidden' });
  await page.clock.runFor(89_000);
  assert.equal(await idle.count(), 0, 'the clock starts again from full');
  await page.clock.runFor(1_500);
  await idle.waitFor();
  assert.equal(norm(await idle.locator('#idle-text').textContent()), 'If you do not answer, the welcome screen will come back.');
  await page.clock.runFor(21_000);
  await waitForStep(page, 'Créer Mon espace privé');
  await assertClean(page, problems);
  await context.close();
});

test('« Continuer » gives back the main area scrolled where it was (200 %, a long step)', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 90, idleWarningSeconds: 20, rustIdle: false } });
  await page.getByRole('radio', { name: 'Très grande (200 %)' }).check();
  await startEnrolment(page);
  const field = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await field.fill('2 69');
  // Scrolled down the step, the focus left in the field (now above the visible part).
  const at = await page.evaluate(() => {
    const main = document.querySelector('main');
    main.scrollTop = main.scrollHeight;
    return main.scrollTop;
  });
  assert.ok(at > 0, 'the step is longer than the main area at 200 %');
  await page.clock.runFor(91_000);
  const dialog = page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Continuer' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.querySelector('main').scrollTop), at, 'scrolled where it was');
  assert.ok(await isFocused(field), 'focus back in the field');
  await assertClean(page, problems);
  await context.close();
});
