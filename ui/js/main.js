// Boot: translations, kiosk_info and the kiosk's availability, Rust events, the
// toolbar (help, display, language, « Abandonner »), the idle watcher, the
// on-screen keyboard, the wipe.
import fr from '../i18n/fr.js';
import en from '../i18n/en.js';
import { register, setLanguage, getLanguage, translate, t } from './i18n.js';
import { api, listen } from './ipc.js';
import { Wizard } from './wizard.js';
import { IdleWatcher } from './components/idle-dialog.js';
import { OnScreenKeyboard } from './components/keyboard.js';
import { confirmCancel } from './components/confirm-dialog.js';
import { HelpDialog } from './components/help-dialog.js';
import { openModal, closeModal, closeAll } from './components/modal.js';
import { renderSettings, resetSettings } from './components/settings.js';
import { lockDown } from './lockdown.js';

// Start-up figures for the footprint benchmark (tests/e2e/footprint.rs, issue 18): every
// module fetched and evaluated here, the welcome shown below at the end of boot.
performance.mark('msa:modules');

register('fr', fr);
register('en', en);
setLanguage('fr');

const ENROLMENT_STEPS = new Set(['nir', 'identity', 'verification', 'department', 'review']);
const DEFAULT_KIOSK = Object.freeze({
  mode: 'tablet',
  languages: ['fr', 'en'],
  agencyDepartment: null,
  idleSeconds: 90,
  idleWarningSeconds: 20,
  confirmationReturnSeconds: 60,
  onScreenKeyboard: false,
});

const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

const elements = {
  root: $('#step-root'),
  live: $('#live'),
  help: $('[data-action="help"]'),
  settings: $('[data-action="settings"]'),
  language: $('[data-action="language"]'),
  cancel: $('[data-action="cancel"]'),
  helpDialog: /** @type {HTMLDialogElement} */ ($('#help-dialog')),
  confirmDialog: /** @type {HTMLDialogElement} */ ($('#confirm-dialog')),
  settingsDialog: /** @type {HTMLDialogElement} */ ($('#settings-dialog')),
  idleDialog: /** @type {HTMLDialogElement} */ ($('#idle-dialog')),
  keyboard: $('#osk'),
};

let kiosk = { ...DEFAULT_KIOSK };
/** Why the kiosk is unavailable (a code from Rust), or null when it is ready. */
let unavailableReason = null;
const keyboard = new OnScreenKeyboard(elements.keyboard, { send: () => wizard.send() });
const idle = new IdleWatcher({
  dialog: elements.idleDialog,
  reportActivity: () => api.reportActivity(),
  onExpire: (reason, session) => {
    // A triage screen left alone: no session, no answers, so no « réponses effacées »
    // notice; the welcome screen, with its settings and language reset for whoever comes next.
    if (!session) {
      wipe(null);
      return;
    }
    // Our countdown ran out: tell Rust (it wipes its side), then wipe ours.
    api.cancelSession().catch(() => {});
    wipe(reason === 'timeout' ? 'expired' : reason);
  },
});

/**
 * The idle clock runs during an enrolment (with Rust's session clock) and on the
 * welcome screen's triage screens (this page's clock alone: they have no session),
 * except while a help call holds it. @param {string|null} stepId
 */
function watchIdle(stepId) {
  const enrolling = ENROLMENT_STEPS.has(stepId);
  if ((enrolling || stepId === 'triage') && help.state === 'none') idle.start({ session: enrolling });
  else idle.stop();
}

// While someone waits for an agent, the page's idle clock stops (Rust holds its own).
const help = new HelpDialog({
  dialog: elements.helpDialog,
  api,
  onHold: () => idle.stop(),
  onRelease: () => watchIdle(wizard.stepId),
  announce: (text) => wizard.announce(text),
  hasAnswers: () => ENROLMENT_STEPS.has(wizard.stepId),
});

