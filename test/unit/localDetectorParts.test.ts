// The local detector's building blocks: folding, number and date readings, grounding (its JSON
// parser is tested with the JSON layer, in json.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexTexts } from '../../server/core/detectors/local/context';
import { groundString } from '../../server/core/detectors/local/grounding';
import { extractDates } from '../../server/core/detectors/local/datesAndTimes';
import { fold } from '../../server/core/detectors/local/normalize';
import { parseLooseNumber } from '../../server/core/detectors/local/numbers';

test('fold: case, accents, punctuation, letters split from digits, decimals and % kept', () => {
  assert.equal(fold('Café  "Noir" — 6cm, 3.5kg, 5% off!'), 'cafe noir 6 cm 3.5 kg 5 percent off');
  assert.equal(fold('1e-9 C'), '1e-9 c');
});

test('loose numbers: amounts, thousands separators, percentages, multipliers, cardinal words', () => {
  assert.deepEqual(parseLooseNumber('$1,200.00'), [1200]);
  assert.deepEqual(parseLooseNumber('5%'), [5, 0.05]);
  assert.deepEqual(parseLooseNumber('1.2 million'), [1.2, 1200000]);
  assert.deepEqual(parseLooseNumber('five'), [5]);
  assert.equal(parseLooseNumber('single'), null);
  assert.equal(parseLooseNumber('Route 66'), null);
});

test('dates: month-name and numeric forms, ambiguous day/month kept as two readings', () => {
  assert.deepEqual(extractDates('on March 3, 2024')[0]!.readings, [{ m: 3, d: 3, y: 2024 }]);
  assert.deepEqual(extractDates('on 10th of December 2022')[0]!.readings, [{ d: 10, m: 12, y: 2022 }]);
  assert.deepEqual(extractDates('on 04/05/2023')[0]!.readings, [
    { y: 2023, m: 4, d: 5 },
    { y: 2023, m: 5, d: 4 },
  ]);
  assert.equal(extractDates('version 1.2.3 and 10/20 cats').length, 0);
});

test('grounding: a qualifier must look like a place or code, not arbitrary words', () => {
  const ctx = indexTexts(['Find a hotel in Tel Aviv'], new Set(['user']));
  assert.deepEqual(groundString('Tel Aviv, Israel', null, ctx), { grounded: true });
  assert.deepEqual(groundString('Tel Aviv (IL)', null, ctx), { grounded: true });
  assert.equal(groundString('Tel Aviv, near the beach promenade', null, ctx).grounded, false);
  assert.equal(groundString('Haifa, Israel', null, ctx).grounded, false);
});

test('grounding: abbreviations and their names are the same thing', () => {
  const ctx = indexTexts(['Boston, Massachusetts, paying in US dollars'], new Set(['user']));
  assert.deepEqual(groundString('Boston, MA', null, ctx), { grounded: true });
  assert.deepEqual(groundString('USD', null, ctx), { grounded: true });
});

test('grounding: short common words in context do not ground the names they abbreviate', () => {
  // "in" and "me" are words here, not Indiana and Maine
  const ctx = indexTexts(['tell me about hotels in town'], new Set(['user']));
  assert.equal(groundString('Indiana', null, ctx).grounded, false);
  assert.equal(groundString('Maine', null, ctx).grounded, false);
});

test('grounding: the head of "Central Park, NY" must be grounded itself; the qualifier does not vouch for it', () => {
  const ctx = indexTexts(['concerts in New York next month'], new Set(['user']));
  assert.deepEqual(groundString('New York City, NY', null, ctx), { grounded: true });
  const v = groundString('Central Park, NY', null, ctx);
  assert.equal(v.grounded, false);
});
