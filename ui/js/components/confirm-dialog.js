// « Abandonner » asks first: « Voulez-vous abandonner ? » with « Oui, abandonner »
// and « Non, continuer mon inscription ». Escape means « Non ». Focus starts on
// the safe answer (« Non »), so a stray Enter never wipes the answers.
import { openModal, closeModal } from './modal.js';

/**
 * @param {HTMLDialogElement} dialog the #confirm-dialog element from index.html
 * @returns {Promise<boolean>} true when the person confirms
 */
export function confirmCancel(dialog) {
  const yes = dialog.querySelector('[data-action="confirm"]');
  const no = dialog.querySelector('[data-action="dismiss"]');
  return new Promise((resolve) => {
    const finish = (answer) => {
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      closeModal(dialog, { restoreFocus: !answer });
      resolve(answer);
    };
    const onYes = () => finish(true);
    const onNo = () => finish(false);
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    openModal(dialog, { initialFocus: no, onCancel: onNo });
  });
}
