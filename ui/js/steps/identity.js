// Step 3: nom, prénom, date de naissance (3 fields), e-mail, portable (facultatif).
// « Je n'ai pas d'adresse e-mail » is a choice of its own (SPEC §2 step 3), not an empty
// field: ticked, the e-mail field goes away and the screen says the password comes by post.
// When Rust answers `emailSuggestion`, a gentle « Vouliez-vous dire … ? » offers
// « Oui, corriger » (fills the field) or « Non, mon adresse est correcte »
// (sends again with keepEmailAsTyped: true).
import { h, tx, textField, dateField, setValue } from '../dom.js';
import { t } from '../i18n.js';

export default {
  id: 'identity',
  number: 3,
  titleKey: 'identity.title',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const v = ctx.values || {};
    const name = (id, token) => textField({
      id,
      field: id,
      label: `identity.${id}.label`,
      hint: `identity.${id}.hint`,
      className: 'input--name',
      input: {
        autocomplete: token,
        autocapitalize: 'words',
        spellcheck: 'false',
        maxlength: '200',
        'aria-required': 'true',
        dataset: { keyboard: 'azerty' },
      },
    });
    const lastName = name('lastName', 'family-name');
    const firstName = name('firstName', 'given-name');
    const birth = dateField({ id: 'birthDate', field: 'birthDate', legend: 'identity.birthDate.legend', hint: 'identity.birthDate.hint', autocomplete: true });
    const email = textField({
      id: 'email',
      field: 'email',
      label: 'identity.email.label',
      hint: 'identity.email.hint',
      className: 'input--email',
      input: {
        type: 'email',
        autocomplete: 'email',
        autocapitalize: 'none',
        autocorrect: 'off',
        spellcheck: 'false',
        maxlength: '320',
        'aria-required': 'true',
        dataset: { keyboard: 'email' },
      },
    });
    const phone = textField({
      id: 'phone',
      field: 'phone',
      label: 'identity.phone.label',
      hint: 'identity.phone.hint',
      className: 'input--phone',
      input: {
        type: 'tel',
        inputmode: 'tel',
        autocomplete: 'tel-national',
        maxlength: '30',
        dataset: { keyboard: 'numeric' },
      },
    });

    setValue(lastName.input, v.lastName);
    setValue(firstName.input, v.firstName);
    setValue(birth.day, v.birthDay);
    setValue(birth.month, v.birthMonth);
    setValue(birth.year, v.birthYear);
    setValue(email.input, v.email);
    setValue(phone.input, v.phone);

    const noEmailBox = h('input', {
      class: 'choice__input', type: 'checkbox', id: 'noEmail', name: 'noEmail', value: 'yes',
      'aria-controls': 'email-group no-email-text',
    });
    const noEmailText = tx('identity.noEmail.text', undefined, 'p', { class: 'inset', id: 'no-email-text', hidden: true });
    const noEmail = h('div', { class: 'form-group', id: 'noEmail-group', dataset: { field: 'noEmail' } },
      h('div', { class: 'choice choice--checkbox' },
        noEmailBox,
        tx('identity.noEmail.label', undefined, 'label', { class: 'choice__label', for: 'noEmail' })),
      noEmailText);
    const applyNoEmail = (announce) => {
      const none = noEmailBox.checked;
      email.group.hidden = none;
      noEmailText.hidden = !none;
      if (none) email.input.value = '';
      if (announce) ctx.announce(t(none ? 'identity.noEmail.text' : 'identity.noEmail.back'));
    };
    noEmailBox.checked = v.noEmail === true;
    applyNoEmail(false);
    noEmailBox.addEventListener('change', () => applyNoEmail(true));

    // The suggestion box lives right under the e-mail field.
    const suggestion = h('div', { class: 'suggestion', hidden: true, role: 'group', 'aria-labelledby': 'email-suggestion-text' });
    email.group.appendChild(suggestion);
    let keepEmailAsTyped = false;
    email.input.addEventListener('input', () => { keepEmailAsTyped = false; });

    const collect = () => ({
      lastName: lastName.input.value,
      firstName: firstName.input.value,
      birthDay: birth.day.value,
      birthMonth: birth.month.value,
      birthYear: birth.year.value,
      email: noEmailBox.checked ? '' : email.input.value,
      noEmail: noEmailBox.checked,
      phone: phone.input.value,
      keepEmailAsTyped,
    });

    const hideSuggestion = () => {
      suggestion.hidden = true;
      suggestion.replaceChildren();
    };

    const showSuggestion = (proposed) => {
      const text = tx('identity.suggestion.text', { email: proposed }, 'p', { class: 'suggestion__text', id: 'email-suggestion-text', tabindex: '-1' });
      const yes = h('button', {
        type: 'button',
        class: 'button button--secondary',
        onClick: () => {
          email.input.value = proposed;
          keepEmailAsTyped = false;
          hideSuggestion();
          ctx.announce(t('identity.suggestion.fixed'));
          email.input.focus();
        },
      }, tx('identity.suggestion.yes'));
      const no = h('button', {
        type: 'button',
        class: 'button button--secondary',
        onClick: () => {
          keepEmailAsTyped = true;
          hideSuggestion();
          ctx.submitNow();
        },
      }, tx('identity.suggestion.no'));
      suggestion.replaceChildren(text, h('div', { class: 'button-group' }, yes, no));
      suggestion.hidden = false;
      text.focus();
    };

    const groups = {
      lastName: lastName.group,
      firstName: firstName.group,
      birthDate: birth.group,
      email: email.group,
      phone: phone.group,
    };
    const targets = {
      lastName: lastName.input,
      firstName: firstName.input,
      birthDate: birth.day,
      email: email.input,
      phone: phone.input,
    };

    return {
      nodes: [
        tx('form.required', undefined, 'p', { class: 'hint hint--form' }),
        lastName.group,
        firstName.group,
        birth.group,
        email.group,
        noEmail,
        phone.group,
      ],
      groupFor: (field) => groups[field] || null,
      targetFor: (field) => targets[field] || null,
      collect,
      async submit(args) {
        hideSuggestion();
        const result = await ctx.api.submitIdentity(args);
        if (result && result.emailSuggestion) {
          showSuggestion(String(result.emailSuggestion));
          return { stay: true };
        }
        return result;
      },
    };
  },
};
