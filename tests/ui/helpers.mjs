// Shared test plumbing: a tiny static server for ui/ (with the kiosk's CSP, so a
// violation shows up here first), Debian's Chromium through playwright-core,
// the fake Rust side (fake-tauri.js, answering with enrol-core's generated data)
// injected before the page's modules, axe,
// and small helpers that find things the way a person does (role, label, name).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import ENROL_DATA from './generated/enrol-data.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const UI = join(ROOT, 'ui');
const FAKE = join(here, 'fake-tauri.js');
const require = createRequire(import.meta.url);
export { ENROL_DATA };
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The production CSP (docs: tauri.conf.json), applied by the test server. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ipc: http://ipc.localhost; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves ui/ on 127.0.0.1 (random port). */
export async function startServer() {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let path = decodeURIComponent(url.pathname);
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(UI, path));
      if (!file.startsWith(UI + sep)) { res.writeHead(403).end(); return; }
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launch() {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A fresh context and page on the wizard, with the fake Rust side.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{config?: object, viewport?: {width: number, height: number}, clock?: boolean, hasTouch?: boolean}} [options]
 */
export async function openApp(browser, url, { config = {}, viewport = { width: 1280, height: 800 }, clock = false, hasTouch = false } = {}) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', hasTouch });
  await context.addInitScript((c) => { window.__FAKE_TAURI_CONFIG__ = c; }, config);
  await context.addInitScript((d) => { window.__ENROL_DATA__ = d; }, ENROL_DATA);
  await context.addInitScript({ path: FAKE });
  await context.addInitScript(() => {
    window.__CSP_VIOLATIONS__ = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__CSP_VIOLATIONS__.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    problems.push(`console: ${msg.text()}`);
    // A value the generated table lacks: say so even when the test fails earlier.
    if (msg.text().startsWith('fake-tauri:')) console.error(msg.text());
  });
  if (clock) await page.clock.install({ time: new Date('2025-06-15T10:00:00Z') });
  await page.goto(url);
  if (config.availability && config.availability.state !== 'ready') {
    // An unavailable kiosk boots on « indisponible », which has no « S'inscrire ».
    await page.getByRole('heading', { level: 1 }).waitFor();
  } else {
    await page.getByRole('button', { name: "S'inscrire", exact: true }).or(page.getByRole('button', { name: 'Sign up', exact: true })).waitFor();
  }
  return { context, page, problems };
}

/** No CSP violation, no page error, no console error. */
/** A text as read: no-break spaces as spaces, runs of white space as one, trimmed. */
export const norm = (s) => String(s).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

export async function assertClean(page, problems) {
  const violations = await page.evaluate(() => window.__CSP_VIOLATIONS__);
  assert.deepEqual(violations, [], 'CSP violations');
  assert.deepEqual(problems, [], 'page errors');
}

/** Waits until fn() is truthy (polling in Node). */
export async function eventually(fn, { timeout = 5000, interval = 50, message = 'condition not met' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`${message} (last: ${last && last.message ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export async function activeInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return null;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: (el.textContent || '').replace(/\s+/g, ' ').trim(),
      className: el.className,
    };
  });
}

/** The locator has focus. */
export async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

/** The h1 text (normalised). */
export async function headingText(page) {
  return (await page.getByRole('heading', { level: 1 }).textContent()).replace(/\s+/g, ' ').trim();
}

/** Waits for a step heading containing `text`, focused. */
export async function waitForStep(page, text) {
  const heading = page.getByRole('heading', { level: 1, name: text });
  await heading.waitFor();
  await eventually(() => isFocused(heading), { message: `heading « ${text} » focused` });
  return heading;
}

/**
 * Runs axe on the page with the WCAG 2.0/2.1/2.2 A/AA tags; fails on any violation.
 * @param {import('playwright-core').Page} page
 * @param {string} label for the message
 * @param {{extraRules?: string[], incomplete?: boolean}} [options] e.g. ['color-contrast-enhanced'] in the
 *   high-contrast theme; `incomplete`: « needs review » results fail too, as tests/e2e/a11y.rs counts them
 *   (but label-content-name-mismatch, which axe cannot decide for one-letter key labels)
 */
export async function assertAxe(page, label, { extraRules = [], incomplete = false } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async ({ rules, unsure }) => {
    const base = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    let extra = { violations: [] };
    if (rules.length) extra = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    const review = unsure ? base.incomplete.filter((v) => v.id !== 'label-content-name-mismatch').map((v) => ({ ...v, id: `needs review: ${v.id}` })) : [];
    return [...base.violations, ...extra.violations, ...review].map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary}`),
    }));
  }, { rules: extraRules, unsure: incomplete });
  assert.deepEqual(result, [], `axe violations on ${label}:\n${JSON.stringify(result, null, 2)}`);
}

