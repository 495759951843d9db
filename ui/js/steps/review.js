// Step 6: check answers (GOV.UK "check answers", WCAG 3.3.4). Every answer from
// `review_summary` with a « Modifier » link (hidden text « Modifier votre nom »)
// that opens the step and comes back here after « Suivant ». The secret is shown
// masked (Rust masks it). The CGU: a plain summary, the full text in a labelled
// scrollable region, an unticked checkbox, and « Valider mon inscription ».
import { h, tx } from '../dom.js';
import { getLanguage } from '../i18n.js';
import { caisseName } from './department.js';

/** « 1984-12-03 » → « 3 décembre 1984 » in the current language. @param {string} iso */
export function formatDate(iso, lang = getLanguage()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) return String(iso || '');
  // 00 stands for an unknown month or day (papers that say « 00/00/1966 », issue 12): show
  // only what is known, never a made-up date.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month === 0) return String(year);
  const date = new Date(Date.UTC(year, month - 1, day || 1));
  const parts = day === 0 ? { month: 'long', year: 'numeric' } : { day: 'numeric', month: 'long', year: 'numeric' };
  try {
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { ...parts, timeZone: 'UTC' }).format(date);
  } catch {
    return day === 0 ? `${m[2]}/${m[1]}` : `${day}/${m[2]}/${m[1]}`;
  }
}

/** The only tags a terms block may become (src-tauri/cgu/render.rs emits no other). */
const BLOCK_TAGS = new Set(['h4', 'h5', 'h6', 'p']);
const LIST_TAGS = new Set(['ul', 'ol']);

/**
 * The terms' blocks as elements, text set with textContent: an unknown tag is shown as a
 * paragraph, never created. @param {Array<{tag: string, text?: string, items?: string[]}>|undefined} blocks
 * @returns {HTMLElement[]}
 */
export function cguBlocks(blocks) {
  return (Array.isArray(blocks) ? blocks : []).map((block) => {
    if (LIST_TAGS.has(block.tag)) {
      return h(block.tag, { class: `list ${block.tag === 'ul' ? 'list--bullet' : 'list--number'}` },
        (block.items || []).map((item) => h('li', {}, String(item))));
    }
    const tag = BLOCK_TAGS.has(block.tag) ? block.tag : 'p';
    return h(tag, { class: tag === 'p' ? null : 'heading-s cgu__heading' }, String(block.text || ''));
  });
}

export default {
  id: 'review',
  number: 6,
  titleKey: 'review.title',

  /** @param {import('../wizard.js').StepContext} ctx */
  render(ctx) {
    const s = ctx.data || {};
    let cguVersion = s.cgu ? s.cgu.version : '';

    const row = (key, step, value) => h('div', { class: 'summary-list__row' },
      tx(`review.${key}`, undefined, 'dt', { class: 'summary-list__key' }),
      h('dd', { class: 'summary-list__value' }, value),
      h('dd', { class: 'summary-list__actions' },
        h('a', {
          href: `#${step}`,
          class: 'link link--change',
          onClick: (event) => { event.preventDefault(); ctx.hooks.change(step); },
        }, tx('review.change'), ' ', tx(`review.change.${key}`, undefined, 'span', { class: 'visually-hidden' }))));

    const date = h('span', { dataset: { date: s.birthDate || '' } }, formatDate(s.birthDate));
    const verification = s.verification || {};
    const dep = s.department || {};
    const list = h('dl', { class: 'summary-list' },
      row('nir', 'nir', h('span', { class: 'nowrap' }, s.nir || '')),
      row('lastName', 'identity', s.lastName || ''),
      row('firstName', 'identity', s.firstName || ''),
      row('birthDate', 'identity', date),
      row('email', 'identity', s.email
        ? h('span', { class: 'break' }, s.email)
        : tx('review.email.none', undefined, 'span', { dataset: { noEmail: 'true' } })),
      row('phone', 'identity', s.phone ? s.phone : tx('review.phone.none')),
      row('verification', 'verification', [
        tx(`review.kind.${verification.kind || 'none'}`, undefined, 'span', { class: 'block' }),
        verification.masked ? h('span', { class: 'block masked' }, verification.masked) : null,
      ]),
      row('department', 'department', [
        h('span', { class: 'block' }, [dep.code, dep.name].filter(Boolean).join(' – ')),
        dep.caisse ? h('span', { class: 'block hint-text' }, caisseName(dep.caisse)) : null,
      ]));

    const cguText = h('div', {
      class: 'cgu__text',
      tabindex: '0',
      role: 'region',
      'aria-labelledby': 'cgu-full-title',
    });
    /** @param {any} cgu the review's `cgu`: blocks rendered from Markdown at build time, and their language */
    const fillCgu = (cgu) => {
      cguText.replaceChildren(...cguBlocks(cgu && cgu.blocks));
      // The language of the text shown, not of the screen: French when no translation exists.
      cguText.setAttribute('lang', (cgu && cgu.language) || 'fr');
    };
    fillCgu(s.cgu);

    const terms = h('input', { class: 'choice__input', type: 'checkbox', id: 'terms', name: 'terms', value: 'yes', 'aria-required': 'true' });
    const termsGroup = h('div', { class: 'form-group', id: 'terms-group', dataset: { field: 'terms' } },
      h('div', { class: 'choice choice--large choice--checkbox' },
        terms,
        tx('review.terms.label', undefined, 'label', { class: 'choice__label', for: 'terms' })));

    const cgu = h('section', { class: 'cgu', 'aria-labelledby': 'cgu-title' },
      tx('review.cgu.title', undefined, 'h2', { class: 'heading-m', id: 'cgu-title' }),
      h('div', { class: 'inset' },
        tx('review.cgu.summaryTitle', undefined, 'h3', { class: 'heading-s' }),
        h('ul', { class: 'list list--bullet' },
          tx('review.cgu.summary1', undefined, 'li'),
          tx('review.cgu.summary2', undefined, 'li'),
          tx('review.cgu.summary3', undefined, 'li'),
          tx('review.cgu.summary4', undefined, 'li'))),
      tx('review.cgu.full', undefined, 'h3', { class: 'heading-s', id: 'cgu-full-title' }),
      tx('review.cgu.scroll', undefined, 'p', { class: 'hint' }),
      cguText,
      termsGroup);

    return {
      submitKey: 'review.submit',
      nodes: [
        tx('review.intro', undefined, 'p', { class: 'lead' }),
        h('section', { 'aria-labelledby': 'review-answers-title' },
          tx('review.answers', undefined, 'h2', { class: 'heading-m', id: 'review-answers-title' }),
          list),
        cgu,
      ],
      groupFor: (field) => (field === 'terms' ? termsGroup : null),
      targetFor: (field) => (field === 'terms' ? terms : null),
      collect: () => ({ acceptTerms: terms.checked, cguVersion }),
      submit: (args) => ctx.api.submitEnrolment(args),
      /** terms.outdated: fetch the new text and version, untick the box. */
      async onErrors(errors) {
        if (errors.some((e) => e.code === 'terms.outdated')) {
          try {
            const fresh = await ctx.api.reviewSummary();
            if (fresh && fresh.cgu) { cguVersion = fresh.cgu.version; fillCgu(fresh.cgu); }
            terms.checked = false;
          } catch { /* the summary already says what happened */ }
        }
      },
      retranslate() {
        date.textContent = formatDate(date.dataset.date);
      },
    };
  },
};
