// Inline error next to a field (GOV.UK error-message / DSFR fr-message--error):
// <p class="error-message" id="<group>-error"><span class="visually-hidden">Erreur : </span>message</p>
// placed after the hint and before the input, tied with aria-describedby, with
// aria-invalid="true" on the text inputs and the --error modifier on the group.
import { h, tx } from '../dom.js';

const TEXT_INPUTS = 'input:not([type=radio]):not([type=checkbox]):not([type=hidden]), select, textarea';

/** @param {Element} el @param {string} id */
function addDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute('aria-describedby', ids.join(' '));
}

/** @param {Element} el @param {string} id */
function removeDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

/**
 * Shows `messageKey` on the group (a .form-group). Several errors on one group
 * are shown one under the other.
 * @param {HTMLElement} group
 * @param {string} messageKey
 * @param {Record<string, unknown>} [params] i18n params of the message
 */
export function showFieldError(group, messageKey, params) {
  const errorId = `${group.id}-error`;
  let message = group.querySelector(`#${CSS.escape(errorId)}`);
  if (!message) {
    message = h('div', { class: 'error-message', id: errorId });
    // After the last hint of the group (or of its fieldset), before the controls.
    const container = group.querySelector(':scope > fieldset') || group;
    const hints = container.querySelectorAll(':scope > .hint');
    const anchor = hints.length ? hints[hints.length - 1] : container.querySelector(':scope > legend, :scope > label');
    if (anchor) anchor.after(message);
    else container.prepend(message);
  }
  message.appendChild(h('p', { class: 'error-message__line' },
    tx('error.prefix', undefined, 'span', { class: 'visually-hidden' }),
    tx(messageKey, params)));
  group.classList.add('form-group--error');

  const fieldset = group.querySelector(':scope > fieldset');
  if (fieldset) addDescribedBy(fieldset, errorId);
  for (const input of group.querySelectorAll(TEXT_INPUTS)) {
    if (input.closest('.form-group') !== group) continue; // nested group (conditional reveal) keeps its own
    input.setAttribute('aria-invalid', 'true');
    if (!fieldset || !fieldset.contains(input)) addDescribedBy(input, errorId);
  }
  for (const box of group.querySelectorAll('input[type=checkbox]')) {
    if (box.closest('.form-group') !== group) continue;
    box.setAttribute('aria-invalid', 'true');
    addDescribedBy(box, errorId);
  }
}

/** Removes every inline error under `root`. @param {ParentNode} root */
export function clearFieldErrors(root) {
  for (const group of root.querySelectorAll('.form-group--error')) {
    const errorId = `${group.id}-error`;
    group.classList.remove('form-group--error');
    const message = group.querySelector(`#${CSS.escape(errorId)}`);
    if (message) message.remove();
    for (const el of group.querySelectorAll('[aria-describedby]')) removeDescribedBy(el, errorId);
    for (const el of group.querySelectorAll('[aria-invalid]')) {
      if (el.closest('.form-group--error')) continue;
      el.removeAttribute('aria-invalid');
    }
  }
}
