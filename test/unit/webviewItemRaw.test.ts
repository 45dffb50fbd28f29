// The report's item detail for issue 19 §4: the probabilities of the tokens under a marker (a
// low-probability one stands out), the "Raw" fold with the exchange as stored, and the judge's
// usage apart from the target's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Annotation, ExperimentItem } from '../../common/schema';
import { pendingItem } from '../../server/core/experiments/experimentItems';
import { markerTokens, tokensUnder } from '../../webview/lib/tokenProbabilities';
import { itemDetail } from '../../webview/lib/reportViews';
import { toHtml } from '../../webview/lib/vnode';
import { mockLogprobs } from '../support/mockOpenAIServer';

const text = 'It is 18 degrees in Paris.';
const logprobs = mockLogprobs(text, 2).map(({ token, logprob, top_logprobs }) => ({ token, logprob, top_logprobs }));
const annotation = (start: number, end: number, part = 0): Annotation => ({
  label: 'fabricated_number',
  text: text.slice(start, end),
  explanation: '',
  message_index: 2,
  message_part_index: part,
  start_offset: start,
  end_offset: end,
  tool_name: null,
  parameter_name: null,
  detector: 'local',
  confidence: 0.9,
});
const item = (over: Partial<ExperimentItem>): ExperimentItem => ({
  ...pendingItem('0001', 'c1', 'gpt', 0),
  status: 'completed',
  response_messages: [{ message_index: 2, message: { role: 'assistant', content: text } }],
  ...over,
});

describe('token probabilities under markers', () => {
  it('the tokens overlapping the span, with their probability; unlikely ones flagged', () => {
    const start = text.indexOf('18');
    const under = tokensUnder(logprobs, text, start, start + 2)!;
    assert.deepEqual(
      under.map((t) => t.token),
      [' 18'],
    );
    assert.ok(Math.abs(under[0]!.probability - Math.exp(-2.5)) < 1e-12);
    assert.equal(under[0]!.low, true);
    assert.deepEqual(
      under[0]!.alternatives.map((a) => a.token),
      ['alt1'],
    );
    const words = tokensUnder(logprobs, text, 0, 5)!;
    assert.deepEqual(
      words.map((t) => [t.token, t.low]),
      [
        ['It', false],
        [' is', false],
      ],
    );
    assert.equal(tokensUnder(logprobs, 'another text', 0, 2), null, 'tokens that do not spell the text are not placed');
  });

  it('per annotation of the item: tokens, or why there are none', () => {
    const start = text.indexOf('18');
    const rows = markerTokens(item({ logprobs, annotations: [annotation(start, start + 2), annotation(0, 1, 1)] }));
    assert.equal(rows.length, 1, 'an annotation on a part that does not exist is left out');
    assert.ok('tokens' in rows[0]! && rows[0].tokens[0]!.token === ' 18');
    assert.deepEqual(markerTokens(item({ annotations: [annotation(start, start + 2)] })), [], 'no logprobs: nothing');
  });

  it('the detail shows the tokens under the marker, the Raw fold and the judge usage apart', () => {
    const start = text.indexOf('18');
    const html = toHtml(
      itemDetail(
        item({
          logprobs,
          annotations: [annotation(start, start + 2)],
          raw: { request: { model: 'gpt', seed: 7 }, response: { object: 'chat.completion' } },
          judge_input_tokens: 1200,
          judge_output_tokens: 40,
          judge_cost_usd: null,
        }),
        undefined,
        {},
      ),
    );
    assert.match(html, /Token probabilities under the markers/);
    assert.match(html, /<span class="token-prob low"[^>]*><code>&quot; 18&quot;<\/code> 8\.2%<\/span>/);
    assert.match(html, /<summary>Raw<\/summary>/);
    assert.match(html, /&quot;seed&quot;: 7/);
    assert.match(html, /Judge<\/span> 1,200 in · 40 out · price unknown/);
    const omitted = toHtml(itemDetail(item({ raw: { request: null, response: null, omitted: 'over the cap' } }), undefined, {}));
    assert.match(omitted, /Not kept: over the cap\./);
    assert.doesNotMatch(toHtml(itemDetail(item({}), undefined, {})), /Raw|Judge/);
  });
});
