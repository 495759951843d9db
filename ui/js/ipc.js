// The only module that touches window.__TAURI__ (docs/contracts.md §2).
//
// Every Rust refusal is `{errors: [{code, field, key}]}`; it becomes an IpcError
// whose `.errors` the wizard shows. Anything else (Tauri missing, a panic, a
// string) becomes `system.internal` / `system.unavailable`: the UI never shows a
// raw message and never matches error strings.

export class IpcError extends Error {
  name = 'IpcError';

  /** @param {Array<{code: string, field: string|null, key: string}>} errors */
  constructor(errors) {
    super(errors.map((e) => e.code).join(', '));
    this.errors = errors;
  }

  /** @param {string} code */
  has(code) {
    return this.errors.some((e) => e.code === code);
  }
}

/** @param {string} code */
function systemError(code) {
  return new IpcError([{ code, field: null, key: `error.${code}` }]);
}

/** @param {unknown} raw */
function normalise(raw) {
  let value = raw;
  if (typeof value === 'string') {
    try { value = JSON.parse(value); } catch { return systemError('system.internal'); }
  }
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? value.errors : null;
  if (!Array.isArray(list) || list.length === 0) return systemError('system.internal');
  const errors = list
    .filter((e) => e && typeof e.code === 'string')
    .map((e) => ({ code: e.code, field: e.field ?? null, key: e.key || `error.${e.code}` }));
  return errors.length ? new IpcError(errors) : systemError('system.internal');
}

function tauri() {
  const api = typeof window !== 'undefined' ? window.__TAURI__ : undefined;
  return api && api.core && typeof api.core.invoke === 'function' ? api : null;
}

/**
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 */
export async function invoke(command, args) {
  const api = tauri();
  if (!api) throw systemError('system.unavailable');
  try {
    return await api.core.invoke(command, args);
  } catch (raw) {
    throw normalise(raw);
  }
}

/**
 * Listens to a Rust event; the callback gets the payload. Returns an unlisten function.
 * @param {string} name
 * @param {(payload: any) => void} callback
 */
export async function listen(name, callback) {
  const api = tauri();
  if (!api || !api.event || typeof api.event.listen !== 'function') return () => {};
  return api.event.listen(name, (event) => callback(event ? event.payload : undefined));
}

/** The commands of docs/contracts.md §2, one function each. */
export const api = {
  kioskInfo: () => invoke('kiosk_info'),
  /** `{state: 'ready'}` or `{state: 'unavailable', reason}`; changes come as `availability-changed`. */
  kioskAvailability: () => invoke('kiosk_availability'),
  startSession: () => invoke('start_session'),
  cancelSession: () => invoke('cancel_session'),
  /** @param {{nir: string}} args */
  submitNir: (args) => invoke('submit_nir', args),
  /** @param {{lastName: string, firstName: string, birthDay: string, birthMonth: string, birthYear: string, email: string, phone: string, keepEmailAsTyped: boolean}} args */
  submitIdentity: (args) => invoke('submit_identity', args),
  /** @param {{kind: string, value?: string, day?: string, month?: string, year?: string}} args */
  submitVerification: (args) => invoke('submit_verification', args),
  listDepartments: () => invoke('list_departments'),
  /** @param {{code: string}} args */
  submitDepartment: (args) => invoke('submit_department', args),
  /** @param {string} step */
  openStep: (step) => invoke('open_step', { step }),
  /** The terms come back in the screen's language; the version accepted is that text's. */
  reviewSummary: () => invoke('review_summary', { lang: document.documentElement.lang || 'fr' }),
  /** @param {{acceptTerms: boolean, cguVersion: string}} args */
  submitEnrolment: (args) => invoke('submit_enrolment', args),
  reportActivity: () => invoke('report_activity'),
  /** Step 7: prints the confirmed enrolment's receipt, in the screen's language. */
  printReceipt: () => invoke('print_receipt', { lang: document.documentElement.lang || 'fr' }),
  /** « Besoin d'aide ? »: `{state: 'calling'|'open'|'unreached', hook?}`; changes come as `help-changed`. */
  helpRequest: () => invoke('help_request'),
  /** « Je n'ai plus besoin d'aide »: the call ends, the idle clock starts again. */
  helpClose: () => invoke('help_close'),
  helpState: () => invoke('help_state'),
};
