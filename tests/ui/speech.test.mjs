// « Écouter » (issue 19), the page's side: the header button and F9, what ui/js/speech.js asks
// Rust to say on a step change and an error, typed keys marked personal with their field. The
// rule on personal values is Rust's (src-tauri/src/speech/privacy.rs, tests/e2e/speech.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openApp, assertClean, startEnrolment, next, calls, eventually } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const said = async (page) => (await calls(page, 'speech_say')).map((c) => c.args);

test('« Écouter » turns speech on; steps, errors and typed keys are sent to Rust', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { speech: { enabled: true } } });
  const listen = page.getByRole('button', { name: 'Écouter', exact: true });
  await listen.waitFor();
  assert.equal(await listen.getAttribute('aria-pressed'), 'false');
  await listen.click();
  await eventually(async () => (await listen.getAttribute('aria-pressed')) === 'true', { message: 'pressed' });

  await startEnrolment(page);
  await eventually(async () => (await said(page)).some((a) => a.kind === 'screen' && a.interrupt && /Étape 2 sur 7/.test(a.text)), { message: 'step 2 read' });

  await next(page);
  await eventually(async () => (await said(page)).some((a) => /Il y a un problème/.test(a.text)), { message: 'errors read' });

  const before = (await said(page)).length;
  await page.getByLabel('Numéro de sécurité sociale', { exact: true }).pressSequentially('18');
  await eventually(async () => (await said(page)).slice(before).filter((a) => a.kind === 'personal').length === 2, { message: 'two keys' });
  const keys = (await said(page)).slice(before).filter((a) => a.kind === 'personal');
  assert.deepEqual(keys.map((a) => [a.text, a.field]), [['1', 'nir'], ['8', 'nir']]);
  assert.ok((await said(page)).slice(before).every((a) => a.kind === 'personal' || !/[0-9]/.test(a.text)), 'no digit outside personal utterances');

  // F9 turns it off again.
  await page.keyboard.press('F9');
  await eventually(async () => (await listen.getAttribute('aria-pressed')) === 'false', { message: 'F9 toggles' });
  await assertClean(page, problems);
  await context.close();
});

test('without [speech] the button stays hidden', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: { speech: { enabled: false } } });
  await startEnrolment(page);
  assert.equal(await page.getByRole('button', { name: 'Écouter', exact: true }).count(), 0);
  assert.equal((await said(page)).length, 0);
  await assertClean(page, problems);
  await context.close();
});
