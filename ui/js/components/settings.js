// Display settings: text size (100 / 150 / 200 %) and a high-contrast theme.
// Applied as attributes on <html> (CSS does the rest). Kept in memory only, and
// reset by the wipe: the next person starts with the defaults.
// The same controls can be rendered in several places (the welcome screen and
// the « Affichage » dialog); they stay in sync.
import { h, tx } from '../dom.js';

const DEFAULTS = Object.freeze({ textSize: '100', theme: 'normal' });
const SIZES = ['100', '150', '200'];
const THEMES = ['normal', 'contrast'];
const current = { ...DEFAULTS };
/** @type {Set<(s: typeof current) => void>} */
const listeners = new Set();

function apply() {
  const root = document.documentElement;
  root.dataset.textSize = current.textSize;
  root.dataset.theme = current.theme;
  for (const input of document.querySelectorAll('input[data-setting]')) {
    input.checked = current[input.dataset.setting] === input.value;
  }
  for (const fn of listeners) fn({ ...current });
}

export function getSettings() {
  return { ...current };
}

/** @param {{textSize?: string, theme?: string}} next */
export function setSettings(next) {
  if (next.textSize && SIZES.includes(next.textSize)) current.textSize = next.textSize;
  if (next.theme && THEMES.includes(next.theme)) current.theme = next.theme;
  apply();
}

export function resetSettings() {
  Object.assign(current, DEFAULTS);
  apply();
}

/** @param {(s: {textSize: string, theme: string}) => void} fn */
export function onSettingsChange(fn) {
  listeners.add(fn);
}

/**
 * Renders the two radio groups into `container`.
 * @param {HTMLElement} container
 * @param {string} prefix unique id prefix for this copy
 */
export function renderSettings(container, prefix) {
  const group = (setting, legendKey, values, labelPrefix) => h('fieldset', { class: 'fieldset settings__group' },
    tx(legendKey, undefined, 'legend', { class: 'legend legend--small' }),
    h('div', { class: 'choices choices--inline' }, values.map((value) => {
      const id = `${prefix}-${setting}-${value}`;
      return h('div', { class: 'choice' },
        h('input', {
          class: 'choice__input',
          type: 'radio',
          id,
          name: `${prefix}-${setting}`,
          value,
          checked: current[setting] === value,
          dataset: { setting },
          onChange: (event) => { if (event.target.checked) setSettings({ [setting]: value }); },
        }),
        tx(`${labelPrefix}.${value}`, undefined, 'label', { class: 'choice__label', for: id }));
    })));
  container.replaceChildren(
    group('textSize', 'settings.textSize.legend', SIZES, 'settings.textSize'),
    group('theme', 'settings.theme.legend', THEMES, 'settings.theme'));
}

apply();
