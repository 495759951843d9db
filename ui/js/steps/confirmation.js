// Step 7: what happened and what comes next, from `submit_enrolment`'s outcome,
// with the request reference in big characters; outcome, reference, countdown and
// « Terminer » come first and fit the screen at every text size. An announced countdown
// (`confirmationReturnSeconds`) brings the welcome screen back; any touch gives
// the full time again (WCAG 2.2.1); « Terminer » goes back at once.
// Beside the reference, the QR code of the caisse's site (made by Rust, an SVG
// data: URL: the CSP allows data: images, never inline markup); « Imprimer mon
// reçu » when the kiosk has a printer (`receiptPrint`), or the receipt printed by
// itself in `auto` mode. A failed print only says to note the reference: it never
// stops the countdown back to the welcome screen.
import { h, tx } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../ipc.js';

const QR_PREFIX = 'data:image/svg+xml;base64,';

/** The QR code beside the reference, or nothing if Rust sent none. */
function qrFigure(result) {
  const src = typeof result.qrCode === 'string' && result.qrCode.startsWith(QR_PREFIX) ? result.qrCode : null;
  if (!src) return null;
  let site = '';
  try { site = new URL(result.loginUrl).host; } catch { site = ''; }
  const img = h('img', { class: 'qr__image', src, width: '160', height: '160' });
  img.dataset.i18nAttr = 'alt:confirmation.qr.alt';
  img.dataset.i18nParams = JSON.stringify({ site });
  img.alt = t('confirmation.qr.alt', { site });
  return h('figure', { class: 'qr' },
    img,
    tx('confirmation.qr.caption', undefined, 'figcaption', { class: 'qr__caption' }));
}

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
    // No e-mail address given: the password can only come by post, even before the MSA answers.
    if (outcome === 'queued' && result.noEmail === true) next[0] = 'confirmation.queued.nextPostal';
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

    const mode = ctx.kiosk.receiptPrint === 'auto' || ctx.kiosk.receiptPrint === 'button' ? ctx.kiosk.receiptPrint : 'off';
    // Its own polite live region, present from the start so that screen readers hear each
    // change, without talking over the step's own announcement.
    const printStatus = h('p', { class: 'receipt-status', role: 'status' });
    let printing = false;
    const say = (key, params) => {
      printStatus.dataset.i18n = key;
      printStatus.dataset.i18nParams = JSON.stringify(params || {});
      printStatus.textContent = t(key, params);
      printStatus.className = `receipt-status receipt-status--${key.split('.')[1]}`;
    };
    const print = async () => {
      if (printing) return;
      printing = true;
      say('receipt.printing');
      try {
        await api.printReceipt();
        if (printStatus.isConnected) say('receipt.printed');
      } catch {
        if (printStatus.isConnected) say('receipt.failed', { reference: result.reference || '' });
      } finally {
        printing = false;
      }
    };
    const printButton = mode === 'button'
      ? h('button', { type: 'button', class: 'button button--print', onClick: print }, tx('receipt.print'))
      : null;

    const message = outcome === 'email'
      ? tx(main, { email: result.maskedEmail || '' }, 'p', { class: 'panel__text' })
      : tx(main, undefined, 'p', { class: 'panel__text' });

    // Outcome, reference, countdown and « Terminer » first, in reading order, so that all
    // four fit the kiosk's screen without scrolling at every text size (1280×800, 1366×768);
    // what comes next, the QR code and the receipt follow below.
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
        h('div', { class: 'countdown' },
          countdown,
          h('button', { type: 'button', class: 'button button--start button--finish', onClick: finish }, tx('confirmation.finish')),
          tx('confirmation.stay', undefined, 'p', { class: 'hint countdown__stay' })),
        h('div', { class: 'confirmation__more' },
          h('div', { class: 'next-steps' },
            next.map((key) => tx(key, undefined, 'p')),
            tx('confirmation.reference.why', undefined, 'p', { class: 'hint' }),
            printButton,
            printStatus),
          qrFigure(result)),
      ],
      mounted: () => { start(); if (mode === 'auto') print(); },
      unmount: stop,
    };
  },
};
