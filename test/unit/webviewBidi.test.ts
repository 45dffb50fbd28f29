// Issue 14, item 14 (the report side): bidi controls in trace-derived text — a conversation id, a
// tool name, a message — are shown as `<U+202E>` in the report, the form and the exported HTML,
// never obeyed (they could reorder what the reader sees around them), and the highlighted spans
// stay where the annotations put them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolateBidiControls } from '../../common/bidiControls';
import { reportHtml } from '../../webview/lib/exportFormats';
import { itemDetail, labelDescriptions } from '../../webview/lib/reportViews';
import { h, toHtml } from '../../webview/lib/vnode';
import { experimentFixture } from '../webview-harness/fixtures';

const CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const RLO = '\u202e';

test('text and attribute values are rendered with bidi controls shown, not obeyed', () => {
  const html = toHtml(h('span', { title: `file${RLO}lmth.exe` }, `id${RLO}cba`, h('b', null, `x\u2066y\u2069`)));
  assert.doesNotMatch(html, CONTROLS);
  assert.equal(html, '<span title="file&lt;U+202E&gt;lmth.exe">id&lt;U+202E&gt;cba<b>x&lt;U+2066&gt;y&lt;U+2069&gt;</b></span>');
  assert.equal(isolateBidiControls('שלום abc'), 'שלום abc', 'right-to-left letters are kept');
});

test('an item of the report and the exported HTML show no bidi control from the trace, and spans stay marked', () => {
  const experiment = experimentFixture({ conversations: 3, configs: ['traced'], seed: 5 });
  const item = experiment.items.find((i) => i.status === 'completed' && i.annotations.length > 0)!;
  const message = item.response_messages[0]!.message;
  const content = typeof message.content === 'string' ? message.content : '';
  // After every annotated span (controls before one would shift its offsets).
  message.content = `${content}${RLO}evil${RLO}`;
  item.conversation_id = `conv${RLO}1`;
  item.model_config = `model${RLO}x`;
  const detail = toHtml(itemDetail(item, undefined, labelDescriptions([])));
  assert.doesNotMatch(detail, CONTROLS);
  assert.ok(detail.includes('&lt;U+202E&gt;evil&lt;U+202E&gt;'));
  assert.ok(detail.includes(`<mark`), 'annotated spans are still marked');
  const exported = reportHtml(experiment, { css: '', descriptions: labelDescriptions([]) });
  assert.doesNotMatch(exported, CONTROLS);
});
