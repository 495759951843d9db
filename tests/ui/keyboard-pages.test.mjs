// The on-screen keyboard's second pages (kiosk mode, issue 12): the e-mail layout
// reaches every character enrol-core accepts in an address; the letter layout the
// letters of the languages of MSA's seasonal workers; each key is named (and a
// letter with a diacritic described) in the UI's language; the page key is a
// toggle button that keyboard users reach; axe finds nothing on the new pages;
// the UI font draws every key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, launch, openApp, assertClean, assertAxe, waitForStep, next, isFocused, calls, ENROL_DATA, UI,
} from './helpers.mjs';
import { LAYOUTS } from '../../ui/js/components/keyboard.js';
import { mappedCodePoints } from './font-cmap.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const KIOSK = { mode: 'kiosk', onScreenKeyboard: true };
const osk = (page) => page.getByRole('group', { name: "Clavier à l'écran" });

/** Letters of the alphabets of the seasonal workers' languages, beyond a–z (small; capitals are checked too). */
const ALPHABETS = {
  Spanish: 'áéíóúüñ',
  Portuguese: 'áâãàçéêíóôõú',
  Polish: 'ąćęłńóśźż',
  Romanian: 'ăâîșț',
  French: 'àâæçéèêëîïôœùû',
  other: 'ßøæœ',
};

/** The French name of the key that types `ch` (stable names for the end-to-end test too). */
function keyName(ch) {
  const names = {
    '@': 'arobase', '.': 'point', ',': 'virgule', '-': 'tiret', _: 'tiret bas', "'": 'apostrophe', '+': 'plus', ' ': 'Espace',
    '!': "point d'exclamation", '#': 'dièse', $: 'dollar', '%': 'pour cent', '&': 'et commercial', '*': 'astérisque',
    '/': 'barre oblique', '=': 'égal', '?': "point d'interrogation", '^': 'accent circonflexe seul',
    '`': 'accent grave seul', '{': 'accolade ouvrante', '|': 'barre verticale', '}': 'accolade fermante', '~': 'tilde',
  };
  if (names[ch]) return names[ch];
  if (/^[0-9]$/.test(ch)) return ch;
  return `lettre ${ch}`;
}

const pageKey = (page) => osk(page).getByRole('button', { name: /^(Autres lettres|Symboles)$/ });

/**
 * Types `text` by tapping keys only: a character not on the page shown is looked for on the
 * other page (« Autres lettres » / « Symboles »); a capital through « Majuscule ».
 */
async function tap(page, text, field) {
  const keyboard = osk(page);
  for (const ch of text) {
    let pressed = false;
    for (let attempt = 0; attempt < 4 && !pressed; attempt += 1) {
      const key = keyboard.getByRole('button', { name: keyName(ch), exact: true });
      if ((await key.count()) === 1) {
        await key.click();
        pressed = true;
      } else {
        const lower = ch.toLocaleLowerCase('fr');
        const small = keyboard.getByRole('button', { name: keyName(lower), exact: true });
        if (lower !== ch && (await small.count()) === 1) await keyboard.getByRole('button', { name: 'Majuscule' }).click();
        else await pageKey(page).click();
      }
    }
    assert.ok(pressed, `a key types « ${ch} »`);
    if (field) assert.ok(await isFocused(field), `focus stays in the field after « ${ch} »`);
  }
}

/** The characters the keys of the page shown type. */
async function shownCharacters(page) {
  return osk(page).locator('.osk__key[data-kind="char"]').evaluateAll((keys) => keys.map((k) => k.textContent));
}

/** The description a screen reader reads after the key's name, and the language it is read in. */
async function description(key) {
  return key.evaluate((el) => ({
    text: (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent).join(' '),
    lang: el.closest('[lang]')?.getAttribute('lang'),
  }));
}

async function toIdentity(page) {
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
  const nir = page.getByLabel('Numéro de sécurité sociale', { exact: true });
  await nir.click();
  await tap(page, '2690549588157', nir);
  await next(page);
  await waitForStep(page, 'Vos informations personnelles');
}

