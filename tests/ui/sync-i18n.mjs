// Regenerates ui/i18n/{fr,en}.js from ui/i18n/{fr,en}.json.
//
// The JSON files are the source of truth (translators edit them, tests read them).
// The webview cannot fetch them at run time: the kiosk's CSP has no 'self' in
// connect-src (JSON modules fall under connect-src too), so the wizard imports the
// same strings as plain ES modules. Run `node tests/ui/sync-i18n.mjs` after editing
// a JSON file; tests/ui/i18n.test.mjs fails when the two drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'i18n');

export function moduleSource(lang) {
  const strings = JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8'));
  return `// Generated from ${lang}.json by tests/ui/sync-i18n.mjs. Do not edit: edit ${lang}.json.\n` +
    `export default Object.freeze(${JSON.stringify(strings, null, 2)});\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const lang of ['fr', 'en']) {
    writeFileSync(join(dir, `${lang}.js`), moduleSource(lang));
    console.log(`wrote ui/i18n/${lang}.js`);
  }
}
