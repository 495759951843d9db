// « Besoin d'aide ? » (issues 15 and 17): the touch calls an agent through Rust
// (`help_request`: the agency console shows the call), and the dialog says
// plainly what happens: « Un conseiller va venir », or « Allez à l'accueil »
// when the call could not be sent. The answers are kept: Rust holds its idle
// clock while the call is open, and this page stops its own (onHold). The call
// ends with « Je n'ai plus besoin d'aide » (or Escape), or when an agent closes
// it at the console (Rust's `help-changed` event): the dialog then closes by
// itself and both idle clocks start again from full (onRelease).
import { openModal, closeModal, isOpen } from './modal.js';
import { t } from '../i18n.js';

/** What the dialog says in each of Rust's states (ops::help::HelpView). */
const TEXTS = {
  calling: { title: 'help.title', lines: ['help.calling', 'help.kept'] },
  open: { title: 'help.coming', lines: ['help.stay', 'help.kept'] },
  hooked: { title: 'help.coming', lines: ['help.stay', 'help.kept'] },
  unreached: { title: 'help.desk', lines: ['help.unreached', 'help.kept'] },
};

export class HelpDialog {
  /**
   * @param {{dialog: HTMLDialogElement, api: any, onHold: () => void, onRelease: () => void, announce: (text: string) => void, hasAnswers?: () => boolean}} o
   *   hasAnswers: whether the screen behind has answers to keep (not the welcome screen nor its triage screens)
   */
  constructor({ dialog, api, onHold, onRelease, announce, hasAnswers = () => true }) {
    this.dialog = dialog;
    this.api = api;
    this.onHold = onHold;
    this.onRelease = onRelease;
    this.announce = announce;
    this.hasAnswers = hasAnswers;
    this.title = dialog.querySelector('[data-help-title]');
    this.text = dialog.querySelector('[data-help-text]');
    this.button = dialog.querySelector('[data-action="close"]');
    this.state = 'none';
    this.button.addEventListener('click', () => this.close());
  }

  /** The help button: ask Rust for a call (a second touch gets the same one). */
  async open() {
    this.onHold();
    this.render({ state: 'calling' });
    openModal(this.dialog, { initialFocus: this.button, onCancel: () => this.close() });
    let view;
    try {
      view = await this.api.helpRequest();
    } catch {
      // Rust did not answer: nobody was told. Say where help is.
      view = { state: 'unreached', hook: false };
    }
    // A help-changed event may have come before this answer (the call got through at once):
    // the answer is then older than what the dialog shows.
    if (this.state === 'calling' && isOpen(this.dialog)) this.render(view);
  }

  /** After a reload (a crash of the web process), a call Rust still holds is shown again. */
  async resume() {
    let view = null;
    try { view = await this.api.helpState(); } catch { return; }
    if (view && ['calling', 'open', 'unreached'].includes(view.state)) {
      this.onHold();
      openModal(this.dialog, { initialFocus: this.button, onCancel: () => this.close() });
      this.render(view);
    }
  }

  /** Rust's `help-changed` event. @param {{state: string, hook?: boolean}} view */
  changed(view) {
    if (!view) return;
    if (view.state === 'closedByAgent') {
      if (!isOpen(this.dialog)) return;
      this.finish();
      this.announce(t('help.closedByAgent'));
      // Rust's call is over; this tells it the page has seen it.
      this.api.helpClose().catch(() => {});
      return;
    }
    if (isOpen(this.dialog)) this.render(view);
  }

  /** « Je n'ai plus besoin d'aide », or Escape. */
  close() {
    if (!isOpen(this.dialog)) return;
    this.finish();
    this.api.helpClose().catch(() => {});
  }

  /** The wipe closed every dialog: a call still held ends with it. */
  forget() {
    if (this.state === 'none') return;
    this.state = 'none';
    this.api.helpClose().catch(() => {});
  }

  finish() {
    this.state = 'none';
    closeModal(this.dialog, { restoreFocus: true });
    this.onRelease();
  }

  /** @param {{state: string, hook?: boolean}} view */
  render(view) {
    let state = view && view.state;
    if (state === 'unreached' && view.hook) state = 'hooked';
    const texts = TEXTS[state];
    if (!texts || state === this.state) return;
    this.state = state;
    this.dialog.dataset.helpState = state;
    this.title.dataset.i18n = texts.title;
    this.title.textContent = t(texts.title);
    // « Vos réponses sont gardées » only where there are answers: a true promise or none.
    const lines = texts.lines.filter((key) => key !== 'help.kept' || this.hasAnswers());
    this.text.replaceChildren(...lines.map((key) => {
      const p = document.createElement('p');
      p.dataset.i18n = key;
      p.textContent = t(key);
      return p;
    }));
  }
}
