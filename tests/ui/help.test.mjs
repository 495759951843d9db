// « Besoin d'aide ? » (issues 15 and 17) against the fake Rust side: the dialog
// says plainly what happens in each of Rust's states, the page's idle clock waits
// while a call is held, an agent's close (Rust's help-changed) closes the dialog
// by itself and the answers are kept; the help button stays in its place when
// « Abandonner » appears, at every text size. The real Rust side
// is tested in tests/e2e/help.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, assertAxe, startEnrolment, fillNir, fillIdentity, waitForStep,
  calls, isFocused, eventually, norm,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('help holds the idle clock until an agent closes the call; the answers are kept', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { clock: true, config: { idleSeconds: 30, idleWarningSeconds: 20 } });
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  const last = page.getByLabel('Nom', { exact: true });
  await last.fill('Dupont');

  await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
  const help = page.getByRole('dialog', { name: 'Un conseiller va venir' });
  await help.waitFor();
  assert.equal((await calls(page, 'help_request')).length, 1);
  await assertAxe(page, 'help dialog, call open');
  // Far past idle + warning (50 s): no « Êtes-vous toujours là ? », nothing wiped.
  await page.clock.runFor(120_000);
  assert.equal(await page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' }).count(), 0);
  assert.ok(await help.isVisible());
  assert.equal(await page.evaluate(() => window.__FAKE_TAURI__.session !== null), true, 'the session lives');

  await page.evaluate(() => window.__FAKE_TAURI__.agentClosesHelp());
  await help.waitFor({ state: 'hidden' });
  await eventually(async () => norm(await page.locator('#live').textContent()) === "L'appel est terminé. Vous pouvez continuer votre inscription.");
  assert.ok(await isFocused(page.getByRole('button', { name: "Besoin d'aide ?" })), 'focus back where it was');
  assert.equal(await last.inputValue(), 'Dupont', 'the answer is kept');
  await eventually(async () => (await calls(page, 'help_close')).length === 1, { message: 'Rust hears the page saw the close' });

  // The idle clock starts again from full: no warning before idleSeconds.
  await page.clock.runFor(25_000);
  assert.equal(await page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' }).count(), 0);
  await page.clock.runFor(6_000);
  await page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' }).waitFor();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await fillIdentity(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  await assertClean(page, problems);
  await context.close();
});

test('the backend cannot be reached: « Allez à l\'accueil », and the person closes the call', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { help: { state: 'unreached', hook: false } } });
  await startEnrolment(page);
  await page.getByRole('button', { name: "Besoin d'aide ?" }).click();
  const help = page.getByRole('dialog', { name: "Allez à l'accueil" });
  await help.waitFor();
  assert.match(norm(await help.textContent()), /Nous n'avons pas pu appeler un conseiller\.\s*Vos réponses sont gardées\./);
  await assertAxe(page, 'help dialog, backend unreachable');
  await help.getByRole('button', { name: "Je n'ai plus besoin d'aide" }).click();
  await help.waitFor({ state: 'hidden' });
  assert.equal((await calls(page, 'help_close')).length, 1);
  assert.equal(await page.evaluate(() => window.__FAKE_TAURI__.helpView), null);
  await assertClean(page, problems);
  await context.close();
});

test('« Besoin d\'aide ? » stays in its place when « Abandonner » appears, at every text size', async () => {
  for (const size of ['100', '150', '200']) {
    const { context, page, problems } = await openApp(browser, server.url);
    await page.evaluate((s) => { document.documentElement.dataset.textSize = s; }, size);
    const helpButton = page.getByRole('button', { name: "Besoin d'aide ?" });
    // Where it is on the page (the page may have scrolled to the step's heading).
    const place = () => helpButton.evaluate((b) => { const r = b.getBoundingClientRect(); return { x: r.x + window.scrollX, y: r.y + window.scrollY }; });
    const welcome = await place();
    assert.ok(await page.getByRole('button', { name: 'Abandonner' }).isHidden());
    await startEnrolment(page);
    assert.ok(await page.getByRole('button', { name: 'Abandonner' }).isVisible());
    const nir = await place();
    assert.deepEqual([nir.x, nir.y], [welcome.x, welcome.y], `${size} %: the help button does not move when « Abandonner » appears`);
    await fillNir(page);
    await waitForStep(page, 'Vos informations personnelles');
    const identity = await place();
    assert.deepEqual([identity.x, identity.y], [welcome.x, welcome.y], `${size} %: nor on the next step`);
    await assertClean(page, problems);
    await context.close();
  }
});
