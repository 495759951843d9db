// Inactivity (SPEC §3, WCAG 2.2.1, RGAA 13.1): during an enrolment, after
// `idleSeconds` without a touch or a key, a modal asks « Êtes-vous toujours là ? »
// with a visible countdown of `idleWarningSeconds` and one big « Continuer ».
// Continuer closes it and puts focus back where it was: fields are never touched.
// Without an answer, `onExpire` wipes everything.
//
// Rust holds the authoritative deadline: activity is reported with
// `report_activity` (at most once per 5 s), Rust's `idle-warning` opens or
// re-times the dialog, and Rust's `session-expired` (handled by main.js) wipes.
//
// The welcome screen's other ways (steps/triage.js) have no session: nothing
// personal is typed there, and Rust has no clock for them. There this page's
// clock alone runs (`start({session: false})`): the same dialog, saying the
// welcome screen will come back, nothing reported to Rust.
import { openModal, closeModal, isOpen } from './modal.js';
import { t } from '../i18n.js';
import { scroller } from '../dom.js';

const REPORT_EVERY_MS = 5000;
const ACTIVITY_EVENTS = ['pointerdown', 'touchstart', 'keydown', 'input', 'wheel'];

export class IdleWatcher {
  /**
   * @param {{dialog: HTMLDialogElement, reportActivity: () => Promise<any>, onExpire: (reason: string, session: boolean) => void}} o
   *   onExpire's `session`: whether a Rust session was being watched (false on the triage screens)
   */
  constructor({ dialog, reportActivity, onExpire }) {
    this.dialog = dialog;
    this.reportActivity = reportActivity;
    this.onExpire = onExpire;
    this.idleMs = 90_000;
    this.warningMs = 20_000;
    this.active = false;
    /** Whether a Rust session is watched too (an enrolment), or this page's clock alone. */
    this.session = true;
    this.lastActivity = 0;
    this.lastReport = 0;
    this.deadline = 0;
    this.timer = null;
    this.pendingReport = null;
    this.reportsInFlight = 0;
    this.lastAnnounced = null;
    this.countdown = dialog.querySelector('[data-idle-countdown]');
    this.live = dialog.querySelector('[data-idle-live]');
    this.text = dialog.querySelector('[data-idle-text]');
    this.button = dialog.querySelector('[data-action="continue"]');
    this.button.addEventListener('click', () => this.continue());
    const onActivity = () => this.activity();
    for (const type of ACTIVITY_EVENTS) document.addEventListener(type, onActivity, { capture: true, passive: true });
  }

  /** @param {{idleSeconds?: number, idleWarningSeconds?: number}} config */
  configure(config) {
    if (!config) return;
    if (Number.isFinite(config.idleSeconds) && config.idleSeconds > 0) this.idleMs = config.idleSeconds * 1000;
    if (Number.isFinite(config.idleWarningSeconds) && config.idleWarningSeconds > 0) this.warningMs = config.idleWarningSeconds * 1000;
  }

  get warningOpen() {
    return isOpen(this.dialog);
  }

  /**
   * An enrolment has started (or a triage screen is shown: `{session: false}`): watch.
   * @param {{session?: boolean}} [options]
   */
  start({ session = true } = {}) {
    this.session = session;
    this.active = true;
    this.lastActivity = Date.now();
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1000);
  }

  /** Nothing to watch any more (welcome, confirmation, wipe). */
  stop() {
    this.active = false;
    clearInterval(this.timer);
    this.timer = null;
    clearTimeout(this.pendingReport);
    this.pendingReport = null;
    if (this.warningOpen) closeModal(this.dialog, { restoreFocus: false });
  }

  /** A touch, a key, a key of the on-screen keyboard. */
  activity() {
    if (!this.active || this.warningOpen) return; // only « Continuer » answers the warning
    this.lastActivity = Date.now();
    if (this.session) this.scheduleReport();
  }

  scheduleReport() {
    const since = Date.now() - this.lastReport;
    if (since >= REPORT_EVERY_MS) this.sendReport();
    else if (!this.pendingReport) {
      this.pendingReport = setTimeout(() => { this.pendingReport = null; if (this.active) this.sendReport(); }, REPORT_EVERY_MS - since);
    }
  }

  async sendReport() {
    this.lastReport = Date.now();
    this.reportsInFlight += 1;
    try {
      this.configure(await this.reportActivity());
    } catch (error) {
      if (error && error.errors && error.errors.some((e) => e.code === 'session.expired')) this.expire('session.expired');
    } finally {
      this.reportsInFlight -= 1;
    }
  }

  tick() {
    if (!this.active) return;
    const now = Date.now();
    if (this.warningOpen) {
      const left = Math.max(0, Math.ceil((this.deadline - now) / 1000));
      this.render(left);
      if (left <= 0) this.expire('timeout');
    } else if (now - this.lastActivity >= this.idleMs) {
      this.showWarning(Math.round(this.warningMs / 1000));
    }
  }

  /** Rust's `idle-warning` event. @param {{secondsLeft?: number}} payload */
  rustWarning(payload) {
    // Without a session, a warning from Rust is about no one on screen.
    if (!this.active || !this.session) return;
    // A warning Rust sent before it heard of the activity now on its way (« Continuer », a
    // touch) is stale: its deadline is being pushed back. Events and answers come in order,
    // so one sent after the report was handled arrives after its answer and is shown.
    if (!this.warningOpen && this.reportsInFlight > 0) return;
    const seconds = payload && Number.isFinite(payload.secondsLeft) ? payload.secondsLeft : Math.round(this.warningMs / 1000);
    if (this.warningOpen) {
      // Both clocks run: keep the earlier deadline, so the countdown never jumps up.
      const deadline = Date.now() + seconds * 1000;
      if (deadline < this.deadline) {
        this.deadline = deadline;
        this.render(seconds);
      }
    } else {
      this.showWarning(seconds);
    }
  }

  /** @param {number} seconds */
  showWarning(seconds) {
    this.deadline = Date.now() + seconds * 1000;
    const area = scroller();
    this.scroll = { x: area.scrollLeft, y: area.scrollTop };
    this.lastAnnounced = null;
    this.live.textContent = '';
    // Nothing typed on a triage screen: what goes is the screen, not answers.
    this.text.dataset.i18n = this.session ? 'idle.text' : 'idle.textWelcome';
    this.text.textContent = t(this.text.dataset.i18n);
    this.render(seconds);
    openModal(this.dialog, { initialFocus: this.button, onCancel: () => this.continue() });
  }

  /** @param {number} seconds */
  render(seconds) {
    this.countdown.dataset.i18nParams = JSON.stringify({ count: seconds });
    this.countdown.textContent = t('idle.countdown', { count: seconds });
    // Announced when the dialog opens (it is the dialog's description), then at 10 and 5 s.
    if ((seconds === 10 || seconds === 5) && this.lastAnnounced !== seconds) {
      this.lastAnnounced = seconds;
      this.live.textContent = t('idle.countdown', { count: seconds });
    }
  }

  /** « Continuer »: close, restore the exact screen and focus, tell Rust. */
  continue() {
    if (!this.warningOpen) return;
    closeModal(this.dialog, { restoreFocus: true });
    if (this.scroll) scroller().scrollTo(this.scroll.x, this.scroll.y);
    this.lastActivity = Date.now();
    clearTimeout(this.pendingReport);
    this.pendingReport = null;
    if (this.session) this.sendReport();
  }

  /** @param {string} reason */
  expire(reason) {
    if (!this.active) return;
    this.stop();
    this.onExpire(reason, this.session);
  }
}
