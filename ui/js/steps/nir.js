// Step 2: the social security number (NIR), 13 characters without the key.
// Text field, NOT numeric: Corsican numbers hold 2A / 2B. One short hint and the
// card picture with the 13 characters highlighted. The number is grouped
// 1-2-2-2-3-3 as it is typed (on-screen pad, physical keys, paste: all of them end
// in an `input` event), the caret kept after the same count of characters.
// Screen readers: the field's value is the grouped text, which speech reads as
// numbers (« quatre-vingt-quatre »); the field is also described by a hidden text
// that spells the characters one by one, refreshed silently (no live region: the
// screen reader already echoes each key), read when the field is reached again.
// Rust checks everything.
import { h, tx, t, textField, setValue } from '../dom.js';
import { regroup, significant, spelled } from '../nir-format.js';

export default {
  id: 'nir',
  number: 2,
  titleKey: 'nir.title',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const { group, input } = textField({
      id: 'nir',
      field: 'nir',
      label: 'nir.label',
      hint: 'nir.hint',
      className: 'input--nir',
      input: {
        inputmode: 'text',
        autocapitalize: 'characters',
        autocomplete: 'off',
        autocorrect: 'off',
        spellcheck: 'false',
        maxlength: '40',
        'aria-required': 'true',
        dataset: { keyboard: 'numeric-nir' },
      },
    });
    const spoken = h('span', { class: 'visually-hidden', id: 'nir-spoken' });
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} nir-spoken`.trim());
    group.appendChild(spoken);

    const speak = () => {
      const chars = significant(input.value);
      spoken.textContent = chars ? t('nir.spoken', { count: chars.length, digits: spelled(chars) }) : '';
    };
    let previous = '';
    const format = (/** @type {InputEvent|null} */ event) => {
      if (event && event.isComposing) return;
      const caret = input.selectionStart == null ? input.value.length : input.selectionStart;
      const next = regroup({ value: input.value, caret, previous, inputType: event ? event.inputType : '' });
      if (next.value !== input.value) input.value = next.value;
      // Only where the field has focus: moving the caret elsewhere would not scroll it away.
      if (document.activeElement === input) input.setSelectionRange(next.caret, next.caret);
      previous = input.value;
      speak();
    };
    input.addEventListener('input', format);
    setValue(input, ctx.values && ctx.values.nir);
    format(null);

    const figure = h('figure', { class: 'card-figure card-figure--nir' },
      h('img', {
        class: 'card-picture',
        src: 'img/carte-vitale-nir.svg',
        width: '428',
        height: '270',
        attrI18n: { alt: 'nir.picture.alt' },
      }));

    return {
      nodes: [
        // The field and the card side by side when there is room: « Suivant » stays high.
        h('div', { class: 'nir-layout' }, group, figure),
        h('div', { class: 'inset' }, tx('nir.login', undefined, 'p')),
      ],
      groupFor: (field) => (field === 'nir' ? group : null),
      targetFor: (field) => (field === 'nir' ? input : null),
      /** A wrong length says how many characters were typed (« Vous en avez tapé 11. »). */
      paramsFor: (error) => (error.code === 'nir.length' ? { count: significant(input.value).length } : undefined),
      // What counts, without the group spaces (Rust ignores them too, and checks the rest).
      collect: () => ({ nir: significant(input.value) }),
      submit: (args) => ctx.api.submitNir(args),
      retranslate: speak,
    };
  },
};
