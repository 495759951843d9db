// Step 5: the département of the person's MSA caisse (never guessed from the NIR).
// Most people at an agency belong to its own caisse: one yes/no question first
// (« Votre MSA est-elle la MSA Loire-Atlantique-Vendée ? », the caisse of the
// configured agency département), so « Oui » then « Suivant » is the whole step.
// « Non » reveals a search box and the départements as radio tiles in a box of
// its own height (one radio group, filtered; « Suivant » right below it, never
// after a hundred tiles). An overseas département (971–976: not the MSA) is
// explained right under the tile chosen, with what to do next; « Suivant » then
// shows that explanation again instead of sending a choice Rust would refuse.
import { h, tx } from '../dom.js';
import { t } from '../i18n.js';

const OVERSEAS = [
  { code: '971', name: 'Guadeloupe' },
  { code: '972', name: 'Martinique' },
  { code: '973', name: 'Guyane' },
  { code: '974', name: 'La Réunion' },
  { code: '976', name: 'Mayotte' },
];

const OVERSEAS_CODES = new Set(OVERSEAS.map((dep) => dep.code));

/** Lower case, no accents, no punctuation: « Côtes-d'Armor » → « cotes d armor ». @param {string} s */
export function fold(s) {
  return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** @param {any} caisse string or {name} */
export function caisseName(caisse) {
  if (!caisse) return '';
  return typeof caisse === 'string' ? caisse : caisse.name || '';
}

/**
 * The tiles of every département, none chosen yet. About 500 elements: built ahead
 * by `prepare` while the person is on step 4, so « Suivant » only has to show them.
 * @param {Array<any>} list @param {any} agency
 */
function buildTiles(list, agency) {
  /** @type {HTMLInputElement[]} */
  const radios = [];
  const option = (dep, { caisse = true } = {}) => {
    const id = `department-${dep.code}`;
    const hintId = `${id}-hint`;
    const name = caisseName(dep.caisse);
    const input = h('input', {
      class: 'choice__input',
      type: 'radio',
      id,
      name: 'department',
      value: dep.code,
      'aria-describedby': caisse && name ? hintId : null,
    });
    radios.push(input);
    return h('div', {
      class: 'choice choice--tile',
      dataset: { search: fold(`${dep.code} ${dep.name} ${name}`) },
    },
    input,
    h('label', { class: 'choice__label', for: id }, h('span', { class: 'choice__code' }, dep.code), ` ${dep.name}`),
    caisse && name ? h('p', { class: 'choice__hint', id: hintId }, name) : null);
  };
  // The agency's département first: a « Non » by mistake still finds it at the top.
  const own = agency ? list.filter((dep) => dep.code === agency.code) : [];
  const tiles = [...own, ...list.filter((dep) => !agency || dep.code !== agency.code)].map((dep) => option(dep));
  const overseas = OVERSEAS.map((dep) => option(dep, { caisse: false }));
  return { tiles, overseas, radios };
}

/** @type {{data: any, tiles: ReturnType<typeof buildTiles>}|null} built ahead, used once */
let prepared = null;

export default {
  id: 'department',
  number: 5,
  titleKey: 'department.title',

  /**
   * Builds the tiles ahead, while the previous step is on screen.
   * @param {{departments: () => Promise<any>}} ctx
   */
  async prepare(ctx) {
    const data = await ctx.departments();
    if (!prepared || prepared.data !== data) {
      prepared = { data, tiles: buildTiles((data && data.all) || [], data && data.agency ? data.agency : null) };
    }
  },

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const list = (ctx.data && ctx.data.all) || [];
    const agency = ctx.data && ctx.data.agency ? ctx.data.agency : null;
    const selected = ctx.values && ctx.values.code ? String(ctx.values.code) : '';
    const { tiles: listTiles, overseas, radios } = prepared && prepared.data === ctx.data
      ? prepared.tiles
      : buildTiles(list, agency);
    prepared = null;

    // ---- the yes/no question about the agency's caisse ----
    const caisse = agency ? caisseName(agency.caisse) : '';
    const answer = (value) => h('input', { class: 'choice__input', type: 'radio', id: `department-own-${value}`, name: 'departmentOwn', value, onChange: update });
    const yes = answer('yes');
    const no = answer('no');
    const ownFieldset = agency ? h('fieldset', { class: 'fieldset', 'aria-describedby': 'department-own-hint' },
      tx('department.own.question', { caisse }, 'legend', { class: 'legend' }),
      tx('department.own.hint', { code: agency.code, name: agency.name }, 'p', { class: 'hint', id: 'department-own-hint' }),
      h('div', { class: 'choices choices--inline' },
        h('div', { class: 'choice choice--large' }, yes, tx('department.own.yes', undefined, 'label', { class: 'choice__label', for: yes.id })),
        h('div', { class: 'choice choice--large' }, no, tx('department.own.no', undefined, 'label', { class: 'choice__label', for: no.id })))) : null;

    // ---- the full list, searchable ----
    const status = h('p', { class: 'filter__status', role: 'status' });
    const empty = tx('department.filter.none', undefined, 'p', { class: 'filter__empty', hidden: true });
    const filterInput = h('input', {
      class: 'input input--search',
      id: 'department-filter',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': 'department-filter-hint',
      'aria-controls': 'department-all',
      // The keyboard's « OK » puts it away here, to show the results (Enter must not send).
      dataset: { keyboard: 'azerty', keyboardEnter: 'hide' },
    });
    const listed = [...listTiles, ...overseas];
    let statusTimer = null;
    const applyFilter = () => {
      const query = fold(filterInput.value);
      let shown = 0;
      for (const tile of listed) {
        // A word that starts with the query is also a place that includes it.
        const match = !query || tile.dataset.search.includes(query);
        tile.hidden = !match && !tile.querySelector('input').checked;
        if (!tile.hidden) shown += 1;
      }
      overseasSection.hidden = overseas.every((tile) => tile.hidden);
      empty.hidden = shown > 0;
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => {
        status.textContent = !query ? '' : shown ? t('department.filter.count', { count: shown }) : t('department.filter.none');
      }, 600);
    };
    filterInput.addEventListener('input', applyFilter);
    filterInput.addEventListener('keydown', (event) => {
      // Enter in the search box must not send the form.
      if (event.key === 'Enter') event.preventDefault();
      // Tab goes to the first result: a radio group is a single Tab stop, and the
      // browser would otherwise skip the results for the group's first radio.
      if (event.key === 'Tab' && !event.shiftKey && fold(filterInput.value)) {
        const first = listed.find((tile) => !tile.hidden);
        if (first) {
          event.preventDefault();
          first.querySelector('input').focus();
        }
      }
    });

    // ---- overseas: explained in place, under the tiles, with what to do next ----
    const explanation = h('div', { class: 'notice department__explain', id: 'department-overseas-explain', tabindex: '-1', hidden: true });
    const explain = (code) => {
      const dep = OVERSEAS.find((d) => d.code === code);
      explanation.hidden = !dep;
      if (!dep) { explanation.replaceChildren(); return; }
      explanation.replaceChildren(
        tx(`department.overseas.${code}`, undefined, 'p', { class: 'strong' }),
        tx(code === '976' ? 'department.overseas.next.mayotte' : 'department.overseas.next', undefined, 'p'),
        tx('department.overseas.other', undefined, 'p'));
    };
    const overseasSection = h('div', { class: 'department__overseas' },
      tx('department.overseas', undefined, 'h3', { class: 'heading-s' }),
      tx('department.overseas.hint', undefined, 'p', { class: 'hint' }),
      h('div', { class: 'choices choices--grid' }, overseas),
      explanation);

    const listFieldset = h('fieldset', { class: 'fieldset' },
      tx('department.legend', undefined, 'legend', { class: 'legend' }),
      h('div', { class: 'form-group form-group--filter' },
        tx('department.filter.label', undefined, 'label', { class: 'label', for: 'department-filter' }),
        tx('department.filter.hint', undefined, 'p', { class: 'hint', id: 'department-filter-hint' }),
        filterInput,
        status),
      empty,
      // Its own scrolling box: the overseas tiles and « Suivant » stay just below it.
      h('div', { class: 'department__scroll' },
        h('div', { class: 'choices choices--grid', id: 'department-all' }, listTiles)),
      overseasSection);
    const listPanel = h('div', { class: agency ? 'conditional department__all' : 'department__all', id: 'department-list', hidden: Boolean(agency) }, listFieldset);

    function update() {
      listPanel.hidden = Boolean(agency) && !no.checked;
      const chosen = radios.find((r) => r.checked);
      explain(!listPanel.hidden && chosen ? chosen.value : '');
    }
    for (const radio of radios) radio.addEventListener('change', update);

    // Prefill (back link, « Modifier »).
    if (agency && selected === agency.code) yes.checked = true;
    else if (selected) {
      no.checked = true;
      for (const radio of radios) radio.checked = radio.value === selected;
    }
    if (!selected) for (const radio of radios) radio.checked = false;
    update();

    const group = h('div', { class: 'form-group', id: 'department-group', dataset: { field: 'department' } },
      ownFieldset, listPanel);

    /** The code to send: the agency's on « Oui », else the tile chosen. */
    const code = () => {
      if (agency && yes.checked) return agency.code;
      if (agency && !no.checked) return '';
      return (radios.find((r) => r.checked) || { value: '' }).value;
    };

    return {
      nodes: [
        tx('department.intro', undefined, 'p', { class: 'lead' }),
        tx('department.notBirth', undefined, 'p'),
        group,
      ],
      groupFor: (field) => (field === 'department' ? group : null),
      targetFor: (field) => {
        if (field !== 'department') return null;
        if (agency && !no.checked) return yes;
        return radios.find((r) => r.checked) || radios[0] || null;
      },
      collect: () => ({ code: code() }),
      submit: (args) => {
        // Not an MSA département: the explanation is already on screen; show it again.
        if (OVERSEAS_CODES.has(args.code)) {
          explain(args.code);
          explanation.scrollIntoView({ block: 'center' });
          explanation.focus({ preventScroll: true });
          return Promise.resolve({ stay: true });
        }
        return ctx.api.submitDepartment(args);
      },
    };
  },
};
