// Step 1: the attract screen. One big « S'inscrire » button, the other ways (« J'ai
// déjà un compte », « J'ai oublié mon mot de passe », « Je n'ai pas reçu mon mot de
// passe »: steps/triage.js), a language choice, the display settings. No session yet:
// nothing personal is on screen.
import { h, tx } from '../dom.js';
import { renderSettings } from '../components/settings.js';
import { getLanguage } from '../i18n.js';

// Decorative: a farmhouse and a screen showing a tick. A data: URL rather than a file, so that
// the welcome screen's picture costs no request through the app's protocol at start-up: the
// page counts as loaded only once it is in (issue 18).
const PICTURE = `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240" width="320" height="240">
  <rect x="0" y="168" width="320" height="72" rx="12" fill="#d8ecd0"/>
  <path d="M28 180c40-30 90-34 140-20s90 10 132-6v86H28z" fill="#b6dba6"/>
  <path d="M40 176V118l54-40 54 40v58z" fill="#ffffff" stroke="#1d4d2b" stroke-width="4" stroke-linejoin="round"/>
  <path d="M30 124l64-50 64 50" fill="none" stroke="#006f4e" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
  <rect x="80" y="134" width="28" height="42" fill="#006f4e"/>
  <rect x="52" y="124" width="20" height="20" fill="#cfe9dc" stroke="#1d4d2b" stroke-width="3"/>
  <rect x="178" y="52" width="118" height="86" rx="10" fill="#ffffff" stroke="#1d4d2b" stroke-width="5"/>
  <path d="M214 96l16 16 32-34" fill="none" stroke="#006f4e" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/>
  <path d="M226 138v22M206 164h62" stroke="#1d4d2b" stroke-width="6" stroke-linecap="round"/>
  <circle cx="262" cy="30" r="16" fill="#f6c945"/>
</svg>`)}`;

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
          h('img', { class: 'welcome__picture', src: PICTURE, alt: '', width: '320', height: '240' })),
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
