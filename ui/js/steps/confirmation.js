// Step 7: what happened and what comes next, from `submit_enrolment`'s outcome,
// with the request reference in big characters. An announced countdown
// (`confirmationReturnSeconds`) brings the welcome screen back; any touch gives
// the full time again (WCAG 2.2.1); « Terminer » goes back at once.
import { h, tx } from '../dom.js';
import { t } from '../i18n.js';

const MESSAGES = {
  email: ['confirmation.email', 'confirmation.email.next', 'confirmation.login'],
  postal: ['confirmation.postal', 'confirmation.postal.next', 'confirmation.login'],
  queued: ['confirmation.queued', 'confirmation.queued.next', 'confirmation.login'],
  alreadyEnrolled: ['confirmation.alreadyEnrolled', 'confirmation.alreadyEnrolled.next', 'confirmation.alreadyEnrolled.counsellor'],
  counsellor: ['confirmation.counsellor', 'confirmation.counsellor.next'],
};

export default {
  id: 'confirmation',
  number: 7,
  titleKey: 'confirmation.title.done',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const result = ctx.data || {};
    const outcome = MESSAGES[result.outcome] ? result.outcome : 'queued';
    const titleKey = outcome === 'alreadyEnrolled' ? 'confirmation.title.alreadyEnrolled'
      : outcome === 'counsellor' ? 'confirmation.title.counsellor' : 'confirmation.title.done';
    const [main, ...next] = MESSAGES[outcome];
    const total = Math.max(1, Number(ctx.kiosk.confirmationReturnSeconds) || 60);

    const countdown = h('p', { class: 'countdown__text' });
    const setCountdown = (seconds) => {
      countdown.dataset.i18n = 'confirmation.countdown';
      countdown.dataset.i18nParams = JSON.stringify({ count: seconds });
      countdown.textContent = t('confirmation.countdown', { count: seconds });
    };
    setCountdown(total);

    let left = total;
    let timer = null;
    const finish = () => { stop(); ctx.hooks.finish(); };
    const stop = () => {
      clearInterval(timer);
      timer = null;
      document.removeEventListener('pointerdown', restart, true);
      document.removeEventListener('keydown', restart, true);
    };
    const restart = () => { left = total; setCountdown(left); };
    const start = () => {
      ctx.announce(`${t(titleKey)}. ${t('confirmation.countdown', { count: total })}`);
      timer = setInterval(() => {
        if (!countdown.isConnected) { stop(); return; }
        left -= 1;
        setCountdown(Math.max(left, 0));
        if (left === 10) ctx.announce(t('confirmation.countdown', { count: 10 }));
        if (left <= 0) finish();
      }, 1000);
      document.addEventListener('pointerdown', restart, true);
      document.addEventListener('keydown', restart, true);
    };

    const message = outcome === 'email'
      ? tx(main, { email: result.maskedEmail || '' }, 'p', { class: 'panel__text' })
      : tx(main, undefined, 'p', { class: 'panel__text' });

    return {
      noForm: true,
      titleKey,
      nodes: [
        h('div', { class: `panel panel--${outcome}` },
          message,
          h('p', { class: 'reference' },
            tx('confirmation.reference', undefined, 'span', { class: 'reference__label' }),
            ' ',
            h('strong', { class: 'reference__value' }, result.reference || ''))),
        h('div', { class: 'next-steps' }, next.map((key) => tx(key, undefined, 'p'))),
        tx('confirmation.reference.why', undefined, 'p', { class: 'hint' }),
        h('div', { class: 'countdown' },
          countdown,
          tx('confirmation.stay', undefined, 'p', { class: 'hint' })),
        h('button', { type: 'button', class: 'button button--start', onClick: finish }, tx('confirmation.finish')),
      ],
      mounted: start,
      unmount: stop,
    };
  },
};