const wizard = new Wizard({
  root: elements.root,
  live: elements.live,
  api,
  kiosk,
  hooks: {
    start: () => startEnrolment(),
    setLanguage: (lang) => switchLanguage(lang),
    change: (step) => wizard.change(step),
    finish: () => finish(),
    backToWelcome: () => backToWelcome(),
    // The welcome screen's other ways: no session, nothing personal (steps/triage.js).
    triage: (path) => wizard.show('triage', { data: { path } }),
    welcome: (from) => wizard.show('welcome', { data: { from } }),
    onExpired: () => wipe('expired'),
    beforeRender: () => keyboard.park(),
    onStepShown: (stepId) => {
      const enrolling = ENROLMENT_STEPS.has(stepId);
      // Its slot stays when it is off, so that « Besoin d'aide ? » never moves.
      elements.cancel.toggleAttribute('data-off', !enrolling);
      watchIdle(stepId);
    },
  },
});

async function startEnrolment() {
  await wizard.guard(async () => {
    await api.startSession();
    wizard.answered.clear();
    wizard.show('nir');
  });
}

/** @param {string} lang */
function switchLanguage(lang) {
  if (!setLanguage(lang)) return;
  document.documentElement.lang = lang;
  updateLanguageButton();
  wizard.retranslate();
  keyboard.retranslate();
  for (const input of document.querySelectorAll('input[data-language-choice]')) {
    /** @type {HTMLInputElement} */ (input).checked = input.dataset.languageChoice === lang;
  }
}

function otherLanguage() {
  const languages = (kiosk.languages || []).filter((l) => l === 'fr' || l === 'en');
  if (languages.length < 2) return null;
  return getLanguage() === 'fr' ? 'en' : 'fr';
}

function updateLanguageButton() {
  const other = otherLanguage();
  elements.language.hidden = !other;
  if (other) elements.language.setAttribute('lang', other);
}

/**
 * The wipe (SPEC §3): nothing of the person stays in the webview. Session
 * storage, local storage, forms, history state, settings, language, keyboard,
 * dialogs; then the welcome screen, or « indisponible » while the kiosk is.
 * @param {'expired'|'cancel'|null} reason
 */
function wipe(reason) {
  if (unavailableReason) {
    showUnavailable();
    return;
  }
  clearPage();
  wizard.show('welcome', { data: { notice: reason === 'expired' ? 'welcome.expired' : null } });
  if (reason === 'cancel') wizard.announce(t('cancel.done'));
  if (reason === 'expired') wizard.announce(t('welcome.expired'));
}

/** Everything a person may have left in the page: answers, storage, settings, language. */
function clearPage() {
  idle.stop();
  keyboard.reset();
  closeAll();
  help.forget();
  wizard.reset();
  forgetTyping();
  try { window.sessionStorage.clear(); } catch { /* storage may be disabled */ }
  try { window.localStorage.clear(); } catch { /* storage may be disabled */ }
  try { window.history.replaceState(null, '', window.location.pathname); } catch { /* file: URLs */ }
  resetSettings();
  switchLanguage('fr');
}

/**
 * WebKit keeps every typing step of the page for « Annuler la frappe » (each with the field
 * typed into, in its web process and in the app's) until a frame of the page is left: the
 * fields of every earlier person, for as long as the page lives (issue 18). A frame added and
 * removed at once is left, and WebKit then forgets the page's whole undo history.
 */
function forgetTyping() {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  document.body.append(frame);
  frame.remove();
}

/** « Cette borne ne marche pas pour le moment »: the page is cleared first, as after « Abandonner ». */
function showUnavailable() {
  const enrolling = ENROLMENT_STEPS.has(wizard.stepId) || wizard.stepId === 'confirmation';
  if (enrolling) api.cancelSession().catch(() => {});
  if (wizard.stepId !== 'unavailable') clearPage();
  wizard.show('unavailable', { data: { reason: unavailableReason } });
}

/**
 * Follows Rust's availability: `{state: 'ready'}` or `{state: 'unavailable', reason}`.
 * @param {any} availability
 */
function applyAvailability(availability) {
  const unavailable = availability && availability.state === 'unavailable';
  const wasUnavailable = unavailableReason !== null;
  unavailableReason = unavailable ? String(availability.reason || 'unknown') : null;
  if (unavailable) {
    showUnavailable();
  } else if (wasUnavailable && wizard.stepId === 'unavailable') {
    wipe(null);
    wizard.announce(t('unavailable.back'));
  }
}

