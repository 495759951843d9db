// The wizard: step order, back / next, « Modifier » from the review, focus and
// announcements, page title (with « Erreur : » when a step is refused), and the
// display of Rust's errors (summary + inline). It holds no answers: a step's
// values come from Rust (`open_step`) when the person goes back to it.
import { h, tx, stepHeading, progress, scroller } from './dom.js';
import { t, errorKey, translate } from './i18n.js';
import { IpcError } from './ipc.js';
import { createErrorSummary, showErrorSummary, hideErrorSummary } from './components/error-summary.js';
import { showFieldError, clearFieldErrors } from './components/field-error.js';
import welcome from './steps/welcome.js';
import nir from './steps/nir.js';
import identity from './steps/identity.js';
import verification from './steps/verification.js';
import department from './steps/department.js';
import review from './steps/review.js';
import confirmation from './steps/confirmation.js';
import unavailable from './steps/unavailable.js';
import triage from './steps/triage.js';

export const ORDER = ['welcome', 'nir', 'identity', 'verification', 'department', 'review', 'confirmation'];
/** Steps whose answers Rust can give back with open_step. */
export const ANSWERABLE = ['nir', 'identity', 'verification', 'department'];
/** Every screen: the enrolment's steps in ORDER, and « indisponible » and the welcome screen's other ways outside it. */
const STEPS = { welcome, nir, identity, verification, department, review, confirmation, unavailable, triage };

/**
 * @typedef {object} StepContext
 * @property {typeof import('./ipc.js').api} api
 * @property {Record<string, any>} kiosk kiosk_info()
 * @property {Record<string, any>|null} values answers from open_step
 * @property {any} data step data (departments, review summary, outcome…)
 * @property {boolean} fromReview
 * @property {(text: string) => void} announce polite live region
 * @property {() => void} submitNow send the step again (e.g. keepEmailAsTyped)
 * @property {{start: () => void, setLanguage: (lang: string) => void, change: (step: string) => void, finish: () => void, triage: (path: string) => void, welcome: (from?: string) => void}} hooks
 */

/** Input types where Enter does not send a form (HTML § 4.10.21.2: buttons act on their own). */
const NO_IMPLICIT_SUBMISSION = new Set(['button', 'submit', 'reset', 'image', 'file', 'color', 'hidden']);

/**
 * Whether this keydown is a form's implicit submission: Enter, without Ctrl, Alt or Meta, in an
 * `<input>` (text, radio, checkbox…), not already handled (the département search stops it) nor
 * in the middle of an input method's composition.
 * @param {KeyboardEvent} event
 */
function submitsImplicitly(event) {
  if (event.key !== 'Enter' || event.defaultPrevented || event.isComposing) return false;
  if (event.ctrlKey || event.altKey || event.metaKey) return false;
  const target = event.target;
  return target instanceof HTMLInputElement && !NO_IMPLICIT_SUBMISSION.has(target.type);
}

export class Wizard {
  /**
   * @param {{root: HTMLElement, live: HTMLElement, api: any, kiosk: any, hooks: any}} o
   */
  constructor({ root, live, api, kiosk, hooks }) {
    this.root = root;
    this.live = live;
    this.api = api;
    this.kiosk = kiosk;
    this.hooks = hooks;
    /** Steps answered in this session (no values, only their names). */
    this.answered = new Set();
    this.changeFromReview = false;
    this.busy = false;
    this.current = null;
    this.announceTimer = null;
  }

  /** Forget the session (the wipe). */
  reset() {
    if (this.current && this.current.view.unmount) this.current.view.unmount();
    // What form.reset() did when the steps were <form>s: no answer left in a field, even one
    // about to be dropped (WebKit may keep a removed node a while).
    for (const field of this.root.querySelectorAll('[data-step-form] input')) {
      const input = /** @type {HTMLInputElement} */ (field);
      if (input.type === 'checkbox' || input.type === 'radio') input.checked = false;
      else input.value = '';
    }
    this.current = null;
    this.answered.clear();
    this.changeFromReview = false;
    this.busy = false;
    clearTimeout(this.announceTimer);
    this.live.textContent = '';
    if (this.hooks.beforeRender) this.hooks.beforeRender();
    this.root.replaceChildren();
  }

  /**
   * Sends the shown step as « Suivant » does (through the button, so that a step already being
   * sent is not sent twice): Enter in a field, « OK » of the on-screen keyboard in the last one.
   * Nothing on a screen without fields.
   */
  send() {
    if (this.current && this.current.next) this.current.next.click();
  }

