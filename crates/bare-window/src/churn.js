// DOM churn for the churn benchmark (tests/e2e/footprint.rs, issue 18), only when
// MSA_BARE_WINDOW_CHURN is set: __ROUNDS__ rounds of 100 ticks, each tick building 50 × 20
// `<form>` elements, adding them to the page and removing them, as a wizard rebuilds its
// screens. The title says how far it is (« churn K », then « churn done »), for a reader
// with WebDriver; the same words on standard error through the command `churn_progress`.
window.addEventListener('DOMContentLoaded', () => {
  const rounds = __ROUNDS__;
  let ticks = 0;
  const tick = () => {
    for (let k = 0; k < 50; k += 1) {
      const block = document.createElement('div');
      block.innerHTML = '<form></form>'.repeat(20);
      document.body.appendChild(block);
      block.remove();
    }
    ticks += 1;
    if (ticks % 100 === 0) {
      document.title = ticks === rounds * 100 ? 'churn done' : `churn ${ticks / 100}`;
      window.__TAURI_INTERNALS__.invoke('churn_progress', { title: document.title });
    }
    if (ticks < rounds * 100) setTimeout(tick, 0);
  };
  setTimeout(tick, 500);
});
