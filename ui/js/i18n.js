// Translations: t(key, params) with %{name} interpolation and plural forms.
//
// Shape borrowed from govuk-frontend's i18n.mjs: a missing string returns its
// key (never throws), `params.count` selects `<key>.one` / `<key>.other` with
// Intl.PluralRules. This module never touches the DOM at import time, so Node
// can test it without a browser; `translate(root)` is only called in the page.

export class I18n {
  /**
   * @param {Record<string, string>} translations flat map "a.b.c" → text
   * @param {{locale?: string}} [options]
   */
  constructor(translations = {}, { locale = 'fr' } = {}) {
    this.translations = translations;
    this.locale = locale;
    this.pluralRules = typeof Intl === 'object' && Intl.PluralRules ? new Intl.PluralRules(locale) : null;
  }

  /** @param {string} key */
  has(key) {
    return Object.prototype.hasOwnProperty.call(this.translations, key) &&
      typeof this.translations[key] === 'string';
  }

  /**
   * @param {string} key
   * @param {Record<string, unknown>} [params]
   * @returns {string}
   */
  t(key, params = {}) {
    let lookup = key;
    if (params && typeof params.count === 'number') {
      const form = this.pluralRules ? this.pluralRules.select(params.count) : (params.count === 1 ? 'one' : 'other');
      if (this.has(`${key}.${form}`)) lookup = `${key}.${form}`;
      else if (this.has(`${key}.other`)) lookup = `${key}.other`;
    }
    if (!this.has(lookup)) return key;
    return this.translations[lookup].replace(/%\{(\w+)\}/g, (whole, name) =>
      params && Object.prototype.hasOwnProperty.call(params, name) && params[name] != null
        ? String(params[name])
        : whole);
  }
}

/** @type {Record<string, Record<string, string>>} */
const catalogues = {};
let current = new I18n({}, { locale: 'fr' });

/** Registers the strings of a language (the page passes the imported modules). */
export function register(lang, translations) {
  catalogues[lang] = translations;
}

/** Makes `lang` current; returns false when it is not registered. */
export function setLanguage(lang) {
  if (!catalogues[lang]) return false;
  current = new I18n(catalogues[lang], { locale: lang });
  return true;
}

export function getLanguage() {
  return current.locale;
}

/** @param {string} key @param {Record<string, unknown>} [params] */
export function t(key, params) {
  return current.t(key, params);
}

export function has(key) {
  return current.has(key);
}

/**
 * Message for an error `{code, field, key}` from Rust. A field-specific string
 * (`error.<field>.<code>`, e.g. "error.lastName.name.empty") wins over the
 * generic `key`, so that a shared code still names the field it is about.
 * @param {{code: string, field: string|null, key?: string}} error
 * @returns {string} the i18n key to use
 */
export function errorKey(error) {
  const specific = error.field ? `error.${error.field}.${error.code}` : null;
  if (specific && current.has(specific)) return specific;
  return error.key || `error.${error.code}`;
}

/**
 * (Re)writes every translatable text under `root`:
 * - `data-i18n="key"` (+ `data-i18n-params='{"n":2}'`) → textContent;
 * - `data-i18n-attr="aria-label:key;alt:key2"` → attributes.
 * Called after rendering and again on a language switch (field values are untouched).
 * @param {ParentNode} root
 */
export function translate(root) {
  const nodes = [];
  if (root instanceof Element && (root.hasAttribute('data-i18n') || root.hasAttribute('data-i18n-attr'))) nodes.push(root);
  nodes.push(...root.querySelectorAll('[data-i18n], [data-i18n-attr]'));
  for (const el of nodes) {
    const params = el.dataset.i18nParams ? JSON.parse(el.dataset.i18nParams) : undefined;
    if (el.dataset.i18n) el.textContent = t(el.dataset.i18n, params);
    if (el.dataset.i18nAttr) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':');
        if (attr && key) el.setAttribute(attr, t(key, params));
      }
    }
  }
}