  get stepId() {
    return this.current ? this.current.id : null;
  }

  /** @param {string} text */
  announce(text) {
    clearTimeout(this.announceTimer);
    this.live.textContent = '';
    this.announceTimer = setTimeout(() => { this.live.textContent = text; }, 150);
  }

  /**
   * Renders a step, focuses its heading, sets the title, announces it.
   * @param {string} stepId
   * @param {{values?: any, data?: any, fromReview?: boolean}} [options]
   */
  show(stepId, { values = null, data = null, fromReview = false } = {}) {
    const step = STEPS[stepId];
    if (this.current && this.current.view.unmount) this.current.view.unmount();
    if (stepId === 'review' || stepId === 'welcome' || stepId === 'confirmation') this.changeFromReview = false;

    /** @type {StepContext} */
    const ctx = {
      api: this.api,
      kiosk: this.kiosk,
      values,
      data,
      fromReview,
      hooks: this.hooks,
      announce: (text) => this.announce(text),
      submitNow: () => this.submit(),
    };
    if (this.hooks.beforeRender) this.hooks.beforeRender();
    const view = step.render(ctx);
    const titleKey = view.titleKey || step.titleKey;
    const summary = createErrorSummary();
    // A screen outside the enrolment (« indisponible ») has no number: no count, no progress.
    const numbered = typeof step.number === 'number';
    const heading = numbered
      ? stepHeading(step.number, titleKey)
      : h('h1', { class: 'step-heading', tabindex: '-1' }, tx(titleKey, undefined, 'span', { class: 'step-title' }));

    const children = [];
    if (step.number > 1 && step.number < 7) {
      children.push(h('a', {
        href: '#retour',
        class: 'back-link',
        onClick: (event) => { event.preventDefault(); this.back(); },
      }, tx('nav.back')));
    }
    children.push(summary, heading, numbered ? progress(step.number) : null);
    let form = null;
    let next = null;
    if (view.noForm) {
      children.push(...view.nodes);
    } else {
      // A <div>, not a <form>: WebKitGTK 2.50 never frees what was inside a <form> once it is
      // removed (issue 18: +0.6 MiB a session, flat with a <div>). So Enter in a field does here
      // what a form's implicit submission did (HTML § 4.10.21.2): « Suivant » is clicked.
      next = h('button', { type: 'button', class: 'button button--next', onClick: () => this.submit() },
        tx(view.submitKey || 'nav.next'));
      form = h('div', {
        class: 'form',
        dataset: { stepForm: '' },
        onKeydown: (event) => { if (submitsImplicitly(event)) { event.preventDefault(); this.send(); } },
      },
      ...view.nodes,
      h('div', { class: 'actions' }, next));
      children.push(form);
    }
    const section = h('div', { class: `step step--${stepId}`, dataset: { step: stepId } }, children.filter(Boolean));
    this.root.replaceChildren(section);
    this.current = { id: stepId, step, view, summary, heading, form, next };

    scroller().scrollTo(0, 0);
    this.updateTitle(false);
    heading.focus();
    this.announce(numbered ? t('step.announce', { n: step.number, total: 7, title: t(titleKey) }) : t(titleKey));
    if (this.hooks.onStepShown) this.hooks.onStepShown(stepId);
    if (view.mounted) view.mounted();
    this.prepareFollowing(stepId);
  }

  /** The step after this one may build its screen ahead, while the person reads this one. @param {string} stepId */
  prepareFollowing(stepId) {
    const following = STEPS[ORDER[ORDER.indexOf(stepId) + 1]];
    if (!following || !following.prepare) return;
    // After this step is painted, not before: it must not slow the step on screen.
    const later = window.requestIdleCallback || ((fn) => setTimeout(fn, 50));
    later(() => {
      following.prepare({ departments: () => this.departments() }).catch(() => {
        // Nothing lost: the step builds its screen when opened, and reports errors then.
      });
    });
  }

  headingText() {
    return this.current ? this.current.heading.textContent.replace(/\s+/g, ' ').trim() : t('app.name');
  }

  /** @param {boolean} error */
  updateTitle(error) {
    document.title = `${error ? t('app.titlePrefixError') : ''}${this.headingText()}${t('app.titleSuffix')}`;
  }

