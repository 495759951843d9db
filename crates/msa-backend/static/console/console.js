// The agency console's only script (CSP script-src 'self', no framework, no build step):
// refreshes the live tables without reloading the page, lets the reader pause that
// (WCAG 2.2.2), announces new help calls politely, and shows times in the browser's zone.
'use strict';

const TIME_FORMAT = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium' });

function localiseTimes(root) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    const when = new Date(el.getAttribute('datetime'));
    if (!Number.isNaN(when.getTime())) el.textContent = TIME_FORMAT.format(when);
  }
}

function callsIn(root) {
  const calls = new Map();
  for (const row of root.querySelectorAll('[data-call-id]')) calls.set(row.dataset.callId, row.dataset.kiosk);
  return calls;
}

function startLive(live) {
  const status = document.getElementById('live-status');
  const toggle = document.getElementById('live-toggle');
  const every = Math.max(1000, Number(live.dataset.refreshMs) || 2000);
  let paused = false;
  let busy = false;

  async function refresh() {
    if (paused || busy) return;
    busy = true;
    try {
      const answer = await fetch(live.dataset.liveUrl, {
        credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' },
      });
      if (answer.status === 401) {
        window.location.assign('/console/login');
        return;
      }
      if (!answer.ok) throw new Error(String(answer.status));
      const html = await answer.text();
      const before = callsIn(live);
      const focused = live.contains(document.activeElement) ? document.activeElement.id : '';
      const fresh = new DOMParser().parseFromString(html, 'text/html').body;
      live.replaceChildren(...fresh.childNodes);
      localiseTimes(live);
      if (focused) document.getElementById(focused)?.focus();
      const added = [...callsIn(live)].filter(([id]) => !before.has(id)).map(([, kiosk]) => kiosk);
      if (added.length > 0) {
        status.textContent = added.map((kiosk) => `Nouvel appel à l'aide : borne ${kiosk}.`).join(' ');
      }
    } catch {
      const updated = live.querySelector('.updated');
      if (updated && !updated.classList.contains('stale')) {
        updated.classList.add('stale');
        updated.append(' La mise à jour a échoué ; nouvel essai dans un instant.');
      }
    } finally {
      busy = false;
    }
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener('click', () => {
      paused = !paused;
      toggle.setAttribute('aria-pressed', String(paused));
      if (!paused) refresh();
    });
  }
  window.setInterval(refresh, every);
}

localiseTimes(document);
const live = document.getElementById('live');
if (live) startLive(live);