test('names in Romanian, Polish, German, Danish, Portuguese, Spanish and e-mails with + and \' typed with on-screen keys only', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
  await toIdentity(page);
  const person = {
    lastName: 'Ștefănescu-Mureșan Łoś Strauß',
    firstName: 'Vlăduț Søren Michał João Camões Muñoz',
  };
  const last = page.getByLabel('Nom', { exact: true });
  await last.click();
  await osk(page).waitFor();
  await tap(page, person.lastName, last);
  assert.equal(await last.inputValue(), person.lastName);
  const first = page.getByLabel('Prénom', { exact: true });
  await first.click();
  await tap(page, person.firstName, first);
  assert.equal(await first.inputValue(), person.firstName);
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  for (const [label, value] of [['Jour', '3'], ['Mois', '5'], ['Année', '1969']]) {
    const field = birth.getByLabel(label);
    await field.click();
    await tap(page, value, field);
  }
  const email = page.getByLabel('Adresse e-mail', { exact: true });
  await email.click();
  await tap(page, "o'brien@example.fr", email);
  assert.equal(await email.inputValue(), "o'brien@example.fr");
  for (let i = 0; i < "o'brien@example.fr".length; i += 1) await osk(page).getByRole('button', { name: 'Effacer' }).click();
  assert.equal(await email.inputValue(), '');
  await tap(page, 'claire+msa@orange.fr', email);
  assert.equal(await email.inputValue(), 'claire+msa@orange.fr');
  await next(page);
  // enrol-core accepted them (the fake answers with its answers).
  await waitForStep(page, 'Une information pour vous reconnaître');
  const sent = (await calls(page, 'submit_identity')).at(-1).args;
  assert.equal(sent.lastName, person.lastName);
  assert.equal(sent.firstName, person.firstName);
  assert.equal(sent.email, 'claire+msa@orange.fr');

  await page.getByRole('radio', { name: "Le montant d'un paiement reçu de la MSA ces 6 derniers mois" }).click();
  const amount = page.getByLabel('Montant en euros');
  await amount.click();
  await tap(page, '123,45', amount);
  await next(page);
  await waitForStep(page, 'Le département de votre MSA');
  await page.getByRole('radio', { name: 'Non, une autre MSA' }).click();
  await page.getByRole('radio', { name: 'Vendée' }).click();
  await next(page);
  await waitForStep(page, 'Vérifiez vos réponses');
  const main = page.getByRole('main');
  for (const text of [person.lastName, person.firstName, 'claire+msa@orange.fr']) {
    assert.ok(await main.getByText(text, { exact: false }).first().isVisible(), `review shows ${text}`);
  }
  await assertClean(page, problems);
  await context.close();
});

test('capitals in an e-mail: « Majuscule » on the e-mail page, kept as typed before the @', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
  await toIdentity(page);
  await page.getByLabel('Nom', { exact: true }).fill('Dupont');
  await page.getByLabel('Prénom', { exact: true }).fill('Jeanne');
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  for (const [label, value] of [['Jour', '3'], ['Mois', '5'], ['Année', '1969']]) await birth.getByLabel(label).fill(value);
  const email = page.getByLabel('Adresse e-mail', { exact: true });
  await email.click();
  await osk(page).waitFor();
  const shift = osk(page).getByRole('button', { name: 'Majuscule', exact: true });
  assert.equal(await shift.count(), 1, 'a « Majuscule » key on the e-mail page');
  assert.equal(await shift.getAttribute('aria-pressed'), 'false');
  await tap(page, 'Jeanne.DUPONT@exemple.fr', email);
  assert.equal(await email.inputValue(), 'Jeanne.DUPONT@exemple.fr');
  assert.equal(await shift.getAttribute('aria-pressed'), 'false', 'one capital per press, as on the letter page');
  await assertAxe(page, 'e-mail page with Majuscule');
  await next(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  assert.equal((await calls(page, 'submit_identity')).at(-1).args.email, 'Jeanne.DUPONT@exemple.fr');
  await assertClean(page, problems);
  await context.close();
});