// ---------- a person filling the wizard with a mouse / touch ----------

export const PERSON = Object.freeze({
  nir: '2 69 05 49 588 157',
  lastName: 'Dupont',
  firstName: 'Jeanne',
  day: '3',
  month: '5',
  year: '1969',
  email: 'jeanne.dupont@exemple.fr',
  phone: '06 12 34 56 78',
});

export async function startEnrolment(page) {
  await page.getByRole('button', { name: "S'inscrire", exact: true }).click();
  await waitForStep(page, 'Votre numéro de sécurité sociale');
}

export async function next(page) {
  await page.getByRole('button', { name: 'Suivant', exact: true }).click();
}

export async function fillNir(page, nir = PERSON.nir) {
  await page.getByLabel('Numéro de sécurité sociale', { exact: true }).fill(nir);
  await next(page);
}

export async function fillIdentity(page, p = PERSON) {
  await page.getByLabel('Nom', { exact: true }).fill(p.lastName);
  await page.getByLabel('Prénom', { exact: true }).fill(p.firstName);
  const birth = page.getByRole('group', { name: 'Date de naissance' });
  await birth.getByLabel('Jour').fill(p.day);
  await birth.getByLabel('Mois').fill(p.month);
  await birth.getByLabel('Année').fill(p.year);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(p.email);
  await page.getByLabel('Téléphone portable (si vous voulez)').fill(p.phone);
  await next(page);
}

/**
 * @param {'vitalePhoto'|'vitaleNoPhoto'|'childBirthDate'|'paymentAmount'|'none'} kind
 */
export async function fillVerification(page, kind) {
  const radios = {
    vitalePhoto: 'Le numéro de série de ma carte Vitale avec photo',
    vitaleNoPhoto: 'Le numéro de série de ma carte Vitale sans photo',
    childBirthDate: "La date de naissance d'un de mes enfants",
    paymentAmount: 'Le montant d\'un paiement reçu de la MSA ces 6 derniers mois',
    none: "Je n'ai aucune de ces informations",
  };
  await page.getByRole('radio', { name: radios[kind] }).check();
  if (kind === 'vitalePhoto') await page.getByLabel('Numéro de série de la carte avec photo').fill('123 456 789 01');
  if (kind === 'vitaleNoPhoto') await page.getByLabel('Numéro de série de la carte sans photo').fill('123456789');
  if (kind === 'childBirthDate') {
    const child = page.getByRole('group', { name: 'Date de naissance de votre enfant' });
    await child.getByLabel('Jour').fill('14');
    await child.getByLabel('Mois').fill('6');
    await child.getByLabel('Année').fill('2001');
  }
  if (kind === 'paymentAmount') await page.getByLabel('Montant en euros').fill('123,45 €');
  await next(page);
}

/** « Oui » for the agency's own MSA (the default, Loire-Atlantique), else « Non » and the tile. */
export async function chooseDepartment(page, name = 'Loire-Atlantique') {
  if (name === 'Loire-Atlantique') await page.getByRole('radio', { name: 'Oui' }).check();
  else {
    await page.getByRole('radio', { name: 'Non, une autre MSA' }).check();
    await page.getByRole('radio', { name }).first().check();
  }
  await next(page);
}

/** « Non » to the agency's own MSA: the searchable list appears. */
export async function otherDepartment(page) {
  await page.getByRole('radio', { name: 'Non, une autre MSA' }).check();
}

/** Steps 2 → 6 with the defaults. */
/** From the welcome screen to step 5 with PERSON's answers and the verification item `kind`. */
export async function reachDepartment(page, kind = 'vitalePhoto') {
  await startEnrolment(page);
  await fillNir(page);
  await waitForStep(page, 'Vos informations personnelles');
  await fillIdentity(page);
  await waitForStep(page, 'Une information pour vous reconnaître');
  await fillVerification(page, kind);
  await waitForStep(page, 'Le département de votre MSA');
}

export async function reachReview(page, kind = 'vitalePhoto') {
  await reachDepartment(page, kind);
  await chooseDepartment(page);
  await waitForStep(page, 'Vérifiez vos réponses');
}

export async function calls(page, cmd) {
  return page.evaluate((c) => window.__FAKE_TAURI__.calls.filter((x) => !c || x.cmd === c), cmd);
}
