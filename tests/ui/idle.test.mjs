// Inactivity: « Êtes-vous toujours là ? » after idleSeconds, a visible countdown
// of idleWarningSeconds, « Continuer » restores the exact screen (fields and
// focus); without an answer, or on Rust's session-expired, everything is wiped.
// The page's clock is Playwright's fake clock: 90 s take no time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, startEnrolment, fillNir, waitForStep, calls, isFocused, eventually, norm,
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
