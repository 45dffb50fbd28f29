// Rendering safety and the highlighted conversation: trace content is always text, hallucinated
// spans are found from annotation offsets, formatting is stable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Annotation, ExperimentItem } from '../../common/schema';
import {
  formatCompact,
  formatDuration,
  formatDurationShort,
  formatPercent,
  formatUsd,
  humanizeLabel,
  truncate,
} from '../../webview/lib/format';
import { clampRange, responseViews, segmentText } from '../../webview/lib/highlight';
import { metricDef, metricDelta } from '../../webview/lib/metricDefs';
import { itemDetail, labelDescriptions } from '../../webview/lib/reportViews';
import { escapeHtml, h, isSafeAttributeName, s, textOf, toHtml } from '../../webview/lib/vnode';

const HOSTILE = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';

describe('vnode → HTML', () => {
  it('escapes text children', () => {
    assert.equal(
      toHtml(h('p', null, HOSTILE)),
      '<p>&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</p>',
    );
  });

  it('escapes attribute values, including quotes', () => {
    assert.equal(
      toHtml(h('span', { title: `"><img src=x onerror=alert(1)>` })),
      '<span title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"></span>',
    );
  });

  it('never writes event-handler attributes, script URLs or raw-HTML tags', () => {
    assert.equal(toHtml(h('a', { onclick: 'alert(1)', ONLOAD: 'x', href: ' javascript:alert(1)' }, 'x')), '<a>x</a>');
    assert.equal(isSafeAttributeName('onerror'), false);
    assert.equal(isSafeAttributeName('data-x'), true);
    assert.throws(() => h('script', null, 'x'));
    assert.throws(() => h('STYLE'));
    assert.throws(() => toHtml({ tag: 'img src=x', props: {}, children: [], svg: false }));
  });

  it('drops listeners and serialises styles, classes and booleans', () => {
    const html = toHtml(
      h(
        'button',
        {
          class: ['a', false, 'b'],
          style: { 'flex-grow': 3, color: undefined },
          disabled: true,
          hidden: false,
          on: { click: () => undefined },
        },
        'go',
      ),
    );
    assert.equal(html, '<button class="a b" disabled style="flex-grow:3">go</button>');
  });

  it('keeps SVG elements explicit', () => {
    assert.equal(toHtml(s('rect', { width: 2 }, s('title', null, '<x>'))), '<rect width="2"><title>&lt;x&gt;</title></rect>');
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('segmentText', () => {
  it('splits around annotated ranges', () => {
    const segs = segmentText('The fare is €289 today', [{ start_offset: 12, end_offset: 16 }]);
    assert.deepEqual(
      segs.map((x) => [x.text, x.covering]),
      [
        ['The fare is ', []],
        ['€289', [0]],
        [' today', []],
      ],
    );
  });

  it('marks overlaps with every covering annotation', () => {
    const segs = segmentText('abcdefgh', [
      { start_offset: 1, end_offset: 5 },
      { start_offset: 3, end_offset: 7 },
    ]);
    assert.deepEqual(
      segs.map((x) => [x.text, x.covering]),
      [
        ['a', []],
        ['bc', [0]],
        ['de', [0, 1]],
        ['fg', [1]],
        ['h', []],
      ],
    );
  });

  it('clamps offsets past the end and ignores ranges that start beyond the text', () => {
    assert.deepEqual(
      segmentText('abc', [{ start_offset: 1, end_offset: 99 }]).map((x) => [x.text, x.covering]),
      [
        ['a', []],
        ['bc', [0]],
      ],
    );
    assert.deepEqual(
      segmentText('abc', [{ start_offset: 10, end_offset: 12 }]).map((x) => x.text),
      ['abc'],
    );
    assert.equal(clampRange({ start_offset: 4, end_offset: 2 }, 10)!.end, 4);
  });

  it('turns a zero-length annotation into a caret', () => {
    const segs = segmentText('{"a":1}', [{ start_offset: 6, end_offset: 6 }]);
    assert.deepEqual(
      segs.map((x) => [x.text, x.caret ?? false]),
      [
        ['{"a":1', false],
        ['', true],
        ['}', false],
      ],
    );
  });

  it('keeps all the text exactly once', () => {
    const text = 'x'.repeat(50);
    const segs = segmentText(text, [
      { start_offset: 3, end_offset: 9 },
      { start_offset: 5, end_offset: 40 },
      { start_offset: 45, end_offset: 45 },
    ]);
    assert.equal(segs.map((x) => x.text).join(''), text);
  });
});

function annotation(patch: Partial<Annotation>): Annotation {
  return {
    label: 'fabricated_number',
    text: '',
    explanation: 'not in context',
    message_index: 2,
    message_part_index: 0,
    start_offset: 0,
    end_offset: 0,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
    ...patch,
  };
}

const content = `Refund ${HOSTILE} of $49.90 sent`;
const args = '{"amount":99.8,"reason":"</script>"}';
const item: ExperimentItem = {
  id: 'i1',
  conversation_id: 'c1',
  model_config: 'm',
  sample_index: 0,
  status: 'completed',
  failure_reason: null,
  response_messages: [
    {
      message_index: 2,
      message: {
        role: 'assistant',
        content,
        tool_calls: [{ id: 't', type: 'function', function: { name: 'issue_refund', arguments: args } }],
      },
    },
  ],
  annotations: [
    annotation({ text: '$49.90', start_offset: content.indexOf('$49.90'), end_offset: content.indexOf('$49.90') + 6 }),
    annotation({
      label: 'invalid_parameter_value',
      text: '99.8',
      message_part_index: 1,
      start_offset: 10,
      end_offset: 14,
      tool_name: 'issue_refund',
      parameter_name: 'amount',
    }),
    annotation({ label: 'unsupported_claim', text: 'elsewhere', message_index: 7 }),
  ],
  input_tokens: 10,
  output_tokens: 5,
  reasoning_tokens: null,
  latency_ms: 900,
  time_to_first_token_ms: null,
  finish_reason: 'stop',
  cost_usd: null,
  started_at: null,
  completed_at: null,
};

describe('responseViews and itemDetail', () => {
  it('places annotations in content and tool-call arguments, and reports the rest as unplaced', () => {
    const { messages, unplaced } = responseViews(item.response_messages, item.annotations);
    assert.equal(messages[0]!.parts.length, 2);
    assert.deepEqual(messages[0]!.parts[0]!.annotationIndices, [0]);
    assert.deepEqual(messages[0]!.parts[1]!.annotationIndices, [1]);
    assert.equal(messages[0]!.parts[1]!.segments.find((x) => x.covering.length)!.text, '99.8');
    assert.deepEqual(unplaced, [2]);
  });

  it('renders hostile trace text as text, with the spans marked', () => {
    const html = toHtml(
      itemDetail(item, { id: 'c1', file: 'a.jsonl', line: 0, messageCount: 3, firstUserMessage: '<b>hi</b>' }, labelDescriptions([])),
    );
    assert.ok(!/<img|<script|<\/script>|<b>/i.test(html), 'no markup from the trace');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;'));
    assert.ok(html.includes('&lt;/script&gt;'), 'tool-call arguments escaped too');
    assert.match(
      html,
      /<mark class="hl l\d"[^>]*title="Fabricated number: not in context \(local, confidence 90%\)"[^>]*>\$49\.90<\/mark>/,
    );
    assert.match(html, /<mark[^>]*>99\.8<\/mark>/);
    assert.ok(textOf(itemDetail(item, undefined, {})).includes('not found in the response text'));
  });
});

describe('formatting and deltas', () => {
  it('formats values for cards and axes', () => {
    assert.equal(formatPercent(0.1234), '12.3%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(null), '—');
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(1240), '1.24 s');
    assert.equal(formatDuration(125_000), '2m 05s');
    assert.equal(formatDurationShort(2000), '2s');
    assert.equal(formatUsd(4.1), '$4.10');
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatCompact(34_500), '35k');
    assert.equal(humanizeLabel('fabricated_url'), 'Fabricated URL');
    assert.equal(truncate('abcdef', 4), 'abc…');
  });

  it('reads deltas as better or worse by the metric’s direction', () => {
    assert.deepEqual(metricDelta(metricDef('hallucination_rate'), 0.2, 0.25), {
      value: -0.04999999999999999,
      text: '−5.0 pp',
      tone: 'better',
    });
    assert.equal(metricDelta(metricDef('hallucination_free_count'), 8, 10).tone, 'worse');
    assert.equal(metricDelta(metricDef('total_input_tokens'), 120, 100).text, '+20 (+20%)');
    assert.equal(metricDelta(metricDef('total_input_tokens'), 120, 100).tone, 'neutral');
    assert.equal(metricDelta(metricDef('cost_per_1k'), null, 1).text, '');
  });
});
