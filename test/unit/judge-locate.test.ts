// Locating the judge's quotes in the response, and merging annotations of two detectors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Annotation, Message } from '../../common/schema';
import { UNLOCATED_NOTE, locateJudgeAnnotations, locateQuote } from '../../server/core/judge/judgeDetector';
import { bestWindow, normalizeForMatch } from '../../server/core/judge/locateQuote';
import { labelsCompatible, mergeAnnotations } from '../../server/core/judge/mergeAnnotations';

function at(hay: string, quote: string, opts?: Parameters<typeof locateQuote>[2]) {
  const loc = locateQuote(hay, quote, opts);
  return loc && { text: hay.slice(loc.start, loc.end), method: loc.method, start: loc.start };
}

describe('locateQuote', () => {
  const hay = 'The Eiffel Tower was completed in 1889.\nIt is  324 metres tall — and   painted “brown”.';

  it('exact', () => {
    assert.deepEqual(at(hay, 'completed in 1889'), { text: 'completed in 1889', method: 'exact', start: 21 });
    assert.deepEqual(at(hay, '"completed in 1889"'), { text: 'completed in 1889', method: 'exact', start: 21 }, 'added quotation marks');
    assert.deepEqual(at(hay, '  324 metres '), { text: '324 metres', method: 'exact', start: 47 });
  });

  it('normalised: case, whitespace runs, typographic quotes and dashes', () => {
    assert.deepEqual(at(hay, 'the eiffel tower'), { text: 'The Eiffel Tower', method: 'normalized', start: 0 });
    assert.deepEqual(at(hay, '1889. It is 324 metres'), { text: '1889.\nIt is  324 metres', method: 'normalized', start: 34 });
    assert.deepEqual(at(hay, 'tall - and painted "brown"'), { text: 'tall — and   painted “brown”', method: 'normalized', start: 58 });
  });

  it('an ellipsis in the quote matches the pieces in order', () => {
    assert.deepEqual(at(hay, 'The Eiffel Tower … in 1889'), {
      text: 'The Eiffel Tower was completed in 1889',
      method: 'normalized',
      start: 0,
    });
    assert.deepEqual(at(hay, 'Eiffel Tower ... 1889'), { text: 'Eiffel Tower was completed in 1889', method: 'normalized', start: 4 });
  });

  it('fuzzy: the closest window above the similarity threshold', () => {
    const r = locateQuote(hay, 'The Eifel Tower was complted in 1887');
    assert.ok(r);
    assert.equal(r.method, 'fuzzy');
    assert.equal(hay.slice(r.start, r.end), 'The Eiffel Tower was completed in 1889');
    assert.ok(r.similarity >= 0.9 && r.similarity < 1);
  });

  it('nothing when the quote is not there, too short or empty', () => {
    assert.equal(locateQuote(hay, 'The Statue of Liberty is green'), null);
    assert.equal(locateQuote(hay, 'xyz'), null);
    assert.equal(locateQuote(hay, '   '), null);
    assert.equal(locateQuote('', 'abc'), null);
    assert.equal(locateQuote(hay, 'The Eifel Tower was complted', { minSimilarity: 0.99 }), null);
  });

  it('in tool-call arguments: JSON escapes are decoded while matching', () => {
    const args = '{"note":"Caf\\u00e9 \\"Le Dôme\\"\\nParis","n":3}';
    const r = at(args, 'Café "Le Dôme" Paris', { decodeJsonEscapes: true });
    assert.deepEqual(r, { text: 'Caf\\u00e9 \\"Le Dôme\\"\\nParis', method: 'normalized', start: 9 });
    assert.equal(at(args, 'Café', { decodeJsonEscapes: false }), null, 'only when asked');
  });

  it('offsets stay right around astral characters', () => {
    const s = 'Rated 🌟🌟 by 1,204 guests';
    const r = locateQuote(s, '1,204 GUESTS');
    assert.ok(r);
    assert.equal(s.slice(r.start, r.end), '1,204 guests');
  });

  it('normalizeForMatch maps every character back', () => {
    const n = normalizeForMatch('  A\t\tB  ');
    assert.equal(n.text, 'a b');
    assert.deepEqual(
      [n.from, n.to],
      [
        [2, 3, 5],
        [3, 5, 6],
      ],
    );
  });

  it('bestWindow prefers including a substituted last character', () => {
    const w = bestWindow('built in 1887', 'it was built in 1889.');
    assert.ok(w);
    assert.equal('it was built in 1889.'.slice(w.start, w.end), 'built in 1889');
    assert.equal(w.distance, 1);
  });
});

