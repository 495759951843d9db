// The « Cette borne ne marche pas pour le moment » screen: the kiosk cannot take an
// enrolment now (its keyring is locked or unreachable, its web process crashed
// twice in a row…). Rust says why, as a code (`kiosk_availability`), and says
// when it is back (`availability-changed`); main.js then shows the welcome
// screen. A calm message and nothing to press: no button here leads anywhere.
// The toolbar's help, display and language still work.
import { h, tx } from '../dom.js';

/**
 * Texts per reason code. A cause that needs its own words adds its keys here;
 * every other cause gets the general text. `staff` replaces the code for the
 * adviser where the code would tell them nothing useful.
 * @type {Record<string, {title: string, body: string, help: string, staff?: string}>}
 */
const TEXTS = {
  // « Cette borne n'est pas encore prête » (not configured, issue 13): an installed kiosk without its
  // agency's configuration. It will not come back by itself: the person goes
  // to the front desk, the adviser calls IT. Nothing technical on screen.
  'system.notConfigured': {
    title: 'notConfigured.title', body: 'notConfigured.body', help: 'notConfigured.help', staff: 'notConfigured.staff',
  },
};
const GENERAL = { title: 'unavailable.title', body: 'unavailable.body', help: 'unavailable.help' };

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
          tx(texts.help, undefined, 'p'),
          texts.staff ? tx(texts.staff, undefined, 'p', { class: 'hint' })
            : reason ? tx('unavailable.reference', { code: reason }, 'p', { class: 'hint' }) : null),
      ],
    };
  },
};
