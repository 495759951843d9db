// The welcome screen's other ways (SPEC §2: « The welcome screen also routes people who
// already have an account or forgot their password »): « J'ai déjà un compte », « J'ai
// oublié mon mot de passe », « Je n'ai pas reçu mon mot de passe ». One calm screen each,
// with the next step as msa.fr and the reception desk give it, and « Retour » to the
// welcome screen. Nothing to type and no session: nothing personal is ever on screen.
import { h, tx } from '../dom.js';

/**
 * Each path: its title, then its lines, the action first (FALC). The last line always
 * names the reception desk: the counsellor is the next step when msa.fr is not enough.
 * @type {Record<string, {title: string, lines: string[]}>}
 */
export const PATHS = {
  account: {
    title: 'triage.account.title',
    lines: ['triage.account.text1', 'triage.account.text2', 'triage.account.text3', 'triage.counsellor'],
  },
  forgot: {
    title: 'triage.forgot.title',
    lines: ['triage.forgot.text1', 'triage.forgot.text2', 'triage.forgot.text3', 'triage.counsellor'],
  },
  notReceived: {
    title: 'triage.notReceived.title',
    lines: ['triage.notReceived.text1', 'triage.notReceived.text2', 'triage.notReceived.text3', 'triage.notReceived.text4'],
  },
};

export default {
  id: 'triage',
  // Not a step of the enrolment: no « Étape N sur 7 », no progress bar, no session. The
  // page's idle clock alone brings the welcome screen back (main.js, idle-dialog.js).
  number: null,
  titleKey: PATHS.account.title,

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const path = ctx.data && Object.prototype.hasOwnProperty.call(PATHS, ctx.data.path) ? ctx.data.path : 'account';
    const { title, lines } = PATHS[path];
    return {
      noForm: true,
      titleKey: title,
      nodes: [
        h('div', { class: 'triage', dataset: { triage: path } },
          lines.map((key, i) => tx(key, undefined, 'p', { class: i === 0 ? 'lead' : null })),
          h('div', { class: 'actions' },
            h('button', {
              type: 'button',
              class: 'button button--secondary',
              dataset: { action: 'triage-back' },
              onClick: () => ctx.hooks.welcome(path),
            }, tx('nav.back')))),
      ],
    };
  },
};
