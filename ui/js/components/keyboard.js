// Built-in on-screen keyboard (kiosk mode only: kiosk_info().onScreenKeyboard).
//
// - It appears when a field with `data-keyboard="numeric-nir|numeric|amount|azerty|email"`
//   gets focus, with the matching layout, and hides when focus leaves the fields.
// - It never covers the focused field (WCAG 2.4.11): the page reserves its height
//   at the bottom (body.osk-open + --osk-height) and scrolls the field above it.
// - Keys are real <button type="button"> with accessible names (« lettre a »,
//   « Effacer », « arobase »…), at least 56 px. A letter with a diacritic is also
//   described in words in the UI's language (« lettre ñ », described « n tilde »),
//   so a screen reader's voice never has to guess how to say ñ, ł or ș.
// - Two layouts have a second page, reached by a toggle key (aria-pressed):
//   « Autres lettres » (names from Spanish, Portuguese, Polish, Romanian… papers,
//   plus ß ø) and « Symboles » (every character the e-mail rules accept:
//   enrol-core email.rs, the HTML standard's local part).
// - A tap does not take focus from the field (pointerdown/mousedown preventDefault);
//   the character goes in at the caret and an `input` event is dispatched, as if typed.
// - Keyboard and switch users reach the keys with Tab (one key is in the Tab order,
//   roving tabindex) and move with the arrow keys; Enter/Space press a key and the
//   text still goes into the field they came from.
// - « OK » is the keyboard's Enter: it goes to the form's next field, and on the
//   last one sends the step as « Suivant » would, so nobody has to put the
//   keyboard away to find « Suivant » under it.
import { h, scroller } from '../dom.js';
import { t } from '../i18n.js';

const SELECTOR = 'input[data-keyboard]';
const MARGIN = 16;

/** @typedef {{kind: 'char'|'backspace'|'space'|'shift'|'hide'|'enter'|'page', value?: string, nameKey?: string, letter?: boolean, wide?: boolean}} KeyDef */

/** @returns {KeyDef} */ const letter = (c) => ({ kind: 'char', value: c, letter: true });
/** @returns {KeyDef} */ const digit = (c) => ({ kind: 'char', value: c });
/** @returns {KeyDef} */ const sym = (c, nameKey, wide = false) => ({ kind: 'char', value: c, nameKey, wide });
const BACKSPACE = /** @type {KeyDef} */ ({ kind: 'backspace', nameKey: 'osk.backspace', wide: true });
const SPACE = /** @type {KeyDef} */ ({ kind: 'space', nameKey: 'osk.space', wide: true });
const SHIFT = /** @type {KeyDef} */ ({ kind: 'shift', nameKey: 'osk.shift', wide: true });
const HIDE = /** @type {KeyDef} */ ({ kind: 'hide', nameKey: 'osk.hide', wide: true });
const ENTER = /** @type {KeyDef} */ ({ kind: 'enter', nameKey: 'osk.enter', wide: true });

/** The toggle between a layout's two pages; its name says what the other page holds. @returns {KeyDef} */
const page = (nameKey) => ({ kind: 'page', nameKey, wide: true });
const MORE_LETTERS = page('osk.page.letters');
const SYMBOLS = page('osk.page.symbols');

const letters = (s) => [...s].map(letter);
const digits = (s) => [...s].map(digit);

/** The e-mail rows shared by both pages: the domain keys and the controls. */
const EMAIL_BOTTOM = [SYMBOLS, sym('@', 'osk.at', true), sym('.fr', undefined, true), sym('.com', undefined, true), BACKSPACE, HIDE, ENTER];

/**
 * Each layout: `rows`, and for two layouts `pages[1]`, the rows of the second page.
 * « Autres lettres » holds the letters of the languages of MSA's seasonal workers that
 * French lacks (Spanish á í ó ú ü ñ; Portuguese ã õ; Polish ą ć ę ł ń ś ź ż; Romanian ă ș
 * ț with the comma below; German ä ö ß; Danish/Norwegian å ø; Czech/Slovak/Croatian č š ž),
 * in alphabetical order of the base letter. Bulgarian names are written on French papers in
 * Latin transliteration (plain letters). The French row of the first page has é è ê ë à â ç
 * ù û ô î ï œ æ.
 * @type {Record<string, {pad: boolean, rows: KeyDef[][], pages?: KeyDef[][][]}>}
 */
