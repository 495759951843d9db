// The NIR grouped 1-2-2-2-3-3 (+ the 2-character key) while it is typed (SPEC §2
// step 2: « 1 84 12 76 451 089 »). Pure functions, no DOM: tests/ui tests them in
// Node. Rust stays the judge of the number; this only changes how it is shown.

/** Group sizes of the 13 characters, then the key (SPEC §2; Nir::grouped in enrol-core). */
const GROUPS = [1, 2, 2, 2, 3, 3, 2];

/** Spaces and dots are not part of the number (enrol-core `compact()` ignores them too). */
const IGNORED = /[\s.]/;

/** The characters that count, upper case: « 1 84 2a. » → « 1842A ». @param {string} text */
export function significant(text) {
  let out = '';
  for (const c of String(text)) if (!IGNORED.test(c)) out += c.toUpperCase();
  return out;
}

/**
 * « 1841276451089 » → « 1 84 12 76 451 089 »; beyond 15 characters the rest follows
 * the key unspaced (Rust says it is too long). @param {string} chars significant characters
 */
export function group(chars) {
  const parts = [];
  let at = 0;
  for (const size of GROUPS) {
    if (at >= chars.length) break;
    parts.push(chars.slice(at, at + size));
    at += size;
  }
  if (at < chars.length) parts[parts.length - 1] += chars.slice(at);
  return parts.join(' ');
}

/** How many significant characters stand before `caret` in `text`. */
export function countBefore(text, caret) {
  return significant(String(text).slice(0, caret)).length;
}

/** The caret position in grouped `text` that follows `count` significant characters. */
export function caretAfter(text, count) {
  if (count <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (!IGNORED.test(text[i])) seen += 1;
    if (seen === count) return i + 1;
  }
  return text.length;
}

/**
 * The field after an edit: grouped value and where the caret goes. `previous` is the
 * value before the edit: a Backspace (Delete) that only removed a group space would be
 * undone by the regrouping, so it removes the character before (after) it instead.
 * @param {{value: string, caret: number, previous?: string, inputType?: string}} edit
 * @returns {{value: string, caret: number}}
 */
export function regroup({ value, caret, previous = '', inputType = '' }) {
  let chars = significant(value);
  let count = countBefore(value, caret);
  if (previous && chars === significant(previous) && value.length < previous.length) {
    if (inputType === 'deleteContentBackward' && count > 0) {
      chars = chars.slice(0, count - 1) + chars.slice(count);
      count -= 1;
    } else if (inputType === 'deleteContentForward' && count < chars.length) {
      chars = chars.slice(0, count) + chars.slice(count + 1);
    }
  }
  const grouped = group(chars);
  return { value: grouped, caret: caretAfter(grouped, count) };
}

/** The characters one by one, for a screen reader: « 2 A » rather than « 2A ». @param {string} text */
export function spelled(text) {
  return [...significant(text)].join(' ');
}
