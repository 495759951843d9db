// Kiosk lock-down in the page (defence in depth: the Rust shell blocks these too).
// No context menu, no drag and drop, no reload / print / find / zoom shortcuts,
// no Ctrl+wheel or pinch zoom, no new windows. Text size is changed with the
// « Affichage » settings instead of browser zoom.

const BLOCKED_CTRL_KEYS = new Set(['r', 'p', 'f', 'g', 's', 'o', 'u', 'n', 't', 'w', 'j', 'h', '+', '-', '=', '_', '0']);
const BLOCKED_CTRL_CODES = new Set(['NumpadAdd', 'NumpadSubtract', 'Numpad0', 'Equal', 'Minus', 'Digit0']);
const BLOCKED_KEYS = new Set(['F1', 'F3', 'F5', 'F6', 'F7', 'F11', 'F12', 'BrowserRefresh', 'BrowserBack', 'BrowserForward', 'BrowserSearch', 'ZoomIn', 'ZoomOut']);

/** @param {KeyboardEvent} event */
export function isBlockedKey(event) {
  if (BLOCKED_KEYS.has(event.key)) return true;
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl) {
    if (event.shiftKey && ['i', 'j', 'c'].includes(event.key.toLowerCase())) return true; // dev tools
    if (BLOCKED_CTRL_KEYS.has(event.key.toLowerCase()) || BLOCKED_CTRL_CODES.has(event.code)) return true;
  }
  if (event.altKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'Home')) return true;
  return false;
}

export function lockDown() {
  const prevent = (event) => event.preventDefault();
  document.addEventListener('contextmenu', prevent);
  document.addEventListener('dragstart', prevent);
  document.addEventListener('dragover', prevent);
  document.addEventListener('drop', prevent);
  document.addEventListener('keydown', (event) => { if (isBlockedKey(event)) event.preventDefault(); }, true);
  document.addEventListener('wheel', (event) => { if (event.ctrlKey) event.preventDefault(); }, { passive: false });
  for (const type of ['gesturestart', 'gesturechange', 'gestureend']) document.addEventListener(type, prevent, { passive: false });
  document.addEventListener('touchmove', (event) => { if (event.touches && event.touches.length > 1) event.preventDefault(); }, { passive: false });
  // No new windows.
  try {
    Object.defineProperty(window, 'open', { value: () => null, writable: false, configurable: false });
  } catch {
    window.open = () => null;
  }
  // Links never leave the app.
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href]');
    if (link && !link.getAttribute('href').startsWith('#')) event.preventDefault();
  }, true);
}
