// Step 5: the département of the person's MSA caisse (never guessed from the NIR).
// Big radio tiles: this agency's département first, then a search box that
// filters the 96 others (by number or name, accents ignored), then the overseas
// départements: choosing one is allowed, and Rust's department.overseas /
// department.mayotte message explains who to contact instead.
import { h, tx } from '../dom.js';
import { t } from '../i18n.js';

const OVERSEAS = [
  { code: '971', name: 'Guadeloupe' },
  { code: '972', name: 'Martinique' },
  { code: '973', name: 'Guyane' },
  { code: '974', name: 'La Réunion' },
  { code: '976', name: 'Mayotte' },
];

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
  const option = (dep, { caisse = true, searchable = true } = {}) => {
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
      dataset: searchable ? { search: fold(`${dep.code} ${dep.name} ${name}`) } : {},
    },
    input,
    h('label', { class: 'choice__label', for: id }, h('span', { class: 'choice__code' }, dep.code), ` ${dep.name}`),
    caisse && name ? h('p', { class: 'choice__hint', id: hintId }, name) : null);
  };
  // Created first so that it is also the first radio (the summary link's target).
  const agencyTile = agency ? option(agency, { searchable: false }) : null;
  const others = list.filter((dep) => !agency || dep.code !== agency.code);
  const tiles = others.map((dep) => option(dep));
  const overseas = OVERSEAS.map((dep) => option(dep, { caisse: false }));
  return { agencyTile, tiles, overseas, radios };
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
    const { agencyTile, tiles, overseas, radios } = prepared && prepared.data === ctx.data
      ? prepared.tiles
      : buildTiles(list, agency);
    prepared = null;
    for (const radio of radios) radio.checked = radio.value === selected;

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
    const listed = [...tiles, ...overseas];
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

    const overseasSection = h('div', { class: 'department__overseas' },
      tx('department.overseas', undefined, 'h3', { class: 'heading-s' }),
      tx('department.overseas.hint', undefined, 'p', { class: 'hint' }),
      h('div', { class: 'choices choices--grid' }, overseas));

    const fieldset = h('fieldset', { class: 'fieldset' },
      tx('department.legend', undefined, 'legend', { class: 'legend' }),
      agency ? h('div', { class: 'department__agency' },
        tx('department.agency', undefined, 'h3', { class: 'heading-s' }),
        h('div', { class: 'choices' }, agencyTile)) : null,
      h('div', { class: 'department__all' },
        tx('department.all', undefined, 'h3', { class: 'heading-s' }),
        h('div', { class: 'form-group form-group--filter' },
          tx('department.filter.label', undefined, 'label', { class: 'label', for: 'department-filter' }),
          tx('department.filter.hint', undefined, 'p', { class: 'hint', id: 'department-filter-hint' }),
          filterInput,
          status),
        empty,
        h('div', { class: 'choices choices--grid', id: 'department-all' }, tiles)),
      overseasSection);
    const group = h('div', { class: 'form-group', id: 'department-group', dataset: { field: 'department' } }, fieldset);

    return {
      nodes: [
        tx('department.intro', undefined, 'p', { class: 'lead' }),
        tx('department.notBirth', undefined, 'p'),
        group,
      ],
      groupFor: (field) => (field === 'department' ? group : null),
      targetFor: (field) => (field === 'department' ? (radios.find((r) => r.checked) || radios[0] || null) : null),
      collect: () => ({ code: (radios.find((r) => r.checked) || { value: '' }).value }),
      submit: (args) => ctx.api.submitDepartment(args),
    };
  },
};
