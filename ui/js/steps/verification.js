// Step 4: ONE verification item, chosen in a radio group (fieldset + legend);
// only the chosen item's field is shown (GOV.UK conditional reveal). The card
// pictures show where the serial number is printed. « Je n'ai aucune de ces
// informations » is a normal answer: the password then comes by post.
import { h, tx, textField, dateField, setValue } from '../dom.js';

const KINDS = ['vitalePhoto', 'vitaleNoPhoto', 'childBirthDate', 'paymentAmount'];

export default {
  id: 'verification',
  number: 4,
  titleKey: 'verification.title',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const v = ctx.values || {};

    const vitale = (kind, picture) => {
      const field = textField({
        id: `vitaleSerial-${kind}`,
        field: 'vitaleSerial',
        label: `verification.${kind}.label`,
        hint: `verification.${kind}.hint`,
        className: 'input--serial',
        input: {
          inputmode: 'numeric',
          autocomplete: 'off',
          spellcheck: 'false',
          maxlength: '40',
          'aria-required': 'true',
          dataset: { keyboard: 'numeric' },
        },
      });
      const img = h('img', {
        class: 'card-picture',
        src: picture,
        width: '428',
        height: '270',
        attrI18n: { alt: `verification.${kind}.alt` },
      });
      return { ...field, content: [h('figure', { class: 'card-figure' }, img), field.group] };
    };

    const photo = vitale('vitalePhoto', 'img/carte-vitale-photo.svg');
    const noPhoto = vitale('vitaleNoPhoto', 'img/carte-vitale-sans-photo.svg');
    const child = dateField({ id: 'childBirthDate', field: 'childBirthDate', legend: 'verification.child.legend', hint: 'verification.child.hint', legendClass: 'legend--small' });
    const amount = textField({
      id: 'paymentAmount',
      field: 'paymentAmount',
      label: 'verification.amount.label',
      hint: 'verification.amount.hint',
      suffix: 'verification.amount.unit',
      className: 'input--amount',
      input: {
        inputmode: 'decimal',
        autocomplete: 'off',
        spellcheck: 'false',
        maxlength: '30',
        'aria-required': 'true',
        dataset: { keyboard: 'amount' },
      },
    });

    const reveals = {
      vitalePhoto: photo.content,
      vitaleNoPhoto: noPhoto.content,
      childBirthDate: [child.group],
      paymentAmount: [amount.group],
      none: [tx('verification.none.text', undefined, 'p'), tx('verification.none.text2', undefined, 'p', { class: 'strong' })],
    };

    /** @type {Record<string, HTMLInputElement>} */
    const radios = {};
    /** @type {Record<string, HTMLElement>} */
    const panels = {};
    const choice = (kind) => {
      const id = `verificationKind-${kind}`;
      radios[kind] = h('input', {
        class: 'choice__input',
        type: 'radio',
        id,
        name: 'verificationKind',
        value: kind,
        onChange: update,
      });
      panels[kind] = h('div', { class: 'conditional', id: `${id}-conditional`, hidden: true }, reveals[kind]);
      return [
        h('div', { class: 'choice choice--large' }, radios[kind], tx(`verification.kind.${kind}`, undefined, 'label', { class: 'choice__label', for: id })),
        panels[kind],
      ];
    };

    function update() {
      for (const kind of Object.keys(panels)) panels[kind].hidden = !radios[kind].checked;
    }

    const legendHint = tx('verification.hint', undefined, 'p', { class: 'hint', id: 'verificationKind-hint' });
    const fieldset = h('fieldset', { class: 'fieldset', 'aria-describedby': 'verificationKind-hint' },
      tx('verification.legend', undefined, 'legend', { class: 'legend' }),
      legendHint,
      h('div', { class: 'choices' },
        KINDS.map(choice),
        tx('verification.or', undefined, 'p', { class: 'choices__divider' }),
        choice('none')));
    const group = h('div', { class: 'form-group', id: 'verificationKind-group', dataset: { field: 'verificationKind' } }, fieldset);

    // Prefill (back link, « Modifier »).
    const kind = v.kind && radios[v.kind] ? v.kind : null;
    if (kind) {
      radios[kind].checked = true;
      if (kind === 'vitalePhoto') setValue(photo.input, v.value);
      if (kind === 'vitaleNoPhoto') setValue(noPhoto.input, v.value);
      if (kind === 'paymentAmount') setValue(amount.input, v.value);
      if (kind === 'childBirthDate') { setValue(child.day, v.day); setValue(child.month, v.month); setValue(child.year, v.year); }
    }
    update();

    const checked = () => Object.keys(radios).find((k) => radios[k].checked) || '';

    const groupFor = (field) => {
      const k = checked();
      if (field === 'verificationKind') return group;
      if (field === 'vitaleSerial') return k === 'vitaleNoPhoto' ? noPhoto.group : photo.group;
      if (field === 'childBirthDate') return child.group;
      if (field === 'paymentAmount') return amount.group;
      return null;
    };
    const targetFor = (field) => {
      const k = checked();
      if (field === 'verificationKind') return radios.vitalePhoto;
      if (field === 'vitaleSerial') return k === 'vitaleNoPhoto' ? noPhoto.input : photo.input;
      if (field === 'childBirthDate') return child.day;
      if (field === 'paymentAmount') return amount.input;
      return null;
    };

    return {
      nodes: [tx('verification.intro', undefined, 'p', { class: 'lead' }), group],
      groupFor,
      targetFor,
      collect() {
        const k = checked();
        if (k === 'vitalePhoto') return { kind: k, value: photo.input.value };
        if (k === 'vitaleNoPhoto') return { kind: k, value: noPhoto.input.value };
        if (k === 'paymentAmount') return { kind: k, value: amount.input.value };
        if (k === 'childBirthDate') return { kind: k, day: child.day.value, month: child.month.value, year: child.year.value };
        return { kind: k };
      },
      submit: (args) => ctx.api.submitVerification(args),
    };
  },
};
