// The NIR grouped while it is typed (ui/js/nir-format.js): grouping 1-2-2-2-3-3 (+ key),
// the caret kept after the same count of characters, Backspace over a group space.
import test from 'node:test';
import assert from 'node:assert/strict';
import { group, significant, countBefore, caretAfter, regroup, spelled } from '../../ui/js/nir-format.js';

/** Types `text` one character at a time at the caret, as the on-screen pad does. */
function typeAt(state, text) {
  for (const c of text) {
    const value = state.value.slice(0, state.caret) + c + state.value.slice(state.caret);
    state = regroup({ value, caret: state.caret + 1, previous: state.value, inputType: 'insertText' });
  }
  return state;
}

function backspace(state) {
  const value = state.value.slice(0, state.caret - 1) + state.value.slice(state.caret);
  return regroup({ value, caret: state.caret - 1, previous: state.value, inputType: 'deleteContentBackward' });
}

test('groups 1-2-2-2-3-3 then the key, as SPEC §2 writes it', () => {
  assert.equal(group('1841276451089'), '1 84 12 76 451 089');
  assert.equal(group('184127645108946'), '1 84 12 76 451 089 46');
  assert.equal(group('1841'), '1 84 1');
  assert.equal(group(''), '');
  // Too long: the rest stays with the last group, nothing dropped (Rust says « too long »).
  assert.equal(group('18412764510894677'), '1 84 12 76 451 089 4677');
});

test('Corsica: 2A / 2B sit in the département group, lower case typed is upper-cased', () => {
  assert.equal(regroup({ value: '255082a168025', caret: 13 }).value, '2 55 08 2A 168 025');
  assert.equal(regroup({ value: '1 80 01 2b0 12 345', caret: 18 }).value, '1 80 01 2B 012 345');
});

test('digit by digit on the pad: grouped at every step, caret at the end', () => {
  let state = { value: '', caret: 0 };
  const seen = [];
  for (const c of '1841276451089') {
    state = typeAt(state, c);
    seen.push(state.value);
    assert.equal(state.caret, state.value.length, `caret after ${state.value}`);
  }
  assert.deepEqual(seen.slice(0, 4), ['1', '1 8', '1 84', '1 84 1']);
  assert.equal(seen.at(-1), '1 84 12 76 451 089');
});

test('a character inserted in the middle keeps the caret right after it', () => {
  // « 1 84 |2 76 451 08 » (the 1 of « 12 » forgotten): the caret is after 3 characters.
  const start = { value: '1 84 27 64 510 8', caret: 5 };
  const next = typeAt(start, '1');
  assert.equal(next.value, '1 84 12 76 451 08');
  assert.equal(countBefore(next.value, next.caret), 4);
  assert.equal(next.value.slice(0, next.caret), '1 84 1');
});

test('Backspace right after a group space removes the digit before it, not just the space', () => {
  const state = { value: '1 84 12', caret: 5 }; // after « 1 84 »
  const next = backspace(state);
  assert.equal(next.value, '1 81 2');
  assert.equal(next.value.slice(0, next.caret), '1 8');
  // Backspace at the end removes the last digit.
  assert.deepEqual(backspace({ value: '1 84 1', caret: 6 }), { value: '1 84', caret: 4 });
});

test('paste with spaces, dots or none ends the same, caret after what was pasted', () => {
  for (const pasted of ['1841276451089', '1 84 12 76 451 089', '1.84.12.76.451.089', ' 184 127 645 1089 ']) {
    const next = regroup({ value: pasted, caret: pasted.length, previous: '', inputType: 'insertFromPaste' });
    assert.equal(next.value, '1 84 12 76 451 089', pasted);
    assert.equal(next.caret, next.value.length, pasted);
  }
});

test('caret helpers count only the characters that matter', () => {
  assert.equal(significant(' 1.8 4a'), '184A');
  assert.equal(countBefore('1 84 12', 5), 3);
  assert.equal(caretAfter('1 84 12', 3), 4);
  assert.equal(caretAfter('1 84 12', 0), 0);
  assert.equal(caretAfter('1 84 12', 99), 7);
});

test('spelled for a screen reader: one character at a time, no group spaces', () => {
  assert.equal(spelled('1 84 12'), '1 8 4 1 2');
  assert.equal(spelled('2 55 08 2a'), '2 5 5 0 8 2 A');
});
