// The « Borne momentanément indisponible » screen: the kiosk cannot take an
// enrolment now (its keyring is locked or unreachable, its web process crashed
// twice in a row…). Rust says why, as a code (`kiosk_availability`), and says
// when it is back (`availability-changed`); main.js then shows the welcome
// screen. A calm message and nothing to press: no button here leads anywhere.
// The toolbar's help, display and language still work.
import { h, tx } from '../dom.js';

/**
 * Texts per reason code. A cause that needs its own words (say, a kiosk not
 * configured yet) adds its keys here; every other cause gets the general text.
 * @type {Record<string, {title: string, body: string}>}
 */
const TEXTS = {};
const GENERAL = { title: 'unavailable.title', body: 'unavailable.body' };

/** @param {string|null|undefined} reason */
function textsFor(reason) {
  return (reason && TEXTS[reason]) || GENERAL;
}

export default {
  id: 'unavailable',
  // Not a step of the enrolment: no « Étape N sur 7 », no progress bar.
  number: null,
  titleKey: GENERAL.title,

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const reason = ctx.data && typeof ctx.data.reason === 'string' ? ctx.data.reason : null;
    const texts = textsFor(reason);
    return {
      noForm: true,
      titleKey: texts.title,
      nodes: [
        h('div', { class: 'unavailable' },
          tx(texts.body, undefined, 'p', { class: 'lead' }),
          tx('unavailable.help', undefined, 'p'),
          reason ? tx('unavailable.reference', { code: reason }, 'p', { class: 'hint' }) : null),
      ],
    };
  },
};
