// Modal dialogs: native <dialog>.showModal() (focus trap, inert page, Escape →
// `cancel`), with a small fallback for engines without it: aria-modal, the rest
// of the page made inert, Tab kept inside. Focus goes back where it was on close.

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
const state = new WeakMap();

function nativeSupported(dialog) {
  return typeof dialog.showModal === 'function';
}

function trap(event) {
  if (event.key !== 'Tab') return;
  const dialog = event.currentTarget;
  const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
  else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
}

/**
 * @param {HTMLDialogElement} dialog
 * @param {{initialFocus?: HTMLElement|null, onCancel?: () => void}} [options]
 *   onCancel runs on Escape instead of a bare close.
 */
export function openModal(dialog, options = {}) {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const selection = previous ? saveSelection(previous) : null;
  const onCancel = (event) => {
    event.preventDefault();
    if (options.onCancel) options.onCancel();
    else closeModal(dialog);
  };
  const current = state.get(dialog);
  if (current) dialog.removeEventListener('cancel', current.onCancel);
  state.set(dialog, current ? { ...current, onCancel } : { previous, selection, onCancel });
  dialog.addEventListener('cancel', onCancel);

  if (!isOpen(dialog)) {
    if (nativeSupported(dialog)) {
      dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.classList.add('modal--fallback');
      for (const el of document.body.children) {
        if (el !== dialog && !el.hasAttribute('inert')) { el.setAttribute('inert', ''); el.dataset.modalInert = 'true'; }
      }
      dialog.addEventListener('keydown', trap);
      dialog.addEventListener('keydown', fallbackEscape);
    }
  }
  const target = options.initialFocus || dialog.querySelector('[autofocus]') || dialog.querySelector(FOCUSABLE);
  if (target) target.focus();
}

function fallbackEscape(event) {
  if (event.key === 'Escape') event.currentTarget.dispatchEvent(new Event('cancel', { cancelable: true }));
}

/** @param {HTMLDialogElement} dialog */
export function isOpen(dialog) {
  return dialog.hasAttribute('open');
}

/**
 * @param {HTMLDialogElement} dialog
 * @param {{restoreFocus?: boolean}} [options]
 */
export function closeModal(dialog, { restoreFocus = true } = {}) {
  const saved = state.get(dialog);
  if (saved) dialog.removeEventListener('cancel', saved.onCancel);
  state.delete(dialog);
  if (isOpen(dialog)) {
    if (nativeSupported(dialog)) {
      dialog.close();
    } else {
      dialog.removeAttribute('open');
      dialog.removeEventListener('keydown', trap);
      dialog.removeEventListener('keydown', fallbackEscape);
      for (const el of document.querySelectorAll('[data-modal-inert]')) { el.removeAttribute('inert'); delete el.dataset.modalInert; }
    }
  }
  if (restoreFocus && saved && saved.previous && saved.previous.isConnected) {
    saved.previous.focus({ preventScroll: true });
    if (saved.selection) restoreSelection(saved.previous, saved.selection);
  }
}

/** The caret of a text field, so that « Continuer » gives back the exact state. */
function saveSelection(el) {
  try {
    if (typeof el.selectionStart === 'number') return { start: el.selectionStart, end: el.selectionEnd, direction: el.selectionDirection };
  } catch { /* no selection API (type=email…) */ }
  return null;
}

function restoreSelection(el, s) {
  try { el.setSelectionRange(s.start, s.end, s.direction || 'none'); } catch { /* ignore */ }
}

/** Closes every open dialog (used by the wipe). */
export function closeAll() {
  for (const dialog of document.querySelectorAll('dialog')) closeModal(dialog, { restoreFocus: false });
}