describe('locateJudgeAnnotations', () => {
  const message: Message = {
    role: 'assistant',
    content: 'Your flight AF 123 leaves at 09:40 from CDG.',
    tool_calls: [
      { id: 'c1', function: { name: 'book_flight', arguments: '{"flight": "AF 123", "seat": "12C", "meal": "vegan"}' } },
      { id: 'c2', function: { name: 'send_email', arguments: '{"to": "bob@example.com"}' } },
    ],
  };
  const raw = (o: Record<string, unknown>) => ({
    label: 'x',
    text: '',
    explanation: 'why',
    message_part_index: null,
    tool_name: null,
    parameter_name: null,
    confidence: 0.8,
    ...o,
  });

  it('the part the judge named first, then the others', () => {
    const [a, b] = locateJudgeAnnotations(message, 2, [
      raw({ text: '09:40', message_part_index: 0 }),
      raw({ text: '12C', message_part_index: 0, tool_name: 'book_flight', parameter_name: 'seat' }), // wrong part named
    ]);
    assert.deepEqual([a!.message_part_index, a!.text, a!.tool_name, a!.parameter_name], [0, '09:40', null, null]);
    assert.deepEqual([b!.message_part_index, b!.text, b!.tool_name, b!.parameter_name], [1, '12C', 'book_flight', 'seat']);
    assert.equal(message.tool_calls![0]!.function.arguments.slice(b!.start_offset, b!.end_offset), '12C');
  });

  it('tool_name follows the call, whatever the judge wrote; tools of that name are tried first', () => {
    const [a] = locateJudgeAnnotations(message, 2, [raw({ text: 'bob@example.com', tool_name: 'send_email', parameter_name: 'to' })]);
    assert.deepEqual([a!.message_part_index, a!.tool_name, a!.parameter_name, a!.text], [2, 'send_email', 'to', 'bob@example.com']);
    const [b] = locateJudgeAnnotations(message, 2, [
      raw({ text: 'AF 123', tool_name: 'wrong_name', message_part_index: 1, parameter_name: 'flight' }),
    ]);
    assert.deepEqual([b!.message_part_index, b!.tool_name], [1, 'book_flight']);
  });

  it('a quote not found but a parameter that exists: the argument value is marked', () => {
    const [a] = locateJudgeAnnotations(message, 2, [raw({ text: 'plant-based meal', message_part_index: 1, parameter_name: 'meal' })]);
    assert.equal(a!.text, 'vegan');
    assert.notEqual(a!.start_offset, a!.end_offset);
  });

  it('not found anywhere: response level, offsets 0–0, the explanation says so', () => {
    const [a] = locateJudgeAnnotations(message, 2, [
      raw({ text: 'free upgrade to business', message_part_index: 0, explanation: 'Never offered.' }),
    ]);
    assert.deepEqual([a!.message_part_index, a!.start_offset, a!.end_offset, a!.text], [0, 0, 0, 'free upgrade to business']);
    assert.equal(a!.explanation, `Never offered. ${UNLOCATED_NOTE}`);
    const [b] = locateJudgeAnnotations(message, 2, [raw({ text: 'nope nope', message_part_index: 17, explanation: '' })]);
    assert.equal(b!.message_part_index, 0, 'an invalid part index falls back to part 0');
    assert.equal(b!.explanation, UNLOCATED_NOTE);
  });

  it('confidence clamped, duplicates collapsed to the most confident', () => {
    const anns = locateJudgeAnnotations(message, 2, [
      raw({ text: 'CDG', confidence: -3 }),
      raw({ text: 'CDG', confidence: 0.7 }),
      raw({ text: 'AF 123', confidence: null }),
    ]);
    assert.deepEqual(
      anns.map((a) => [a.text, a.confidence]),
      [
        ['CDG', 0.7],
        ['AF 123', 0.5],
      ],
    );
  });

  it('a message without parts yields nothing', () => {
    assert.deepEqual(locateJudgeAnnotations({ role: 'assistant', content: null }, 1, [raw({ text: 'x' })]), []);
  });
});