test('the e-mail layout reaches every character enrol-core accepts in an address; the letter layout every letter of the workers\' alphabets', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
  await toIdentity(page);

  const email = page.getByLabel('Adresse e-mail', { exact: true });
  await email.click();
  await osk(page).waitFor();
  const symbols = osk(page).getByRole('button', { name: 'Symboles', exact: true });
  assert.equal(await symbols.getAttribute('aria-pressed'), 'false');
  const emailKeys = new Set(await shownCharacters(page));
  await symbols.click();
  assert.equal(await symbols.getAttribute('aria-pressed'), 'true', 'the page key says the symbols are shown');
  assert.ok(await isFocused(email), 'turning the page keeps the focus in the field');
  for (const ch of await shownCharacters(page)) emailKeys.add(ch);
  // Small letters stand for both cases: capitals are a « Majuscule » away (test above).
  const unreachable = [...ENROL_DATA.emailCharacters].filter((ch) => !emailKeys.has(ch.toLowerCase()));
  assert.deepEqual(unreachable, [], 'characters of an address with no key');
  for (const box of await osk(page).getByRole('button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]))) {
    assert.ok(box[0] >= 48 && box[1] >= 48, `symbols key ${box} ≥ 48 px`);
  }
  await symbols.click();
  assert.equal(await symbols.getAttribute('aria-pressed'), 'false');

  const last = page.getByLabel('Nom', { exact: true });
  await last.click();
  const more = osk(page).getByRole('button', { name: 'Autres lettres', exact: true });
  const shift = osk(page).getByRole('button', { name: 'Majuscule', exact: true });
  const letters = new Set();
  for (const pageShown of ['main', 'more']) {
    assert.equal(await more.getAttribute('aria-pressed'), String(pageShown === 'more'));
    for (const ch of await shownCharacters(page)) letters.add(ch);
    await shift.click();
    for (const ch of await shownCharacters(page)) letters.add(ch);
    await shift.click();
    if (pageShown === 'main') await more.click();
  }
  for (const box of await osk(page).getByRole('button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]))) {
    assert.ok(box[0] >= 48 && box[1] >= 48, `letters key ${box} ≥ 48 px`);
  }
  for (const [language, alphabet] of Object.entries(ALPHABETS)) {
    for (const small of alphabet) {
      assert.ok(letters.has(small), `${language} « ${small} » has a key`);
      const capital = small.toLocaleUpperCase('fr');
      if ([...capital].length === 1) assert.ok(letters.has(capital), `${language} « ${capital} » has a key`);
    }
  }

  // Named by what they show, described in words in the UI's language.
  const expectations = [['ñ', 'n tilde'], ['ł', 'l barré'], ['ș', 's virgule en dessous'], ['ț', 't virgule en dessous'], ['ă', 'a brève'], ['ã', 'a tilde'], ['ś', 's accent aigu'], ['ß', 'eszett, s dur allemand'], ['ø', 'o barré'], ['ż', 'z point au-dessus']];
  for (const [ch, said] of expectations) {
    const key = osk(page).getByRole('button', { name: `lettre ${ch}`, exact: true });
    assert.equal(await key.count(), 1, `one key « lettre ${ch} » on the page`);
    assert.deepEqual(await description(key), { text: said, lang: 'fr' }, `description of ${ch}`);
  }
  await shift.click();
  assert.deepEqual(await description(osk(page).getByRole('button', { name: 'lettre Ł', exact: true })), { text: 'L barré', lang: 'fr' });
  assert.equal(await osk(page).getByRole('button', { name: 'lettre ß', exact: true }).count(), 1, 'ß stays ß with Majuscule');
  await shift.click();
  await more.click();
  assert.deepEqual(await description(osk(page).getByRole('button', { name: 'lettre œ', exact: true })), { text: "e dans l'o", lang: 'fr' });
  assert.deepEqual(await description(osk(page).getByRole('button', { name: 'lettre a', exact: true })), { text: '', lang: 'fr' }, 'a plain letter has no description');

  // In English, the same keys in English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('Last name', { exact: true }).click();
  const en = page.getByRole('group', { name: 'On-screen keyboard' });
  await en.waitFor();
  await en.getByRole('button', { name: 'More letters', exact: true }).click();
  assert.deepEqual(await description(en.getByRole('button', { name: 'letter ñ', exact: true })), { text: 'n with tilde', lang: 'en' });
  assert.deepEqual(await description(en.getByRole('button', { name: 'letter ł', exact: true })), { text: 'l with stroke', lang: 'en' });
  await assertClean(page, problems);
  await context.close();
});

test('keyboard users turn the page: the page key is a toggle button in the arrow-key grid', async () => {
  const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK });
  await toIdentity(page);
  const last = page.getByLabel('Nom', { exact: true });
  await last.focus();
  await osk(page).waitFor();
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(osk(page).getByRole('button', { name: '1', exact: true })), 'Tab goes into the keys');
  await page.keyboard.press('ArrowUp');
  const more = osk(page).getByRole('button', { name: 'Autres lettres', exact: true });
  assert.ok(await isFocused(more), 'ArrowUp from the top row reaches the bottom row, where the page key is');
  assert.equal(await more.evaluate((el) => el.tagName), 'BUTTON');
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-pressed'), 'true');
  assert.ok(await isFocused(more), 'focus stays on the page key after the page turns');
  await page.keyboard.press('ArrowDown');
  assert.ok(await isFocused(osk(page).getByRole('button', { name: 'lettre á', exact: true })));
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  assert.equal(await last.inputValue(), 'áã');
  await page.keyboard.press('Escape');
  assert.ok(await isFocused(last));
  await assertClean(page, problems);
  await context.close();
});

