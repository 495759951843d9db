// Pure tests (no browser, no jsdom): ui/js/i18n.js, and the translation files
// against each other and against docs/contracts.md's table of error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { I18n, register, setLanguage, t, errorKey, getLanguage } from '../../ui/js/i18n.js';
import { ROOT, UI, ENROL_DATA } from './helpers.mjs';
import { moduleSource } from './sync-i18n.mjs';

const fr = JSON.parse(readFileSync(join(UI, 'i18n', 'fr.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(UI, 'i18n', 'en.json'), 'utf8'));

test('a missing key returns the key itself', () => {
  const i18n = new I18n({ 'a.b': 'Bonjour' });
  assert.equal(i18n.t('a.b'), 'Bonjour');
  assert.equal(i18n.t('nope.missing'), 'nope.missing');
  assert.equal(new I18n().t('x'), 'x');
});

test('%{name} interpolation; unknown params stay as written; values are not markup', () => {
  const i18n = new I18n({ greet: 'Vouliez-vous dire %{email} ? %{email}', two: '%{a}-%{b}' });
  assert.equal(i18n.t('greet', { email: 'jean@gmail.com' }), 'Vouliez-vous dire jean@gmail.com ? jean@gmail.com');
  assert.equal(i18n.t('two', { a: 1 }), '1-%{b}');
  assert.equal(i18n.t('two', { a: '<b>', b: 0 }), '<b>-0');
});

test('count selects the plural form (French: 0 and 1 are singular)', () => {
  const strings = { 'n.one': '%{count} seconde', 'n.other': '%{count} secondes' };
  const frI18n = new I18n(strings, { locale: 'fr' });
  assert.equal(frI18n.t('n', { count: 1 }), '1 seconde');
  assert.equal(frI18n.t('n', { count: 0 }), '0 seconde');
  assert.equal(frI18n.t('n', { count: 20 }), '20 secondes');
  const enI18n = new I18n(strings, { locale: 'en' });
  assert.equal(enI18n.t('n', { count: 0 }), '0 secondes');
});

test('the module-level t() follows the registered language', () => {
  register('fr', fr);
  register('en', en);
  assert.equal(setLanguage('de'), false);
  setLanguage('en');
  assert.equal(getLanguage(), 'en');
  assert.equal(t('nav.next'), 'Next');
  setLanguage('fr');
  assert.equal(t('nav.next'), 'Suivant');
  assert.equal(t('welcome.start'), "S'inscrire");
  // A field-specific message wins over the generic code.
  assert.equal(errorKey({ code: 'name.empty', field: 'lastName', key: 'error.name.empty' }), 'error.lastName.name.empty');
  assert.equal(errorKey({ code: 'nir.empty', field: 'nir', key: 'error.nir.empty' }), 'error.nir.empty');
  assert.equal(errorKey({ code: 'system.internal', field: null, key: 'error.system.internal' }), 'error.system.internal');
});

test('fr.json and en.json have the same keys, and no empty string', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  for (const [lang, strings] of [['fr', fr], ['en', en]]) {
    for (const [key, value] of Object.entries(strings)) {
      assert.equal(typeof value, 'string', `${lang} ${key}`);
      assert.ok(value.trim().length > 0, `${lang} ${key} is empty`);
    }
  }
  // The same %{params} on both sides.
  const params = (s) => [...s.matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(fr)) assert.deepEqual(params(en[key]), params(fr[key]), `params of ${key}`);
});

test('every error code of docs/contracts.md has a message in both languages', () => {
  const contracts = join(ROOT, 'docs', 'contracts.md');
  assert.ok(existsSync(contracts), 'docs/contracts.md exists');
  const md = readFileSync(contracts, 'utf8');
  const section = md.slice(md.indexOf('### Codes'));
  const rows = section.split('\n').filter((line) => line.startsWith('|')).slice(2); // header + separator
  const codes = new Set();
  for (const row of rows) {
    const cells = row.split('|').map((c) => c.trim());
    if (cells.length < 3) break;
    for (const m of cells[2].matchAll(/`([a-zA-Z]+\.[a-zA-Z]+)`/g)) codes.add(m[1]);
  }
  assert.ok(codes.size >= 35, `parsed ${codes.size} codes from the table`);
  for (const code of ['nir.counsellor', 'birthDate.nirMismatch', 'department.mayotte', 'terms.outdated', 'system.internal']) assert.ok(codes.has(code), code);
  for (const code of codes) {
    assert.ok(fr[`error.${code}`], `fr.json lacks error.${code}`);
    assert.ok(en[`error.${code}`], `en.json lacks error.${code}`);
  }
});

test('every error code of enrol-core (ALL_CODES, via tests/ui/generated) has a message in both languages', () => {
  assert.ok(ENROL_DATA.errorCodes.length >= 35, `${ENROL_DATA.errorCodes.length} codes generated`);
  for (const code of ENROL_DATA.errorCodes) {
    assert.ok(fr[`error.${code}`], `fr.json lacks error.${code}`);
    assert.ok(en[`error.${code}`], `en.json lacks error.${code}`);
  }
});

test('ui/i18n/{fr,en}.js are in sync with the JSON (run: node tests/ui/sync-i18n.mjs)', async () => {
  for (const lang of ['fr', 'en']) {
    assert.equal(readFileSync(join(UI, 'i18n', `${lang}.js`), 'utf8'), moduleSource(lang), `ui/i18n/${lang}.js is stale`);
    const mod = await import(pathToFileURL(join(UI, 'i18n', `${lang}.js`)).href);
    assert.deepEqual({ ...mod.default }, lang === 'fr' ? fr : en);
  }
});

test('the UI never uses innerHTML, eval, inline handlers or inline styles', () => {
  const files = ['index.html', ...['main', 'wizard', 'ipc', 'i18n', 'dom', 'lockdown'].map((f) => `js/${f}.js`),
    ...['error-summary', 'field-error', 'keyboard', 'idle-dialog', 'confirm-dialog', 'settings', 'modal'].map((f) => `js/components/${f}.js`),
    ...['welcome', 'nir', 'identity', 'verification', 'department', 'review', 'confirmation'].map((f) => `js/steps/${f}.js`)];
  for (const file of files) {
    const src = readFileSync(join(UI, file), 'utf8');
    assert.doesNotMatch(src, /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML\(|\beval\(|new Function\(/, file);
    assert.doesNotMatch(src, /\son[a-z]+="/, `${file}: inline handler`);
    assert.doesNotMatch(src, /\sstyle="|setAttribute\('style'/, `${file}: inline style`);
    if (file !== 'js/ipc.js') assert.doesNotMatch(src, /__TAURI__/, `${file} touches window.__TAURI__`);
  }
  const html = readFileSync(join(UI, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
  assert.doesNotMatch(html, /https?:\/\//, 'no remote URL');
});