export const LAYOUTS = {
  'numeric-nir': { pad: true, rows: [digits('123'), digits('456'), digits('789'), [letter('A'), digit('0'), letter('B')], [BACKSPACE], [HIDE, ENTER]] },
  numeric: { pad: true, rows: [digits('123'), digits('456'), digits('789'), [digit('0'), BACKSPACE], [HIDE, ENTER]] },
  amount: { pad: true, rows: [digits('123'), digits('456'), digits('789'), [sym(',', 'osk.comma'), digit('0'), BACKSPACE], [HIDE, ENTER]] },
  azerty: {
    pad: false,
    rows: [
      digits('1234567890'),
      letters('azertyuiop'),
      letters('qsdfghjklm'),
      [SHIFT, ...letters('wxcvbn'), sym("'", 'osk.apostrophe'), sym('-', 'osk.hyphen')],
      letters('éèêëàâçùûôîïœæ'),
      [MORE_LETTERS, SPACE, BACKSPACE, HIDE, ENTER],
    ],
  },
  email: {
    pad: false,
    rows: [
      digits('1234567890'),
      letters('azertyuiop'),
      letters('qsdfghjklm'),
      // « Majuscule »: the part before the @ is kept as typed (RFC 5321 §2.4 lets a mail system
      // tell its capitals apart; docs/contracts.md), so a capital on the person's paper can be typed.
      [SHIFT, ...letters('wxcvbn'), sym('.', 'osk.dot'), sym('-', 'osk.hyphen'), sym('_', 'osk.underscore'), sym('+', 'osk.plus'), sym("'", 'osk.apostrophe')],
      // « .fr » and « .com » are named by what they show (WCAG 2.5.3: a speech user says what they see).
      EMAIL_BOTTOM,
    ],
  },
};
LAYOUTS.azerty.pages = [LAYOUTS.azerty.rows, [
  letters('áãąăäåćčę'),
  letters('íłñńóõöøś'),
  letters('șšßțúüźżž'),
  [SHIFT, sym("'", 'osk.apostrophe'), sym('-', 'osk.hyphen')],
  [MORE_LETTERS, SPACE, BACKSPACE, HIDE, ENTER],
]];
// The local part's other characters (``!#$%&'*+/=?^_`{|}~``); letters, digits, « . » and « - »
// (all a domain may hold) are on the first page. tests/ui/keyboard-pages.test.mjs checks the
// two pages against the characters enrol-core's Email::parse accepts.
LAYOUTS.email.pages = [LAYOUTS.email.rows, [
  digits('1234567890'),
  [sym('!', 'osk.exclamation'), sym('#', 'osk.hash'), sym('$', 'osk.dollar'), sym('%', 'osk.percent'), sym('&', 'osk.ampersand'), sym("'", 'osk.apostrophe'), sym('*', 'osk.asterisk'), sym('+', 'osk.plus'), sym('/', 'osk.slash'), sym('=', 'osk.equals')],
  [sym('?', 'osk.question'), sym('^', 'osk.caret'), sym('_', 'osk.underscore'), sym('`', 'osk.backtick'), sym('{', 'osk.braceOpen'), sym('|', 'osk.pipe'), sym('}', 'osk.braceClose'), sym('~', 'osk.tilde'), sym('-', 'osk.hyphen'), sym('.', 'osk.dot')],
  EMAIL_BOTTOM,
]];