for (const theme of ['normal', 'contrast']) {
  test(`axe: 0 violations on the new keyboard pages, in French and English (${theme} theme)`, async () => {
    const { context, page, problems } = await openApp(browser, server.url, { config: KIOSK, hasTouch: true });
    if (theme === 'contrast') await page.getByRole('radio', { name: 'Contraste élevé (blanc sur noir)' }).check();
    const options = theme === 'contrast' ? { extraRules: ['color-contrast-enhanced'] } : {};
    await toIdentity(page);
    const check = async (lang) => {
      await page.getByLabel(lang === 'fr' ? 'Nom' : 'Last name', { exact: true }).click();
      await page.getByRole('button', { name: lang === 'fr' ? 'Autres lettres' : 'More letters', exact: true }).click();
      await assertAxe(page, `more letters (${lang}, ${theme})`, options);
      await page.getByRole('button', { name: lang === 'fr' ? 'Majuscule' : 'Capital letter', exact: true }).click();
      await assertAxe(page, `more letters, capitals (${lang}, ${theme})`, options);
      await page.getByLabel(lang === 'fr' ? 'Adresse e-mail' : 'Email address', { exact: true }).click();
      await page.getByRole('button', { name: lang === 'fr' ? 'Symboles' : 'Symbols', exact: true }).click();
      await assertAxe(page, `symbols (${lang}, ${theme})`, options);
    };
    await check('fr');
    await page.getByRole('button', { name: 'English' }).click();
    await check('en');
    await assertClean(page, problems);
    await context.close();
  });
}

test('the UI font draws every key of every page, in both weights', () => {
  const dir = join(UI, 'fonts');
  const shown = new Set();
  for (const layout of Object.values(LAYOUTS)) {
    for (const rows of layout.pages || [layout.rows]) {
      for (const key of rows.flat()) {
        if (key.kind !== 'char') continue;
        for (const ch of key.value) shown.add(ch);
        if (key.letter) for (const ch of key.value.toLocaleUpperCase('fr')) shown.add(ch);
      }
    }
  }
  assert.ok(shown.has('ł') && shown.has('Ș') && shown.has('~'), 'the layouts were read');
  for (const weight of ['400', '700']) {
    const files = readdirSync(dir).filter((f) => f.endsWith(`-${weight}-normal.woff2`));
    assert.ok(files.length >= 2, `font files of weight ${weight}`);
    const mapped = new Set(files.flatMap((f) => [...mappedCodePoints(join(dir, f))]));
    const missing = [...shown].filter((ch) => !mapped.has(ch.codePointAt(0)));
    assert.deepEqual(missing, [], `characters without a glyph in weight ${weight}`);
  }
});
