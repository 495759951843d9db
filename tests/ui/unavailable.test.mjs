// « Cette borne ne marche pas pour le moment »: what the page shows while Rust says the
// kiosk is unavailable (keyring locked, web process crash loop…), at boot and
// when it changes under an enrolment; and the welcome screen when it is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openApp, assertClean, assertAxe, startEnrolment, fillNir, waitForStep, calls,
} from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const LOCKED = { state: 'unavailable', reason: 'keyring.locked' };

test('an unavailable kiosk boots on a calm screen with nothing that leads anywhere', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { mode: 'kiosk', availability: LOCKED } });
  await waitForStep(page, 'Cette borne ne marche pas pour le moment');
  const main = page.locator('#step-root');
  assert.equal(await main.getByRole('button').count(), 0, 'no button in the screen itself');
  assert.equal(await main.getByRole('link').count(), 0, 'no link in the screen itself');
  assert.match(await main.textContent(), /keyring\.locked/, 'the code for the adviser');
  assert.doesNotMatch(await main.textContent(), /Étape/, 'not a step of the enrolment');
  assert.ok(await page.getByRole('button', { name: 'Abandonner' }).isHidden(), 'no « Abandonner »');
  await assertAxe(page, 'unavailable (fr)');

  // The toolbar still works: the language, and the display settings.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'This kiosk is not working right now' }).waitFor();
  await assertAxe(page, 'unavailable (en)');
  await page.getByRole('button', { name: 'Display' }).click();
  await page.getByRole('dialog', { name: 'Display' }).waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(await calls(page, 'start_session'), [], 'no session was started');
  await assertClean(page, problems);
  await context.close();
});

test('a page loaded again draws its first screen from the availability of now, not from the snapshot of the window\'s creation', async () => {
  // The window was created while the keyring was locked; it is ready now.
  const { context, page, problems } = await openApp(browser, server.url, { config: { bootAvailability: LOCKED } });
  // Every first-level heading the page shows, from its first one.
  await context.addInitScript(() => {
    window.__HEADINGS__ = [];
    new MutationObserver(() => {
      const h1 = document.querySelector('h1');
      const text = h1 ? h1.textContent : '';
      if (text && window.__HEADINGS__.at(-1) !== text) window.__HEADINGS__.push(text);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  // As the kiosk reloads the wizard after a web process crash. (Without the check, the page
  // would show « indisponible » from the snapshot first.)
  await page.reload({ waitUntil: 'commit' });
  await page.getByRole('button', { name: "S'inscrire", exact: true }).waitFor();
  const headings = await page.evaluate(() => window.__HEADINGS__);
  assert.ok(headings.length >= 1 && headings.every((h) => !/ne marche pas/.test(h)), `only the welcome: ${JSON.stringify(headings)}`);
  await assertClean(page, problems);
  await context.close();
});

test('unavailable under an enrolment: the page is wiped, and the welcome screen comes back with the kiosk', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await page.getByLabel('Nom', { exact: true }).fill('Dupont');

  await page.evaluate((a) => window.__FAKE_TAURI__.setAvailability(a), { state: 'unavailable', reason: 'webProcess.crashLoop' });
  await waitForStep(page, 'Cette borne ne marche pas pour le moment');
  assert.equal(await page.locator('input').evaluateAll((inputs) => inputs.filter((i) => i.value === 'Dupont').length), 0, 'the name is gone');
  assert.ok((await calls(page, 'cancel_session')).length >= 1, 'Rust was told to end the session');

  await page.evaluate(() => window.__FAKE_TAURI__.setAvailability({ state: 'ready' }));
  await page.getByRole('button', { name: "S'inscrire", exact: true }).waitFor();
  await startEnrolment(page);
  await assertClean(page, problems);
  await context.close();
});

test('« Cette borne n\'est pas encore prête » (not configured): its own calm words, the front desk for the person, no code on screen', async () => {
  const notConfigured = { state: 'unavailable', reason: 'system.notConfigured' };
  const { context, page, problems } = await openApp(browser, server.url, { config: { mode: 'kiosk', availability: notConfigured } });
  await waitForStep(page, "Cette borne n'est pas encore prête");
  const main = page.locator('#step-root');
  const text = await main.textContent();
  assert.match(text, /Allez à l'accueil/, 'where the person goes');
  assert.match(text, /service informatique/, 'what the adviser does');
  assert.doesNotMatch(text, /notConfigured|config\.toml|\/etc\//, 'nothing technical');
  assert.doesNotMatch(text, /toute seule/, 'never promises to come back by itself');
  assert.equal(await main.getByRole('button').count(), 0, 'no button in the screen itself');
  await assertAxe(page, 'not configured (fr)');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'This kiosk is not ready yet' }).waitFor();
  await assertAxe(page, 'not configured (en)');
  assert.deepEqual(await calls(page, 'start_session'), [], 'no session was started');
  await assertClean(page, problems);
  await context.close();
});
