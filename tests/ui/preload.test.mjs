// Issue 18: ui/index.html preloads every module that its two entry points import (directly or
// not), and nothing else, so that the page fetches them all at once instead of one level of
// imports after another. Pure test: the import graph is read from the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { UI } from './helpers.mjs';

const html = readFileSync(join(UI, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => m[1]);
const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);

/** Every module reachable from `file` by static imports, as paths relative to ui/. */
function graph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(join(UI, file), 'utf8');
  for (const m of source.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    graph(relative(UI, normalize(join(UI, dirname(file), m[1]))), seen);
  }
  return seen;
}

test('index.html preloads exactly the modules its entry points import', () => {
  assert.deepEqual(entries, ['js/main.js', 'js/speech.js']);
  const imported = new Set();
  for (const entry of entries) for (const file of graph(entry)) imported.add(file);
  for (const entry of entries) imported.delete(entry);
  assert.equal(new Set(preloaded).size, preloaded.length, 'a module is preloaded twice');
  assert.deepEqual([...preloaded].sort(), [...imported].sort());
});
