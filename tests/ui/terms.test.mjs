// The terms (CGU) on the review screen, from the REAL text: src-tauri/cgu/fr.md rendered at
// build time by src-tauri/cgu/render.rs (the same blocks reach the fake through
// tests/ui/generated/enrol-data.js): headings and lists, no Markdown left, lang of the text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, openApp, assertClean, reachReview, ROOT } from './helpers.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the terms show as headings and lists, none of the Markdown marks, lang="fr"', async () => {
  const { context, page, problems } = await openApp(browser, server.url);
  await reachReview(page);
  const terms = page.getByRole('region', { name: "Texte complet des conditions générales d'utilisation" });
  assert.equal(await terms.getAttribute('lang'), 'fr');

  // Every « ## » heading of the Markdown is a heading element, in order, one level under the box's h3.
  const source = readFileSync(join(ROOT, 'src-tauri', 'cgu', 'fr.md'), 'utf8');
  const wanted = [...source.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
  assert.ok(wanted.length >= 5, 'the source has sections');
  const headings = await terms.locator('h5').allTextContents();
  assert.deepEqual(headings, wanted);
  assert.equal(await terms.locator('h4').count(), 1, 'the title');

  // The « En bref » list is a real list, one item per « - » line.
  const items = [...source.matchAll(/^- (.+)$/gm)].map((m) => m[1].trim());
  const list = terms.getByRole('list');
  assert.equal(await list.count(), 1);
  assert.deepEqual(await list.getByRole('listitem').allTextContents(), items);

  const text = await terms.textContent();
  assert.doesNotMatch(text, /(^|\s)#{1,6}\s|^\s*- /m, 'no Markdown mark is shown');
  assert.ok(await terms.locator('script, a, img, iframe, [onclick], [style]').count() === 0, 'only text blocks');
  await assertClean(page, problems);
  await context.close();
});