  /** Language switch: every text again, fields untouched. */
  retranslate() {
    translate(document);
    if (this.current) {
      if (this.current.view.retranslate) this.current.view.retranslate();
      this.updateTitle(!this.current.summary.hidden);
    }
  }

  /**
   * Opens a step, asking Rust for the answers already given.
   * @param {string} stepId
   */
  async open(stepId) {
    let values = null;
    let fromReview = false;
    let data = null;
    if (ANSWERABLE.includes(stepId) && this.answered.has(stepId)) {
      const res = await this.api.openStep(stepId);
      values = (res && res.values) || {};
      fromReview = Boolean(res && (res.fromReview ?? values.fromReview));
    }
    if (stepId === 'department') data = await this.departments();
    if (stepId === 'review') data = await this.api.reviewSummary();
    this.show(stepId, { values, data, fromReview });
  }

  /** The list, asked once: the pending call is kept, so the early build of step 5 and « Suivant » share it. */
  departments() {
    if (!this.departmentList) {
      this.departmentList = this.api.listDepartments().catch((error) => {
        this.departmentList = null;
        throw error;
      });
    }
    return this.departmentList;
  }

  /** Runs `fn`, showing Rust's refusal on the current step if any. @param {() => Promise<void>} fn */
  async guard(fn) {
    if (this.busy) return;
    this.busy = true;
    if (this.current && this.current.form) this.current.form.setAttribute('aria-busy', 'true');
    try {
      await fn();
    } catch (error) {
      this.showErrors(error instanceof IpcError ? error.errors : [{ code: 'system.internal', field: null, key: 'error.system.internal' }]);
    } finally {
      this.busy = false;
      if (this.current && this.current.form) this.current.form.removeAttribute('aria-busy');
    }
  }

  /** « Suivant » (or « Valider mon inscription »). */
  submit() {
    const current = this.current;
    if (!current || current.view.noForm) return Promise.resolve();
    return this.guard(async () => {
      const args = current.view.collect();
      const result = await current.view.submit(args);
      if (this.current !== current) return;
      if (!result || result.stay) {
        this.clearErrors();
        return;
      }
      this.answered.add(current.id);
      if (current.id === 'review') {
        this.answered.clear();
        this.show('confirmation', { data: result });
        return;
      }
      const next = ORDER.includes(result.next) ? result.next : ORDER[ORDER.indexOf(current.id) + 1];
      await this.open(next);
    });
  }

  /** The back link: the previous step, or the review when the step was opened from it. */
  back() {
    const id = this.stepId;
    if (!id) return Promise.resolve();
    if (this.changeFromReview) return this.guard(() => this.open('review'));
    const previous = ORDER[ORDER.indexOf(id) - 1];
    if (previous === 'welcome') {
      if (this.hooks.backToWelcome) this.hooks.backToWelcome();
      return Promise.resolve();
    }
    return this.guard(() => this.open(previous));
  }

  /** « Modifier » on the review. @param {string} stepId */
  change(stepId) {
    return this.guard(async () => {
      await this.open(stepId);
      this.changeFromReview = true;
    });
  }

  clearErrors() {
    if (!this.current) return;
    hideErrorSummary(this.current.summary);
    clearFieldErrors(this.root);
    this.updateTitle(false);
  }

  /**
   * Shows Rust's errors: inline messages, then the summary, which takes focus.
   * @param {Array<{code: string, field: string|null, key?: string}>} errors
   */
  showErrors(errors) {
    if (errors.some((e) => e.code === 'session.expired')) {
      if (this.hooks.onExpired) this.hooks.onExpired('session.expired');
      return;
    }
    const current = this.current;
    if (!current) return;
    this.clearErrors();
    const seen = new Set();
    const items = [];
    for (const error of errors) {
      const key = errorKey(error);
      const id = `${error.field}|${key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const group = error.field && current.view.groupFor ? current.view.groupFor(error.field) : null;
      const target = error.field && current.view.targetFor ? current.view.targetFor(error.field) : null;
      // Figures the step knows for its message (« Vous en avez tapé 11. »): Rust's error
      // `params` when sent (docs/contracts.md), else the step's own count of what is in the field.
      const params = error.params || (current.view.paramsFor ? current.view.paramsFor(error) : undefined);
      if (group) showFieldError(group, key, params);
      items.push({ messageKey: key, params, target: group ? target : null });
    }
    this.updateTitle(true);
    showErrorSummary(current.summary, items);
    if (current.view.onErrors) current.view.onErrors(errors);
  }
}