async function cancelEnrolment() {
  const confirmed = await confirmCancel(elements.confirmDialog);
  if (!confirmed) return;
  try { await api.cancelSession(); } catch { /* the wipe goes on anyway */ }
  wipe('cancel');
}

function backToWelcome() {
  if (wizard.answered.size > 0) {
    cancelEnrolment();
    return;
  }
  api.cancelSession().catch(() => {});
  wipe(null);
}

function finish() {
  api.cancelSession().catch(() => {});
  wipe(null);
}

function openSettings() {
  const body = elements.settingsDialog.querySelector('[data-settings-body]');
  renderSettings(/** @type {HTMLElement} */ (body), 'dialog');
  const close = elements.settingsDialog.querySelector('[data-action="close"]');
  const onClose = () => {
    close.removeEventListener('click', onClose);
    closeModal(elements.settingsDialog);
  };
  close.addEventListener('click', onClose);
  openModal(elements.settingsDialog, { onCancel: onClose });
}

async function boot() {
  lockDown();
  document.documentElement.lang = 'fr';
  translate(document);
  // The first screen is drawn from what Rust gave the page before its scripts ran
  // (`window.__MSA_BOOT__`, shell/window.rs), not after IPC round trips: at start-up each one
  // waits on a busy main loop (issue 18). Without it, kiosk_info is asked for as before.
  const snapshot = /** @type {{kiosk?: object, availability?: object} | undefined} */ (window.__MSA_BOOT__);
  let info = snapshot && snapshot.kiosk;
  if (!info) {
    try { info = await api.kioskInfo(); } catch { info = {}; }
  }
  kiosk = { ...DEFAULT_KIOSK, ...info };
  wizard.kiosk = kiosk;
  document.documentElement.dataset.mode = kiosk.mode === 'kiosk' ? 'kiosk' : 'tablet';
  idle.configure(kiosk);
  keyboard.setEnabled(kiosk.mode === 'kiosk' && kiosk.onScreenKeyboard === true);
  updateLanguageButton();

  elements.help.addEventListener('click', () => help.open());
  elements.settings.addEventListener('click', openSettings);
  elements.language.addEventListener('click', () => { const other = otherLanguage(); if (other) switchLanguage(other); });
  elements.cancel.addEventListener('click', cancelEnrolment);

  // The snapshot's availability is the one of the window's creation: a page loaded again (a new
  // web process after a crash) asks for the current one instead.
  let first = snapshot && snapshot.availability;
  if (!first || reloaded()) {
    try { first = await api.kioskAvailability(); } catch { first = null; }
  }
  first = first || { state: 'ready' };
  if (first.state === 'unavailable') applyAvailability(first);
  else wizard.show('welcome');
  document.documentElement.classList.add('ready');
  performance.mark('msa:ready');

  // Then the changes: the availability is asked for again once its change event is heard, so
  // that a change since the window was created (the snapshot's moment) cannot be missed.
  const listening = Promise.all([
    listen('availability-changed', (payload) => applyAvailability(payload)),
    listen('idle-warning', (payload) => idle.rustWarning(payload)),
    listen('help-changed', (payload) => help.changed(payload)),
    listen('session-expired', () => {
      // Nothing to wipe on the welcome screen and its triage screens (no session there: the
      // page's clock brings them back); the confirmation screen has its own countdown and
      // shows no answer, only the reference to note.
      if (['welcome', 'triage', 'confirmation'].includes(wizard.stepId)) return;
      wipe('expired');
    }),
  ]);
  try {
    await listening;
    const now = await api.kioskAvailability();
    if (now && changesAvailability(now)) applyAvailability(now);
  } catch {
    // Without an answer, the screen stays: « S'inscrire » reports a refusal itself.
  }
  help.resume();
}

/** True when this page is the wizard loaded again in the same window (`webview.reload()`). */
function reloaded() {
  const [navigation] = /** @type {PerformanceNavigationTiming[]} */ (performance.getEntriesByType('navigation'));
  return navigation?.type === 'reload';
}

/** True when `availability` differs from what the page shows (ready, or unavailable and why). */
function changesAvailability(availability) {
  const reason = availability.state === 'unavailable' ? String(availability.reason || 'unknown') : null;
  return reason !== unavailableReason;
}

boot();