describe('mergeAnnotations', () => {
  const base: Annotation = {
    label: 'fabricated_number',
    text: '150',
    explanation: 'local: 150 appears nowhere in the context.',
    message_index: 4,
    message_part_index: 0,
    start_offset: 39,
    end_offset: 42,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.7,
  };
  const judge = (o: Partial<Annotation>): Annotation => ({
    ...base,
    detector: 'judge',
    explanation: 'judge: the tool said 180.',
    confidence: 0.9,
    ...o,
  });

  it('same span, same label: one annotation, local+judge, max confidence, explanations joined', () => {
    const out = mergeAnnotations([base], [judge({})]);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], {
      ...base,
      detector: 'local+judge',
      confidence: 0.9,
      explanation: 'local: 150 appears nowhere in the context.\njudge: the tool said 180.',
    });
  });

  it('overlapping spans with compatible labels merge; the narrower span inside is kept', () => {
    const wide = judge({ label: 'unsupported_claim', text: '150 EUR', start_offset: 39, end_offset: 46, confidence: 0.6 });
    const [m] = mergeAnnotations([base], [wide]);
    assert.equal(m!.label, 'fabricated_number', 'the specific label wins over unsupported_claim');
    assert.deepEqual([m!.start_offset, m!.end_offset, m!.text, m!.confidence], [39, 42, '150', 0.7]);
    const sentence = { ...base, label: 'unsupported_claim', text: 'at 150 EUR', start_offset: 36, end_offset: 46, detector: 'local' };
    const [n] = mergeAnnotations([sentence], [judge({ label: 'fabricated_number' })]);
    assert.deepEqual([n!.label, n!.text, n!.start_offset], ['fabricated_number', '150', 39]);
  });

  it('one judge annotation can merge into several local ones', () => {
    const a1 = { ...base, text: '2', start_offset: 27, end_offset: 28 };
    const out = mergeAnnotations(
      [a1, base],
      [judge({ label: 'unsupported_claim', text: '2 nights at 150', start_offset: 27, end_offset: 42 })],
    );
    assert.equal(out.length, 2);
    assert.ok(out.every((a) => a.detector === 'local+judge'));
  });

  it('kept apart: other part, other message, disjoint spans, incompatible labels, other parameter', () => {
    const cases: Partial<Annotation>[] = [
      { message_part_index: 1 },
      { message_index: 5 },
      { start_offset: 42, end_offset: 46, text: ' EUR' },
      { label: 'unknown_tool' },
      { label: 'custom_label' },
    ];
    for (const c of cases) assert.equal(mergeAnnotations([base], [judge(c)]).length, 2, JSON.stringify(c));
    const p1 = { ...base, label: 'ungrounded_parameter_value', tool_name: 'book', parameter_name: 'nights', message_part_index: 1 };
    assert.equal(mergeAnnotations([p1], [judge({ ...p1, parameter_name: 'hotel', detector: 'judge' })]).length, 2);
    const merged = mergeAnnotations([p1], [judge({ ...p1, label: 'invalid_parameter_value', detector: 'judge' })]);
    assert.equal(merged.length, 1, 'argument-value labels are one family');
    assert.equal(merged[0]!.detector, 'local+judge');
  });

  it('response-level annotations at the same place merge; custom labels only with themselves', () => {
    const r = { ...base, label: 'policy_breach', start_offset: 0, end_offset: 0, text: '' };
    assert.equal(mergeAnnotations([r], [judge({ label: 'policy_breach', start_offset: 0, end_offset: 0 })]).length, 1);
    assert.equal(labelsCompatible('policy_breach', 'unsupported_claim'), false);
    assert.equal(labelsCompatible('fabricated_url', 'context_contradiction'), true);
  });

  it('keeps order (a first, then the unmerged b) and does not mutate its inputs', () => {
    const a = [base];
    const b = [judge({ start_offset: 0, end_offset: 6, text: 'Booked' }), judge({})];
    const before = JSON.stringify([a, b]);
    const out = mergeAnnotations(a, b);
    assert.deepEqual(
      out.map((x) => x.detector),
      ['local+judge', 'judge'],
    );
    assert.equal(JSON.stringify([a, b]), before);
    assert.deepEqual(mergeAnnotations([], []), []);
  });
});