/** Combining marks (NFD) and the i18n key of their name. */
const MARKS = {
  '\u0300': 'grave', '\u0301': 'acute', '\u0302': 'circumflex', '\u0303': 'tilde', '\u0306': 'breve',
  '\u0307': 'dotAbove', '\u0308': 'diaeresis', '\u030A': 'ring', '\u030C': 'caron', '\u0326': 'commaBelow',
  '\u0327': 'cedilla', '\u0328': 'ogonek',
};
/** Letters Unicode does not decompose: [i18n key, its parameters]. */
const UNDECOMPOSED = {
  ł: ['osk.stroke', { letter: 'l' }], ø: ['osk.stroke', { letter: 'o' }], ß: ['osk.sharpS', {}],
  æ: ['osk.ligature', { first: 'a', second: 'e' }], œ: ['osk.ligature', { first: 'o', second: 'e' }],
};

/**
 * A letter with a diacritic said in words in the UI's language (« n tilde », « l barré »,
 * « e dans l'o »); '' for a plain letter.
 * @param {string} ch one letter as shown (either case)
 */
export function spelledLetter(ch) {
  const lower = ch.toLocaleLowerCase();
  const upper = ch !== lower;
  const special = UNDECOMPOSED[lower];
  if (special) {
    const [key, params] = special;
    const cased = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, upper ? v.toUpperCase() : v]));
    return t(key, cased);
  }
  const [base, ...marks] = [...ch.normalize('NFD')];
  if (!marks.length || !marks.every((m) => MARKS[m])) return '';
  return t('osk.marked', { letter: base, mark: marks.map((m) => t(`osk.mark.${MARKS[m]}`)).join(' ') });
}

export class OnScreenKeyboard {
  /**
   * @param {HTMLElement} container the #osk element
   * @param {{send?: () => void}} [o] `send`: sends the shown step (`Wizard.send`), for « OK »
   */
  constructor(container, { send } = {}) {
    this.container = container;
    this.send = send || (() => {});
    this.enabled = false;
    /** @type {HTMLInputElement|null} */
    this.field = null;
    this.layout = '';
    this.page = 0;
    this.shift = false;
    this.dismissedFor = null;
    this.pointerDown = false;
    this.hideAfterRelease = false;
    this.container.hidden = true;

    // A tap on a key must not move focus away from the field.
    const keep = (event) => { if (event.target.closest('.osk__key')) event.preventDefault(); };
    container.addEventListener('pointerdown', keep);
    container.addEventListener('mousedown', keep);
    container.addEventListener('click', (event) => {
      const key = event.target.closest('.osk__key');
      if (key) this.press(key);
    });
    container.addEventListener('keydown', (event) => this.onKeydown(event));

    document.addEventListener('focusin', (event) => this.onFocusIn(event));
    document.addEventListener('focusout', () => setTimeout(() => this.onFocusOut(), 0));
    // While a finger or the mouse is down, hiding would move the page under it
    // (the reserved space goes away) and the tap could land elsewhere: wait for the
    // click to be done first.
    document.addEventListener('pointerdown', () => { this.pointerDown = true; }, true);
    const release = () => {
      this.pointerDown = false;
      if (this.hideAfterRelease) {
        this.hideAfterRelease = false;
        setTimeout(() => this.onFocusOut(), 0);
      }
    };
    document.addEventListener('pointerup', release, true);
    document.addEventListener('pointercancel', release, true);
    document.addEventListener('pointerdown', (event) => {
      // Tapping the field again brings back a keyboard that was hidden.
      const field = event.target.closest && event.target.closest(SELECTOR);
      if (this.enabled && field && this.container.hidden) {
        this.dismissedFor = null;
        this.open(field);
      }
    });
    window.addEventListener('resize', () => { if (!this.container.hidden) this.reserveSpace(); });
  }

  /** @param {boolean} on */
  setEnabled(on) {
    this.enabled = Boolean(on);
    if (!this.enabled) this.hide();
  }

