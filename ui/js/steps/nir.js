// Step 2: the social security number (NIR), 13 characters without the key.
// Text field, NOT numeric: Corsican numbers hold 2A / 2B. The format and an
// example (not a real number) are stated before typing. Rust checks everything.
import { h, tx, textField, setValue } from '../dom.js';

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
      hint: ['nir.hint.where', 'nir.hint.format', 'nir.hint.corsica', 'nir.hint.key'],
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
    setValue(input, ctx.values && ctx.values.nir);

    return {
      nodes: [
        group,
        h('div', { class: 'inset' }, tx('nir.login', undefined, 'p')),
      ],
      groupFor: (field) => (field === 'nir' ? group : null),
      targetFor: (field) => (field === 'nir' ? input : null),
      collect: () => ({ nir: input.value }),
      submit: (args) => ctx.api.submitNir(args),
    };
  },
};
