// A fake `window.__TAURI__` for the browser tests: an in-page stand-in for the
// Rust side that follows docs/contracts.md §2 (commands, answers, events) with
// no rule of its own: every answer to a typed value is the one enrol-core gave for
// it (tests/ui/generated/enrol-data.js, generated from tests/ui/rule-cases.json by
// crates/enrol-core/tests/ui_data.rs). A value the table lacks is a test error,
// reported on the console (so assertClean fails) and in __FAKE_TAURI__.missing.
//
// Injected with context.addInitScript before the page's modules load. Options
// come from window.__FAKE_TAURI_CONFIG__ (set by an earlier init script):
//   mode, onScreenKeyboard, idleSeconds, idleWarningSeconds, confirmationReturnSeconds,
//   agencyDepartment, outcome ("email"|"postal"|"queued"|"alreadyEnrolled"|"counsellor"),
//   rustIdle (default true: emit idle-warning / session-expired like Rust),
//   failNext ({command: {errors:[…]}}), availability ({state: 'ready'} or
//   {state: 'unavailable', reason: 'keyring.locked'}, as Rust's ops::availability
//   serialises it), bootAvailability (the snapshot's, when older). « Today » is the generated data's.
// Tests read window.__FAKE_TAURI__.calls and can emit events with
// window.__FAKE_TAURI__.emit(name, payload); setAvailability(a) changes the
// availability and emits availability-changed, as Rust's shell::heal does.
(function installFakeTauri() {
  'use strict';
  const config = Object.assign({
    mode: 'tablet',
    onScreenKeyboard: false,
    idleSeconds: 90,
    idleWarningSeconds: 20,
    confirmationReturnSeconds: 60,
    agencyDepartment: '44',
    outcome: null,
    rustIdle: true,
    failNext: {},
    languages: ['fr', 'en'],
    // Step 7's receipt: 'off' | 'button' | 'auto'; `printer: 'fail'` makes print_receipt fail.
    receiptPrint: 'off',
    printer: 'ok',
    availability: { state: 'ready' },
    // What help_request answers, as Rust's ops::help::HelpView: {state: 'open'}, or
    // {state: 'unreached', hook: false} when the backend cannot be reached.
    help: { state: 'open' },
  }, window.__FAKE_TAURI_CONFIG__ || {});

  // Everything enrol-core knows comes from tests/ui/generated/enrol-data.js (rendered by
  // crates/enrol-core/tests/ui_data.rs), passed in by helpers.mjs as window.__ENROL_DATA__.
  const DATA = window.__ENROL_DATA__;
  const DEPARTMENTS = DATA.departments;
  // A test may replace the current terms (setCguVersion) to see « terms.outdated ».
  let cguOverride = null;
  // A real QR code of https://loire-atlantique-vendee.msa.fr/ is made by Rust; this stands in.
  const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="#fff"/><rect width="2" height="2" fill="#000"/></svg>';

  const ORDER = ['nir', 'identity', 'verification', 'department', 'review'];
  const calls = [];
  const listeners = {};
  let session = null;
  let idleTimers = [];
  // The help call Rust holds (its idle clock waits meanwhile), or null.
  let helpView = null;

  const err = (code, field) => ({ code, field: field || null, key: `error.${code}` });
  const reject = (errors) => Promise.reject({ errors });

  function emit(name, payload) {
    for (const cb of (listeners[name] || []).slice()) cb({ event: name, id: 1, payload });
  }

  function clearIdle() {
    for (const id of idleTimers) clearTimeout(id);
    idleTimers = [];
  }

  function armIdle() {
    clearIdle();
    if (!config.rustIdle || !session || helpView) return;
    const idle = config.idleSeconds * 1000;
    const warn = config.idleWarningSeconds * 1000;
    idleTimers.push(setTimeout(() => emit('idle-warning', { secondsLeft: config.idleWarningSeconds }), idle));
    idleTimers.push(setTimeout(() => { session = null; clearIdle(); emit('session-expired', null); }, idle + warn));
  }

  function requireSession() {
    if (!session) throw { errors: [err('session.expired')] };
  }

  function requireBefore(step) {
    requireSession();
    for (const s of ORDER.slice(0, ORDER.indexOf(step))) {
      if (s !== 'review' && !session.answers[s]) throw { errors: [err('session.outOfOrder')] };
    }
  }

  function next(step) {
    if (session.reviewReached) return 'review';
    return ORDER[ORDER.indexOf(step) + 1];
  }

  // ---------- enrol-core's answers, looked up ----------
  const missing = [];

  /**
   * enrol-core's answer to `parts` (the inputs as sent) in the generated table `table`:
   * `{ok: …}` or `{errors: [{code, field, key}]}`.
   */
  function answer(table, parts) {
    const key = table === 'nir' || table === 'department' ? parts[0] : JSON.stringify(parts);
    const found = Object.prototype.hasOwnProperty.call(DATA.answers[table], key) ? DATA.answers[table][key] : null;
    if (found) return found;
    missing.push({ table, key });
    console.error(`fake-tauri: enrol-core gave no answer for ${table} ${key}: add it to tests/ui/rule-cases.json, then run UPDATE_UI_DATA=1 cargo test -p enrol-core --test ui_data`);
    throw { errors: [err('system.internal')] };
  }

  const text = (v) => (v == null ? '' : String(v));

  // ---------- commands ----------
  const commands = {
    kiosk_info() {
      return {
        version: '0.0.0-test',
        mode: config.mode,
        languages: config.languages,
        agencyDepartment: config.agencyDepartment,
        idleSeconds: config.idleSeconds,
        idleWarningSeconds: config.idleWarningSeconds,
        confirmationReturnSeconds: config.confirmationReturnSeconds,
        onScreenKeyboard: config.onScreenKeyboard,
        receiptPrint: config.receiptPrint,
      };
    },
    kiosk_availability() {
      return config.availability;
    },
    start_session() {
      // Rust refuses a session while the kiosk is unavailable (AppState::may_start).
      if (config.availability.state !== 'ready') return reject([err('system.unavailable')]);
      session = { answers: {}, values: {}, reviewReached: false, tries: 0 };
      armIdle();
      return { step: 'nir' };
    },
    cancel_session() {
      session = null;
      clearIdle();
      return null;
    },
    help_request() {
      if (!helpView) helpView = { ...config.help };
      clearIdle();
      return helpView;
    },
    help_close() {
      helpView = null;
      armIdle();
      return { state: 'none' };
    },
    help_state() {
      return helpView || { state: 'none' };
    },
    report_activity() {
      requireSession();
      armIdle();
      const timings = { idleSeconds: config.idleSeconds, idleWarningSeconds: config.idleWarningSeconds };
      // A slow answer, to see what the page does with Rust's events meanwhile.
      if (config.reportActivityDelayMs) return new Promise((resolve) => setTimeout(() => resolve(timings), config.reportActivityDelayMs));
      return timings;
    },
    submit_nir(args) {
      requireBefore('nir');
      const typed = text(args && args.nir);
      const a = answer('nir', [typed]);
      if (a.errors) throw a;
      session.answers.nir = a.ok;
      session.values.nir = { nir: args.nir };
      return { next: next('nir'), nirDisplay: a.ok.display };
    },
    submit_identity(args) {
      requireBefore('identity');
      const a = args || {};
      const typed = [session.answers.nir.nir, a.lastName, a.firstName, a.birthDay, a.birthMonth, a.birthYear, a.email, a.phone].map(text);
      // « Je n'ai pas d'adresse e-mail »: a 9th column in rule-cases.json (no_email: true).
      if (a.noEmail === true) typed.push('noEmail');
      const found = answer('identity', typed);
      if (found.errors) throw found;
      if (!a.keepEmailAsTyped && found.ok.suggestion) return { next: 'identity', emailSuggestion: found.ok.suggestion };
      // The review shows the phone in its national form, as the kiosk does (enrol-core's
      // MobilePhone::national: « 0693 45 67 89 », never « +262… »).
      session.answers.identity = Object.assign({}, found.ok, { phone: found.ok.phone === null ? null : found.ok.phoneNational });
      session.values.identity = {
        lastName: a.lastName, firstName: a.firstName, birthDay: a.birthDay, birthMonth: a.birthMonth,
        birthYear: a.birthYear, email: a.email, noEmail: a.noEmail === true, phone: a.phone, keepEmailAsTyped: Boolean(a.keepEmailAsTyped),
      };
      return { next: next('identity') };
    },
    submit_verification(args) {
      requireBefore('verification');
      const a = args || {};
      const typed = [session.answers.identity.birthDate, a.kind, a.value, a.day, a.month, a.year].map(text);
      const found = answer('verification', typed);
      if (found.errors) throw found;
      session.answers.verification = { kind: a.kind, masked: found.ok.masked };
      session.values.verification = { kind: a.kind, value: a.value, day: a.day, month: a.month, year: a.year };
      return { next: next('verification') };
    },
    list_departments() {
      const agency = DEPARTMENTS.find((d) => d.code === config.agencyDepartment) || null;
      return { agency, all: DEPARTMENTS.slice() };
    },
    submit_department(args) {
      requireBefore('department');
      const typed = text(args && args.code);
      const found = answer('department', [typed]);
      if (found.errors) throw found;
      session.answers.department = found.ok;
      session.values.department = { code: typed };
      session.reviewReached = true;
      return { next: 'review' };
    },
    open_step(args) {
      requireSession();
      const step = args && args.step;
      if (!ORDER.includes(step) || step === 'review' || !session.values[step]) throw { errors: [err('session.outOfOrder')] };
      return { step, values: Object.assign({}, session.values[step]), fromReview: session.reviewReached };
    },
    review_summary(args) {
      requireBefore('review');
      const cgu = DATA.cgu[args && args.lang] || DATA.cgu.fr;
      const id = session.answers.identity;
      return {
        nir: session.answers.nir.display,
        lastName: id.lastName,
        firstName: id.firstName,
        birthDate: id.birthDate,
        email: id.email,
        phone: id.phone,
        verification: session.answers.verification,
        department: session.answers.department,
        cgu: { version: cguOverride || cgu.version, language: cgu.language, text: cgu.text, blocks: cgu.blocks },
      };
    },
    submit_enrolment(args) {
      requireBefore('review');
      const a = args || {};
      if (!a.acceptTerms) throw { errors: [err('terms.notAccepted', 'terms')] };
      const current = cguOverride ? [cguOverride] : Object.values(DATA.cgu).map((c) => c.version);
      if (!current.includes(a.cguVersion)) throw { errors: [err('terms.outdated', 'terms')] };
      const kind = session.answers.verification.kind;
      // Like the reference backend: no item, or no e-mail address given → by post.
      const noEmail = session.answers.identity.email === null;
      const outcome = config.outcome || (kind === 'none' || noEmail ? 'postal' : 'email');
      const result = {
        outcome,
        reference: 'K7Q2-9DF3',
        loginUrl: 'https://loire-atlantique-vendee.msa.fr/',
        qrCode: `data:image/svg+xml;base64,${btoa(QR_SVG)}`,
      };
      if (outcome === 'email') result.maskedEmail = session.answers.identity.maskedEmail;
      if (noEmail) result.noEmail = true;
      session = null;
      clearIdle();
      return result;
    },
    print_receipt() {
      if (config.printer === 'fail') throw { errors: [err('system.unavailable')] };
      return { printed: true };
    },
  };
  // « Écouter » (speech.test.mjs): only with `speech: {enabled, defaultOn}` in the config; what
  // is said is read from `calls`. Without it the commands are unknown, as before.
  if (config.speech) {
    const voice = { enabled: Boolean(config.speech.enabled), defaultOn: Boolean(config.speech.defaultOn), on: Boolean(config.speech.defaultOn), rate: 0, volume: 100 };
    commands.speech_settings = (args = {}) => {
      if (typeof args.on === 'boolean') voice.on = args.on && voice.enabled;
      if (Number.isFinite(args.rate)) voice.rate = Math.max(-100, Math.min(100, args.rate));
      if (Number.isFinite(args.volume)) voice.volume = Math.max(0, Math.min(100, args.volume));
      return { ...voice };
    };
    commands.speech_say = () => ({ spoken: voice.on });
    commands.speech_stop = () => null;
  }

  async function invoke(cmd, args) {
    calls.push({ cmd, args: args === undefined ? undefined : JSON.parse(JSON.stringify(args)) });
    await Promise.resolve();
    if (config.failNext && config.failNext[cmd]) {
      const failure = config.failNext[cmd];
      delete config.failNext[cmd];
      return reject(failure.errors);
    }
    const fn = commands[cmd];
    if (!fn) return Promise.reject({ errors: [err('system.internal')] });
    try {
      return fn(args);
    } catch (e) {
      if (e && e.errors) return Promise.reject(e);
      return Promise.reject({ errors: [err('system.internal')] });
    }
  }

  // What Rust's shell/window.rs gives the page before its scripts run (docs/contracts.md §2).
  // `bootAvailability`: a snapshot older than the availability (the window was created before a
  // change), as a page loaded again in the same window gets it.
  window.__MSA_BOOT__ = Object.freeze({ kiosk: commands.kiosk_info(), availability: config.bootAvailability || config.availability });

  window.__TAURI__ = {
    core: { invoke },
    event: {
      listen(name, cb) {
        (listeners[name] = listeners[name] || []).push(cb);
        return Promise.resolve(() => { listeners[name] = (listeners[name] || []).filter((x) => x !== cb); });
      },
    },
  };
  window.__FAKE_TAURI__ = {
    calls,
    config,
    missing,
    emit,
    get session() { return session; },
    setCguVersion(v) { cguOverride = v; },
    get helpView() { return helpView; },
    /** An agent closes the call at the console: Rust's help-changed, its idle clock from full. */
    agentClosesHelp() {
      helpView = null;
      armIdle();
      emit('help-changed', { state: 'closedByAgent' });
    },
    setAvailability(availability) {
      config.availability = availability;
      if (availability.state !== 'ready') { session = null; clearIdle(); }
      emit('availability-changed', availability);
    },
  };
})();
