// Error summary (GOV.UK error-summary.mjs, DSFR alert): a box at the top of the
// step, heading « Il y a un problème », one link per error. It takes focus when
// shown; role="alert" sits on an inner element (not on the focused box) to avoid
// the race GOV.UK documents between focus and the alert. Clicking a link scrolls
// the field's label or legend into view, then focuses the field.
import { h, tx } from '../dom.js';

/**
 * @typedef {{messageKey: string, params?: Record<string, unknown>, target: HTMLElement|null}} SummaryItem
 */

/** Builds the (hidden) summary container placed at the top of each step. */
export function createErrorSummary() {
  // role="group": aria-labelledby is prohibited on a plain div (ARIA 1.2, generic role), and
  // the focused box should be announced by its name, « Il y a un problème ».
  return h('div', {
    class: 'error-summary',
    role: 'group',
    tabindex: '-1',
    hidden: true,
    'aria-labelledby': 'error-summary-title',
  });
}

/**
 * @param {HTMLElement} summary the container from createErrorSummary()
 * @param {SummaryItem[]} items
 */
export function showErrorSummary(summary, items) {
  const list = h('ul', { class: 'error-summary__list' });
  for (const item of items) {
    const text = tx(item.messageKey, item.params);
    if (item.target && item.target.id) {
      const target = item.target;
      list.appendChild(h('li', {}, h('a', {
        href: `#${target.id}`,
        class: 'error-summary__link',
        onClick: (event) => {
          event.preventDefault();
          focusTarget(target);
        },
      }, text)));
    } else {
      list.appendChild(h('li', {}, text));
    }
  }
  summary.replaceChildren(h('div', { role: 'alert' },
    tx('error.summary.title', undefined, 'h2', { class: 'error-summary__title', id: 'error-summary-title' }),
    h('div', { class: 'error-summary__body' }, list)));
  summary.hidden = false;
  summary.focus();
  summary.scrollIntoView({ block: 'start' });
}

export function hideErrorSummary(summary) {
  summary.hidden = true;
  summary.replaceChildren();
}

/**
 * Focus a field from the summary: show its label/legend first (it may be above
 * the input), then focus without scrolling again (govuk focusTarget).
 * @param {HTMLElement} input
 */
export function focusTarget(input) {
  const legend = input.closest('fieldset')?.querySelector(':scope > legend');
  const label = input.id ? document.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  const anchor = (input.type === 'radio' || input.closest('.date-input')) && legend ? legend : (label || legend || input);
  anchor.scrollIntoView({ block: 'start' });
  input.focus({ preventScroll: true });
}
