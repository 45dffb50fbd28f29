// The report's review of annotations: the state each annotation shows, the buttons of the live
// report (none in exports), and dismissed annotations left out of an item's hallucination count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, ExperimentItem } from '../../common/schema';
import { pendingItem } from '../../server/core/experiments/experimentItems';
import { buildRow, rowSignature } from '../../webview/lib/items';
import { itemDetail } from '../../webview/lib/reportViews';
import { reviewCell, staleVerdictsLine } from '../../webview/lib/reviewCell';
import { textOf, toHtml } from '../../webview/lib/vnode';

function ann(over: Partial<Annotation> = {}): Annotation {
  return {
    id: 'a-1',
    label: 'fabricated_number',
    text: '250',
    explanation: 'no such price',
    message_index: 1,
    message_part_index: 0,
    start_offset: 4,
    end_offset: 7,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
    ...over,
  };
}
function item(annotations: Annotation[]): ExperimentItem {
  return {
    ...pendingItem('i1', 'c1', 'traced', 0),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: 'Its 250 EUR.' } }],
    annotations,
  };
}
const at = '2026-12-03T10:15:00.000Z';

test('each annotation shows who reviewed it, when, with the comment; unreviewed says so', () => {
  assert.match(textOf(reviewCell(ann(), undefined)), /Not reviewed/);
  const dismissed = ann({ review: { verdict: 'dismissed', author: 'ann', at, comment: 'in the price list' } });
  assert.equal(textOf(reviewCell(dismissed, undefined)), 'Dismissed by ann · 2026-12-03 10:15 UTCin the price list');
  const relabelled = ann({ review: { verdict: 'relabelled', label: 'unsupported_claim', author: 'bo', at, carried_from: 'e0' } });
  assert.match(textOf(reviewCell(relabelled, undefined)), /Relabelled as Unsupported claim by bo .* carried over/);
});

test('the live report has Confirm / Dismiss / Label buttons calling back with the annotation; exports have none', () => {
  const calls: string[] = [];
  const a = ann({ review: { verdict: 'confirmed', author: 'ann', at } });
  const cell = reviewCell(a, (x, action) => calls.push(`${x.id}:${action}`));
  const html = toHtml(cell);
  assert.equal((html.match(/<button/g) ?? []).length, 3);
  assert.match(html, /class="review-btn review-confirm"[^>]* disabled/, 'confirmed already: Confirm is disabled');
  const buttons: { props: { on?: { click?: (e: Event) => void } } }[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const v = n as { tag?: string; props: { on?: { click?: (e: Event) => void } }; children: unknown[] };
    if (v.tag === 'button') buttons.push(v);
    v.children?.forEach(walk);
  };
  walk(cell);
  for (const b of buttons) b.props.on!.click!(new Event('click'));
  assert.deepEqual(calls, ['a-1:confirm', 'a-1:dismiss', 'a-1:label']);
  const exported = toHtml(itemDetail(item([a]), undefined, {}));
  assert.doesNotMatch(exported, /<button/);
  assert.match(exported, /Confirmed/);
});

test('a dismissed annotation is not counted as a hallucination of its item; a new verdict changes the row', () => {
  const open = buildRow(item([ann(), ann({ id: 'a-2', start_offset: 0, end_offset: 3, text: 'Its' })]), undefined);
  assert.equal(open.hallucinations, 2);
  const one = buildRow(item([ann({ review: { verdict: 'dismissed', author: 'ann', at } }), ann({ id: 'a-2' })]), undefined);
  assert.equal(one.hallucinations, 1);
  assert.deepEqual(one.labels, [{ label: 'fabricated_number', count: 1 }]);
  const none = buildRow(item([ann({ tool_name: 'get_price', review: { verdict: 'dismissed', author: 'ann', at } })]), undefined);
  assert.deepEqual([none.hallucinations, none.labels, none.tools], [0, [], []], 'a dismissed annotation neither counts nor labels the row');
  assert.notEqual(rowSignature(open), rowSignature(one));
});

test('verdicts whose annotation no longer exists are said, with what they were on', () => {
  assert.equal(staleVerdictsLine([]), null);
  const line = staleVerdictsLine([{ verdict: 'dismissed', text: '1003' }]);
  assert.match(textOf(line!), /1 verdict on annotations that no longer exist/);
  assert.match(toHtml(line!), /title="dismissed: “1003”"/);
});
