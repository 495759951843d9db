// Issue 18: ui/index.html loads one stylesheet and one module, bundled from the sources by
// tools/bundle-ui.mjs and committed. These tests fail when a source changed and the bundles were
// not made again (`npm run bundle`), and when the page would load anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UI } from './helpers.mjs';
import { bundles } from '../../tools/bundle-ui.mjs';

test('the committed bundles are what tools/bundle-ui.mjs makes of today\'s sources', async () => {
  const made = await bundles();
  assert.deepEqual(made.map((b) => b.path), ['js/app.bundle.js', 'css/app.bundle.css']);
  for (const { path, text } of made) {
    const committed = readFileSync(join(UI, path), 'utf8');
    assert.ok(
      committed === text,
      `ui/${path} is not what the sources make today: run \`npm run bundle\` and commit it`,
    );
  }
});

test('the bundle holds every module of the page, main.js before speech.js', () => {
  const js = readFileSync(join(UI, 'js/app.bundle.js'), 'utf8');
  const order = [...js.matchAll(/^\/\/ (ui\/\S+\.js)$/gm)].map((m) => m[1]);
  for (const module of ['ui/js/main.js', 'ui/js/speech.js', 'ui/js/wizard.js', 'ui/js/ipc.js',
    'ui/i18n/fr.js', 'ui/i18n/en.js', 'ui/js/steps/welcome.js', 'ui/js/steps/confirmation.js']) {
    assert.ok(order.includes(module), `${module} is not in the bundle`);
  }
  assert.ok(order.indexOf('ui/js/main.js') < order.indexOf('ui/js/speech.js'));
  // Nothing left for the page to fetch as a module.
  assert.doesNotMatch(js, /^\s*import\s/m);
});

test('index.html loads the two bundles and no other script or stylesheet', () => {
  const html = readFileSync(join(UI, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  const styles = [...html.matchAll(/<link rel="(?:stylesheet|modulepreload)"[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="module" src="js/app.bundle.js">']);
  assert.deepEqual(styles, ['<link rel="stylesheet" href="css/app.bundle.css">']);
});
