// Step 1: the attract screen. One big « S'inscrire » button, the other ways (« J'ai
// déjà un compte », « J'ai oublié mon mot de passe », « Je n'ai pas reçu mon mot de
// passe »: steps/triage.js), a language choice, the display settings. No session yet:
// nothing personal is on screen.
import { h, tx } from '../dom.js';
import { renderSettings } from '../components/settings.js';
import { getLanguage } from '../i18n.js';

export default {
  id: 'welcome',
  number: 1,
  titleKey: 'welcome.title',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const languages = (ctx.kiosk.languages || ['fr', 'en']).filter((l) => l === 'fr' || l === 'en');
    const start = h('button', {
      type: 'button',
      class: 'button button--start',
      onClick: () => ctx.hooks.start(),
    }, tx('welcome.start'), h('span', { class: 'button__arrow', 'aria-hidden': 'true' }));

    const options = h('section', { class: 'welcome__options', 'aria-labelledby': 'welcome-options-title' },
      tx('welcome.options', undefined, 'h2', { class: 'heading-m', id: 'welcome-options-title' }));
    if (languages.length > 1) {
      options.appendChild(h('fieldset', { class: 'fieldset settings__group' },
        tx('language.legend', undefined, 'legend', { class: 'legend legend--small' }),
        h('div', { class: 'choices choices--inline' }, languages.map((lang) => h('div', { class: 'choice' },
          h('input', {
            class: 'choice__input',
            type: 'radio',
            id: `welcome-language-${lang}`,
            name: 'welcome-language',
            value: lang,
            checked: getLanguage() === lang,
            dataset: { languageChoice: lang },
            onChange: (event) => { if (event.target.checked) ctx.hooks.setLanguage(lang); },
          }),
          tx(`language.${lang}`, undefined, 'label', { class: 'choice__label', for: `welcome-language-${lang}`, lang }))))));
    }
    const settings = h('div', { class: 'settings' });
    renderSettings(settings, 'welcome');
    options.appendChild(settings);

    // The other ways: each opens one screen of steps/triage.js, whose « Retour » comes back
    // here with the focus on the button that was pressed.
    const triageButtons = ['account', 'forgot', 'notReceived'].map((path) => h('li', {},
      h('button', {
        type: 'button',
        class: 'button button--secondary button--wide',
        dataset: { triage: path },
        onClick: () => ctx.hooks.triage(path),
      }, tx(`welcome.triage.${path}`))));
    const triage = h('section', { class: 'welcome__triage', 'aria-labelledby': 'welcome-triage-title' },
      tx('welcome.triage.title', undefined, 'h2', { class: 'heading-m', id: 'welcome-triage-title' }),
      h('ul', { class: 'button-list' }, triageButtons));
    const from = ctx.data && typeof ctx.data.from === 'string' ? ctx.data.from : null;

    const notice = ctx.data && ctx.data.notice
      ? h('div', { class: 'notice', role: 'status' }, tx(ctx.data.notice, undefined, 'p'))
      : null;

    return {
      noForm: true,
      nodes: [
        notice,
        h('div', { class: 'welcome' },
          h('div', { class: 'welcome__text' },
            tx('welcome.intro', undefined, 'p', { class: 'lead' }),
            tx('welcome.why', undefined, 'p'),
            tx('welcome.duration', undefined, 'p'),
            tx('welcome.prepare', undefined, 'p'),
            start),
          h('img', { class: 'welcome__picture', src: 'img/welcome.svg', alt: '', width: '320', height: '240' })),
        triage,
        options,
      ],
      mounted: () => {
        const back = from ? triage.querySelector(`[data-triage="${from}"]`) : null;
        if (back) /** @type {HTMLElement} */ (back).focus();
      },
    };
  },
};
