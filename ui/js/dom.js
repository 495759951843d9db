// Small DOM builders shared by the steps. No innerHTML anywhere: every text is
// set with textContent (i18n strings and Rust values alike), so nothing typed or
// returned can become markup. No inline style: CSP style-src 'self'.
import { t, translate } from './i18n.js';

/**
 * The page's only scroller: `main`, below the header, which never scrolls (ui/css/base.css).
 * `window.scrollTo` would do nothing: the page itself is one screen high.
 * @returns {HTMLElement}
 */
export function scroller() {
  return document.getElementById('main') || /** @type {HTMLElement} */ (document.scrollingElement);
}

let uid = 0;
/** A unique id for generated elements. @param {string} prefix */
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * h('p', {class: 'hint', i18n: 'nir.hint'}, child, 'text', [more])
 * Special props: class, i18n (key), params (i18n params), attrI18n ({attr: key}),
 * on<Event> (listener), dataset. `true` → empty attribute, null/false → omitted.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'i18n') el.dataset.i18n = value;
    else if (name === 'params') el.dataset.i18nParams = JSON.stringify(value);
    else if (name === 'attrI18n') el.dataset.i18nAttr = Object.entries(value).map(([a, k]) => `${a}:${k}`).join(';');
    else if (name === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v != null && v !== false) el.dataset[k] = String(v);
    }
    else if (name === 'text') el.textContent = value;
    else if (/^on[A-Z]/.test(name)) el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  if (el.dataset.i18n || el.dataset.i18nAttr) translate(el);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Text from the translations, kept up to date on a language switch. */
export function tx(key, params, tag = 'span', props = {}) {
  return h(tag, { ...props, i18n: key, params });
}

/**
 * The step heading: <h1 tabindex="-1"><span class="step-count">Étape 2 sur 7</span> Titre</h1>
 * @param {number} n step number
 * @param {string} titleKey
 */
export function stepHeading(n, titleKey) {
  return h('h1', { class: 'step-heading', tabindex: '-1' },
    tx('step.count', { n, total: 7 }, 'span', { class: 'step-count' }),
    ' ',
    tx(titleKey, undefined, 'span', { class: 'step-title' }));
}

/** Decorative progress bar under the heading (the heading already says « Étape N sur 7 »). */
export function progress(n) {
  return h('div', { class: `progress progress--${n}`, 'aria-hidden': 'true' }, h('span', { class: 'progress__bar' }));
}

/**
 * A text field group: label, hint (before the input, linked by aria-describedby),
 * error slot (filled by field-error.js), input.
 * @param {{id: string, field: string, label: string, hint?: string|string[], input?: Record<string, any>, suffix?: string, className?: string}} o
 */
export function textField(o) {
  const hintIds = [];
  const hints = [];
  for (const key of [].concat(o.hint || [])) {
    const id = `${o.id}-hint${hints.length ? `-${hints.length + 1}` : ''}`;
    hintIds.push(id);
    hints.push(tx(key, undefined, 'p', { class: 'hint', id }));
  }
  const input = h('input', {
    class: ['input', o.className],
    id: o.id,
    name: o.id,
    type: 'text',
    'aria-describedby': hintIds.join(' ') || null,
    ...o.input,
  });
  const control = o.suffix
    ? h('div', { class: 'input-wrapper' }, input, tx(o.suffix, undefined, 'span', { class: 'input-suffix', 'aria-hidden': 'true' }))
    : input;
  const group = h('div', { class: 'form-group', id: `${o.id}-group`, dataset: { field: o.field } },
    tx(o.label, undefined, 'label', { class: 'label', for: o.id }),
    hints,
    control);
  return { group, input };
}

/**
 * Three-field date input (jour / mois / année) in a fieldset with a legend.
 * @param {{id: string, field: string, legend: string, hint: string, autocomplete?: boolean, legendClass?: string}} o
 */
export function dateField(o) {
  const hintId = `${o.id}-hint`;
  const part = (name, labelKey, token, width) => {
    const input = h('input', {
      class: ['input', 'input--date', `input--${width}`],
      id: `${o.id}-${name}`,
      name: `${o.id}-${name}`,
      type: 'text',
      inputmode: 'numeric',
      maxlength: name === 'year' ? '8' : '4',
      autocomplete: o.autocomplete ? token : 'off',
      spellcheck: 'false',
      'aria-required': 'true',
      dataset: { keyboard: 'numeric' },
    });
    return {
      input,
      item: h('div', { class: 'date-input__item' },
        tx(labelKey, undefined, 'label', { class: 'label label--date', for: input.id }),
        input),
    };
  };
  const day = part('day', 'date.day', 'bday-day', 2);
  const month = part('month', 'date.month', 'bday-month', 2);
  const year = part('year', 'date.year', 'bday-year', 4);
  const fieldset = h('fieldset', { class: 'fieldset', 'aria-describedby': hintId },
    tx(o.legend, undefined, 'legend', { class: ['legend', o.legendClass] }),
    tx(o.hint, undefined, 'p', { class: 'hint', id: hintId }),
    h('div', { class: 'date-input' }, day.item, month.item, year.item));
  const group = h('div', { class: 'form-group', id: `${o.id}-group`, dataset: { field: o.field } }, fieldset);
  return { group, fieldset, day: day.input, month: month.input, year: year.input };
}

/** Sets the value of an input if a value is given (prefill from open_step). */
export function setValue(input, value) {
  if (input && value != null) input.value = String(value);
}

export { t };