  /** @param {FocusEvent} event */
  onFocusIn(event) {
    if (!this.enabled) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.matches && target.matches(SELECTOR)) {
      if (this.dismissedFor === target) return;
      this.dismissedFor = null;
      this.open(/** @type {HTMLInputElement} */ (target));
    }
  }

  onFocusOut() {
    if (this.container.hidden) return;
    const active = document.activeElement;
    if (active && (this.container.contains(active) || (active.matches && active.matches(SELECTOR)))) return;
    if (this.pointerDown) { this.hideAfterRelease = true; return; }
    this.hide();
  }

  /** @param {HTMLInputElement} field */
  open(field) {
    this.field = field;
    // In the DOM right after its field (it is drawn fixed at the bottom): Tab goes
    // field → keys → next field, so keyboard and switch users reach the keys.
    if (field.nextElementSibling !== this.container) field.after(this.container);
    const layout = LAYOUTS[field.dataset.keyboard] ? field.dataset.keyboard : 'azerty';
    if (layout !== this.layout || this.container.hidden) {
      this.layout = layout;
      this.page = 0;
      this.shift = false;
      this.render();
    }
    if (this.container.hidden) {
      this.container.hidden = false;
      document.body.classList.add('osk-open');
    }
    this.reserveSpace();
    this.ensureVisible(field);
  }

  hide() {
    if (this.container.hidden) return;
    this.container.hidden = true;
    document.body.classList.remove('osk-open');
    document.documentElement.style.removeProperty('--osk-height');
  }

  /** Back under <body>, hidden: the step's DOM is about to be replaced. */
  park() {
    this.hide();
    if (this.container.parentElement !== document.body) document.body.appendChild(this.container);
  }

  /** The wipe: no keyboard, no reference to a field of the previous person. */
  reset() {
    this.park();
    this.field = null;
    this.dismissedFor = null;
    this.layout = '';
    this.page = 0;
    this.container.replaceChildren();
  }

  reserveSpace() {
    const height = this.container.getBoundingClientRect().height;
    document.documentElement.style.setProperty('--osk-height', `${Math.ceil(height)}px`);
  }

  /**
   * Scrolls the main area so that the field (and its label) sits above the keyboard and
   * below the header. @param {HTMLElement} field
   */
  ensureVisible(field) {
    const area = scroller();
    const keyboardTop = this.container.getBoundingClientRect().top;
    const areaTop = area.getBoundingClientRect().top;
    const rect = field.getBoundingClientRect();
    const label = field.id ? document.querySelector(`label[for="${CSS.escape(field.id)}"]`) : null;
    const top = label ? Math.min(label.getBoundingClientRect().top, rect.top) : rect.top;
    const lowest = keyboardTop - MARGIN;
    const highest = areaTop + MARGIN;
    if (rect.bottom > lowest) {
      area.scrollBy(0, rect.bottom - lowest);
    } else if (top < highest) {
      // The label too when there is room (at 200 % there may not be): never at the cost of
      // pushing the field itself under the keyboard.
      area.scrollBy(0, Math.max(top - highest, rect.bottom - lowest));
    }
  }

  /** The rows of the page shown. */
  rows() {
    const def = LAYOUTS[this.layout];
    return (def.pages && def.pages[this.page]) || def.rows;
  }

  render() {
    const def = LAYOUTS[this.layout];
    let first = true;
    /** @type {HTMLElement[]} */
    const descriptions = [];
    const rows = this.rows().map((row) => h('div', { class: 'osk__row' }, row.map((key) => {
      const button = this.keyButton(key, descriptions);
      button.tabIndex = first ? 0 : -1;
      first = false;
      return button;
    })));
    this.container.classList.toggle('osk--pad', def.pad);
    this.container.setAttribute('aria-label', t('osk.label'));
    this.container.dataset.page = String(this.page);
    // Descriptions are read through aria-describedby; hidden, they take no room.
    this.container.replaceChildren(h('div', { class: 'osk__inner' }, rows), h('div', { hidden: true }, descriptions));
  }

  /**
   * A letter key's name (« lettre ñ ») and, for a letter with a diacritic, its description
   * (« n tilde »), written into `descriptions`.
   * @param {HTMLButtonElement} button @param {string} shown @param {HTMLElement[]} [descriptions]
   */
  nameLetter(button, shown, descriptions) {
    button.setAttribute('aria-label', t('osk.letter', { letter: shown }));
    const spelled = spelledLetter(shown);
    const id = `osk-say-${button.dataset.value.codePointAt(0).toString(16)}`;
    if (!spelled) {
      button.removeAttribute('aria-describedby');
      return;
    }
    button.setAttribute('aria-describedby', id);
    const existing = descriptions ? null : this.container.querySelector(`#${id}`);
    if (existing) existing.textContent = spelled;
    else if (descriptions) descriptions.push(h('span', { id, text: spelled }));
  }

  /** @param {KeyDef} key @param {HTMLElement[]} descriptions */
  keyButton(key, descriptions) {
    const shown = key.kind === 'char' ? this.charFor(key) : '';
    const button = h('button', {
      type: 'button',
      class: ['osk__key', key.wide && 'osk__key--wide', key.kind !== 'char' && `osk__key--${key.kind}`],
      dataset: { kind: key.kind, value: key.value || '', letter: key.letter ? 'true' : null },
    });
    if (key.kind === 'char') {
      button.textContent = shown;
      if (key.letter) this.nameLetter(button, shown, descriptions);
      else if (key.nameKey) button.setAttribute('aria-label', t(key.nameKey));
    } else {
      button.append(h('span', { class: `osk__icon osk__icon--${key.kind}`, 'aria-hidden': 'true' }), h('span', { class: 'osk__text', text: t(key.nameKey) }));
      if (key.kind === 'shift') button.setAttribute('aria-pressed', String(this.shift));
      // One key, the same name on both pages; its state says which page is shown.
      if (key.kind === 'page') button.setAttribute('aria-pressed', String(this.page === 1));
    }
    return button;
  }

  /** @param {KeyDef} key */
  charFor(key) {
    if (!key.letter) return key.value;
    if (this.layout === 'numeric-nir') return key.value.toUpperCase();
    if (!this.shift) return key.value;
    // ß has no one-letter capital in common use (« SS » is two): the key stays ß.
    const upper = key.value.toLocaleUpperCase('fr');
    return [...upper].length === 1 ? upper : key.value;
  }

  /** Shows the layout's other page; a key user stays on the page key. */
  turnPage() {
    const hadFocus = this.container.contains(document.activeElement);
    this.page = this.page === 1 ? 0 : 1;
    this.render();
    if (hadFocus) {
      const key = /** @type {HTMLButtonElement|null} */ (this.container.querySelector('.osk__key--page'));
      if (key) {
        for (const k of this.container.querySelectorAll('.osk__key')) k.tabIndex = -1;
        key.tabIndex = 0;
        key.focus();
      }
    }
    this.reserveSpace();
    if (this.field && this.field.isConnected) this.ensureVisible(this.field);
  }

  /** @param {HTMLButtonElement} button */
  press(button) {
    const field = this.field;
    const kind = button.dataset.kind;
    if (kind === 'hide') {
      this.dismiss(field);
      return;
    }
    if (kind === 'enter') {
      this.enter(field);
      return;
    }
    if (kind === 'shift') {
      this.shift = !this.shift;
      this.refreshLabels();
      return;
    }
    if (kind === 'page') {
      this.turnPage();
      return;
    }
    if (!field || !field.isConnected) return;
    if (kind === 'backspace') this.erase(field);
    else if (kind === 'space') this.insert(field, ' ');
    else {
      const text = button.textContent || '';
      this.insert(field, text);
      if (button.dataset.letter && this.shift) {
        this.shift = false;
        this.refreshLabels();
      }
    }
  }

  /** Puts the keyboard away for `field`; a key that had focus hands it back to the field. @param {HTMLInputElement|null} field */
  dismiss(field) {
    this.dismissedFor = field;
    const hadFocus = this.container.contains(document.activeElement);
    this.hide();
    if (hadFocus && field && field.isConnected) field.focus();
  }

  /**
   * « OK »: the next field of the form, or the step sent from the last one (what
   * Enter does in a field). A field marked `data-keyboard-enter="hide"` (the
   * département search, where Enter must not send) just puts the keyboard away.
   * @param {HTMLInputElement|null} field
   */
  enter(field) {
    if (!field || !field.isConnected) return;
    // The step's fields (wizard.js: a <div data-step-form>, not a <form>).
    const form = field.closest('[data-step-form]');
    if (field.dataset.keyboardEnter === 'hide' || !form) {
      this.dismiss(field);
      return;
    }
    const fields = [...form.querySelectorAll(SELECTOR)]
      .filter((f) => f === field || (!f.disabled && f.getClientRects().length > 0));
    const following = fields[fields.indexOf(field) + 1];
    if (following) {
      following.focus();
      return;
    }
    this.send();
  }

  /** Letters follow the Shift state; their names too. */
  refreshLabels() {
    for (const button of this.container.querySelectorAll('.osk__key[data-letter]')) {
      const shown = this.charFor({ kind: 'char', value: button.dataset.value, letter: true });
      button.textContent = shown;
      this.nameLetter(/** @type {HTMLButtonElement} */ (button), shown);
    }
    const shift = this.container.querySelector('.osk__key--shift');
    if (shift) shift.setAttribute('aria-pressed', String(this.shift));
  }

  /** @param {HTMLInputElement} field */
  selection(field) {
    let start = null;
    let end = null;
    try { start = field.selectionStart; end = field.selectionEnd; } catch { /* type=email has no selection API */ }
    if (start == null || end == null) { start = field.value.length; end = start; }
    return { start, end, api: field.selectionStart != null };
  }

  /** @param {HTMLInputElement} field @param {string} text */
  insert(field, text) {
    const { start, end, api } = this.selection(field);
    const max = field.maxLength > 0 ? field.maxLength : Infinity;
    if (field.value.length - (end - start) + text.length > max) return;
    if (api) field.setRangeText(text, start, end, 'end');
    else field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
  }

  /** @param {HTMLInputElement} field */
  erase(field) {
    const { start, end, api } = this.selection(field);
    if (start === end && start === 0) return;
    const from = start === end ? start - 1 : start;
    if (api) field.setRangeText('', from, end, 'end');
    else field.value = field.value.slice(0, from) + field.value.slice(end);
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
  }

  /** Arrow keys move between keys (roving tabindex); Escape goes back to the field. @param {KeyboardEvent} event */
  onKeydown(event) {
    const key = event.target.closest && event.target.closest('.osk__key');
    if (!key) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      if (this.field && this.field.isConnected) this.field.focus();
      return;
    }
    const rows = [...this.container.querySelectorAll('.osk__row')].map((row) => [...row.querySelectorAll('.osk__key')]);
    const r = rows.findIndex((row) => row.includes(key));
    const c = rows[r].indexOf(key);
    let next = null;
    if (event.key === 'ArrowRight') next = rows[r][c + 1] || rows[(r + 1) % rows.length][0];
    else if (event.key === 'ArrowLeft') next = rows[r][c - 1] || rows[(r - 1 + rows.length) % rows.length].slice(-1)[0];
    else if (event.key === 'ArrowDown') { const row = rows[(r + 1) % rows.length]; next = row[Math.min(c, row.length - 1)]; }
    else if (event.key === 'ArrowUp') { const row = rows[(r - 1 + rows.length) % rows.length]; next = row[Math.min(c, row.length - 1)]; }
    else if (event.key === 'Home') next = rows[r][0];
    else if (event.key === 'End') next = rows[r][rows[r].length - 1];
    if (next) {
      event.preventDefault();
      for (const k of this.container.querySelectorAll('.osk__key')) k.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  }

  /** Names follow the language. */
  retranslate() {
    if (this.layout) {
      const focusedIndex = [...this.container.querySelectorAll('.osk__key')].indexOf(document.activeElement);
      this.render();
      if (focusedIndex >= 0) this.container.querySelectorAll('.osk__key')[focusedIndex]?.focus();
    }
  }
}
