// « Écouter » (issue 19; EN 301 549 §5.1.3): the kiosk reads the screen aloud.
//
// One module, loaded beside main.js, that watches the page rather than being called by each
// step: the step on screen (heading, question, hints), the error summary and each error, the
// radio and check boxes as they are focused, the dialogs (idle warning and its countdown,
// cancel, help), the confirmation's reference (character by character), and what is typed.
//
// - Rust decides what may be said (`speech_say`): this module marks what the person typed and
//   the review's values as `personal` with their field; without headphones Rust says
//   « chiffre », « lettre » or the field's name instead. The page is never trusted with that.
// - Speech stops when the person acts (a touch, a key): `speech_stop`. Every call goes through
//   one chain, so a stop is never overtaken by the utterance before it (one voice at a time).
// - The header's « Écouter » button (aria-pressed) and the physical key F9 turn it on or off
//   for the session; Rust turns it off again when the session ends.
// - Rate and volume: two sliders added to the « Affichage » dialog.
import { invoke } from './ipc.js';
import { t, getLanguage } from './i18n.js';

/** Runs `fn` once the next frame has been painted (a task after the frame's callbacks). */
const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));

/** The physical key that toggles « Écouter » (tablet keyboards, agency keypads): README. */
export const SHORTCUT_KEY = 'F9';

const TEXT_INPUTS = 'input:not([type]), input[type="text"], input[type="email"], input[type="tel"], input[type="password"], input[type="number"]';

/** Visible text of an element, spaces folded; hidden and visually-hidden parts left out unless asked. */
export function visibleText(element, { includeHidden = false } = {}) {
  if (!element) return '';
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === 3) { parts.push(node.textContent); return; }
    if (node.nodeType !== 1) return;
    const el = /** @type {HTMLElement} */ (node);
    if (el.hidden || el.getAttribute('aria-hidden') === 'true') return;
    if (!includeHidden && el.classList.contains('visually-hidden')) return;
    if (el.matches('input, select, textarea, svg, img, script, style')) return;
    for (const child of el.childNodes) walk(child);
  };
  walk(element);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** The field a typed value belongs to, as Rust names it (`speech::privacy::Field::named`). */
function fieldOf(input) {
  const group = input.closest('[data-field]');
  return (group && group.dataset.field) || input.name || input.id || '';
}

/**
 * What the step says, in reading order: heading, then the question, labels, hints and texts of
 * the screen. Review values are personal: returned apart, with their field.
 * @param {HTMLElement} section
 * @returns {{text: string, personal: Array<{label: string, value: string, field: string}>, reference: string}}
 */
export function stepReading(section) {
  const texts = [];
  const heading = section.querySelector('.step-heading');
  if (heading) texts.push(visibleText(heading));
  const selector = 'legend, label, .hint, p, h2, h3, li';
  for (const el of section.querySelectorAll(selector)) {
    if (el.closest('.error-summary, .cgu__text, .summary-list, .reference-row, [hidden]')) continue;
    // A label inside a list item or a paragraph is read once, with it.
    if (el.parentElement && el.parentElement.closest(selector) && el.parentElement.closest(selector) !== el) continue;
    const text = visibleText(el);
    if (text) texts.push(text);
  }
  const personal = [];
  for (const row of section.querySelectorAll('.summary-list__row')) {
    const key = row.querySelector('.summary-list__key');
    const value = row.querySelector('.summary-list__value');
    const i18n = key && key.getAttribute('data-i18n');
    personal.push({
      label: visibleText(key),
      value: visibleText(value),
      field: i18n ? i18n.replace(/^review\./, '') : '',
    });
  }
  const reference = section.querySelector('.reference__value');
  return { text: texts.join('. ').replace(/\.\s*\./g, '.'), personal, reference: reference ? visibleText(reference) : '' };
}

export class Speech {
  /** @param {{button: HTMLButtonElement, root: HTMLElement, invoke?: typeof invoke}} o */
  constructor({ button, root, invoke: call = invoke }) {
    this.button = button;
    this.root = root;
    this.call = call;
    this.state = { enabled: false, defaultOn: false, on: false, rate: 0, volume: 100 };
    this.chain = Promise.resolve();
    this.lastStep = null;
  }

