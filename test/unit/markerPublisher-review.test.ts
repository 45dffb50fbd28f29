// Markers after review: a dismissed annotation has no marker unless dismissed ones are shown (then
// a hint saying so), the hover says who gave the verdict and when, and the diagnostic carries the
// annotation's id for the quick fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { itemSchema, type Annotation } from '../../common/schema';
import { parseTraceText } from '../../server/core/traceParser';
import { MarkerPublisher, type ShownExperiment } from '../../server/markerPublisher';

const FILE = '/ws/traces/prices.jsonl';
const ANSWER = 'It costs 250 EUR, delivery in 3 days.';
const text =
  JSON.stringify({
    id: 'p1',
    messages: [
      { role: 'user', content: 'Price?' },
      { role: 'assistant', content: ANSWER },
    ],
  }) + '\n';

function ann(needle: string, over: Partial<Annotation> = {}): Annotation {
  const start = ANSWER.indexOf(needle);
  return {
    label: 'fabricated_number',
    text: needle,
    explanation: `${needle} is not in the context`,
    message_index: 1,
    message_part_index: 0,
    start_offset: start,
    end_offset: start + needle.length,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
    ...over,
  };
}

function publish(annotations: Annotation[], showDismissed: boolean) {
  const sent: Diagnostic[][] = [];
  const conversations = parseTraceText(FILE, text).conversations;
  const shown: ShownExperiment = {
    id: 'e1',
    name: 'traced',
    items: [
      itemSchema.parse({
        id: 'i1',
        conversation_id: 'p1',
        model_config: 'traced',
        sample_index: 0,
        status: 'completed',
        response_messages: [],
        annotations,
      }),
    ],
  };
  const publisher = new MarkerPublisher(
    {
      shownExperiment: () => shown,
      fileNames: () => [FILE],
      isIndexed: () => true,
      conversations: { fileOf: () => FILE, get: (id) => conversations.find((c) => c.id === id) },
      problemsOf: () => [],
      source: () => ({ kind: 'text', text }),
      showDismissed: () => showDismissed,
    },
    (_uri, d) => sent.push(d),
  );
  publisher.publishAll();
  return { diagnostics: sent[sent.length - 1]!, publisher };
}

const at = '2026-12-03T10:15:00.000Z';
const dismissed = ann('250', { id: 'a-250', review: { verdict: 'dismissed', author: 'ann', at, comment: 'in the price list' } });
const confirmed = ann('3 days', { id: 'a-3d', review: { verdict: 'relabelled', label: 'unsupported_claim', author: 'bo', at } });

test('a dismissed annotation has no marker by default; the others carry their id and verdict for quick fixes', () => {
  const { diagnostics } = publish([dismissed, confirmed], false);
  assert.equal(diagnostics.length, 1);
  const d = diagnostics[0]!;
  assert.deepEqual(d.data, { experimentId: 'e1', itemId: 'i1', annotationId: 'a-3d', verdict: 'relabelled' });
  assert.equal(d.code, 'unsupported_claim', 'relabelled: the marker shows the label people gave');
  assert.equal(d.severity, DiagnosticSeverity.Warning);
});

test('shown on request: a dismissed marker is a hint that says "dismissed"; the hover names the verdict, who and when', () => {
  const { diagnostics, publisher } = publish([dismissed, confirmed], true);
  const hint = diagnostics.find((d) => (d.data as { annotationId?: string }).annotationId === 'a-250')!;
  assert.equal(hint.severity, DiagnosticSeverity.Hint);
  assert.match(hint.message, /^dismissed — fabricated number: /);
  assert.equal(hint.tags, undefined, 'no strike-through');
  const hover = publisher.hover('file:///ws/traces/prices.jsonl', hint.range.start);
  // Markdown escapes (\- \:) as the hover writes them, read as the text they render.
  const value = unescape((hover!.contents as MarkupContent).value);
  assert.match(value, /\*\*Dismissed — not a hallucination\*\* by ann on 2026-12-03 10:15 UTC — in the price list/);
  const other = publisher.hover('file:///ws/traces/prices.jsonl', diagnostics.find((d) => d !== hint)!.range.start);
  assert.match(unescape((other!.contents as MarkupContent).value), /\*\*Relabelled\*\* as unsupported claim by bo on 2026-12-03 10:15 UTC/);
});

const unescape = (markdown: string) => markdown.replace(/\\([-:.])/g, '$1');