  /** Every call to Rust in order: a stop never overtakes the utterance asked before it. */
  send(command, args) {
    const run = () => this.call(command, args).catch(() => null);
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  /** @param {string} text @param {{kind?: 'screen'|'spell'|'personal', field?: string, interrupt?: boolean}} [o] */
  say(text, { kind = 'screen', field, interrupt = false } = {}) {
    if (!this.state.on || !text) return Promise.resolve(null);
    return this.send('speech_say', { text, kind, field: field || null, lang: getLanguage(), interrupt });
  }

  stop() {
    if (this.state.on) this.send('speech_stop');
  }

  async init() {
    this.button.addEventListener('click', () => this.toggle());
    document.addEventListener('keydown', (event) => {
      if (event.key === SHORTCUT_KEY) {
        event.preventDefault();
        this.toggle();
      }
    }, true);
    this.watch();
    await this.refresh();
  }

  async refresh(change = {}) {
    const state = await this.send('speech_settings', change);
    if (state && typeof state === 'object') this.state = { ...this.state, ...state };
    this.button.hidden = !this.state.enabled;
    this.button.setAttribute('aria-pressed', String(Boolean(this.state.on)));
    return this.state;
  }

  async toggle() {
    if (!this.state.enabled) return;
    const on = !this.state.on;
    if (!on) await this.say(t('toolbar.listen.off'), { interrupt: true });
    await this.refresh({ on });
    if (on) {
      await this.say(t('toolbar.listen.on'), { interrupt: true });
      this.readScreen(false);
    }
  }

  /** Reads the step on screen (and an open dialog after it). */
  readScreen(interrupt = true) {
    const dialog = document.querySelector('dialog[open]');
    if (dialog) { this.readDialog(dialog, interrupt); return; }
    const section = this.root.querySelector('.step');
    if (!section) return;
    const reading = stepReading(section);
    this.say(reading.text, { interrupt });
    for (const item of reading.personal) {
      this.say(item.label);
      this.say(item.value, { kind: 'personal', field: item.field });
    }
    if (reading.reference) {
      this.say(t('speech.reference'));
      this.say(reading.reference, { kind: 'spell' });
    }
  }

  /** @param {HTMLDialogElement} dialog */
  readDialog(dialog, interrupt = true) {
    const parts = [];
    for (const el of dialog.querySelectorAll('.modal__title, .modal__text, .modal__countdown, legend')) {
      const text = visibleText(el);
      if (text) parts.push(text);
    }
    const focused = document.activeElement;
    if (focused && dialog.contains(focused) && focused.matches('button')) parts.push(visibleText(focused));
    this.say(parts.join('. '), { interrupt });
  }

  watch() {
    // A new step: read it, after what was being said is silenced.
    new MutationObserver(() => {
      const section = this.root.querySelector('.step');
      if (section && section !== this.lastStep) {
        this.lastStep = section;
        // On the welcome screen, what Rust says about speech first (a session may have ended).
        const settled = section.dataset.step === 'welcome' ? this.sessionOver(this.sawSession) : null;
        this.sawSession = section.dataset.step !== 'welcome' && section.dataset.step !== 'unavailable';
        // After the new step's first paint: the speech service's work (a call to Rust, then
        // the synthesiser's CPU) must not delay what the person sees (issue 19's latency).
        const read = () => afterPaint(() => { if (this.lastStep === section) this.readScreen(true); });
        if (settled) settled.then(read);
        else read();
      }
    }).observe(this.root, { childList: true, subtree: false });

    // The error summary appears: its title and each error.
    new MutationObserver((records) => {
      for (const record of records) {
        const summary = /** @type {HTMLElement} */ (record.target);
        if (summary.classList && summary.classList.contains('error-summary') && !summary.hidden && summary.childElementCount > 0) {
          const title = visibleText(summary.querySelector('.error-summary__title'));
          const errors = [...summary.querySelectorAll('li')].map((li) => visibleText(li));
          this.say([title, ...errors].filter(Boolean).join('. '), { interrupt: true });
          return;
        }
      }
    }).observe(this.root, { subtree: true, childList: true, attributeFilter: ['hidden'] });

    // Dialogs: read when opened; the idle countdown again whenever its live region speaks.
    const dialogs = document.querySelectorAll('dialog');
    const opened = new MutationObserver((records) => {
      for (const record of records) {
        const dialog = /** @type {HTMLDialogElement} */ (record.target);
        if (dialog.open) {
          if (dialog.id === 'settings-dialog') this.addVoiceSettings(dialog);
          // After the dialog has moved focus to its first button.
          setTimeout(() => this.readDialog(dialog, true), 0);
        }
      }
    });
    for (const dialog of dialogs) opened.observe(dialog, { attributes: true, attributeFilter: ['open'] });
    const idleLive = document.querySelector('[data-idle-live]');
    if (idleLive) {
      new MutationObserver(() => {
        const text = visibleText(idleLive, { includeHidden: true });
        const button = document.querySelector('#idle-dialog [data-action="continue"]');
        if (text) this.say(`${text} ${visibleText(button)}`, { interrupt: true });
      }).observe(idleLive, { childList: true, characterData: true, subtree: true });
    }

    // The person acts: silence. A key in a field is answered by the key itself (below).
    document.addEventListener('pointerdown', (event) => {
      if (event.target instanceof Element && event.target.closest('[data-action="listen"]')) return;
      this.stop();
    }, true);
    document.addEventListener('keydown', (event) => {
      if (event.key === SHORTCUT_KEY) return;
      if (event.target instanceof Element && event.target.matches(TEXT_INPUTS)) return;
      this.stop();
    }, true);

    // Choices and fields as they are focused.
    document.addEventListener('focusin', (event) => {
      const el = event.target;
      if (!(el instanceof HTMLInputElement)) return;
      if (el.type === 'radio' || el.type === 'checkbox') {
        const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
        this.say(visibleText(label), { interrupt: true });
      } else if (el.matches(TEXT_INPUTS)) {
        const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
        this.say(visibleText(label), { interrupt: true });
      }
    });
    document.addEventListener('change', (event) => {
      const el = event.target;
      if (el instanceof HTMLInputElement && el.type === 'radio' && el.checked && document.activeElement !== el) {
        const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
        this.say(visibleText(label), { interrupt: true });
      }
    });

    // What is typed (the on-screen keyboard dispatches the same input events): one key at a
    // time, personal. Rust says the value only through headphones.
    document.addEventListener('input', (event) => {
      const el = event.target;
      if (!(el instanceof HTMLInputElement) || !el.matches(TEXT_INPUTS)) return;
      const inputType = /** @type {InputEvent} */ (event).inputType || '';
      const data = /** @type {InputEvent} */ (event).data;
      if (inputType.startsWith('delete')) {
        this.say(t('speech.erased'), { interrupt: true });
      } else if (typeof data === 'string' && data.length > 0) {
        this.say(data === ' ' ? t('speech.space') : data, { kind: data === ' ' ? 'screen' : 'personal', field: fieldOf(el), interrupt: true });
      }
    }, true);
  }

  /**
   * The welcome screen. After a session, speech goes back to the kiosk's default here as Rust
   * does at the session's end (whichever of the two comes first, both agree).
   * @param {boolean} afterSession
   */
  sessionOver(afterSession) {
    return this.refresh(afterSession ? { on: this.state.defaultOn } : {});
  }

  /** @param {HTMLDialogElement} dialog */
  addVoiceSettings(dialog) {
    const body = dialog.querySelector('[data-settings-body]');
    if (!body || !this.state.enabled || body.querySelector('[data-speech-settings]')) return;
    const fieldset = document.createElement('fieldset');
    fieldset.className = 'fieldset settings__group';
    fieldset.dataset.speechSettings = '';
    const legend = document.createElement('legend');
    legend.className = 'legend legend--small';
    legend.textContent = t('settings.speech.legend');
    fieldset.append(legend);
    const slider = (id, key, min, max, value, setting) => {
      const label = document.createElement('label');
      label.className = 'label';
      label.htmlFor = id;
      label.textContent = t(key);
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', id, min: String(min), max: String(max), step: '10', value: String(value) });
      input.className = 'settings__range';
      input.addEventListener('change', () => this.refresh({ [setting]: Number(input.value) }));
      fieldset.append(label, input);
    };
    slider('speech-rate', 'settings.speech.rate', -100, 100, this.state.rate, 'rate');
    slider('speech-volume', 'settings.speech.volume', 0, 100, this.state.volume, 'volume');
    body.append(fieldset);
  }
}

const button = typeof document !== 'undefined' ? document.querySelector('[data-action="listen"]') : null;
const root = typeof document !== 'undefined' ? document.querySelector('#step-root') : null;
if (button && root) new Speech({ button: /** @type {HTMLButtonElement} */ (button), root }).init();
