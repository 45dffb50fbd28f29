// Marker publishing without a process: a trace file indexed in memory, an experiment's items made
// by hand, and a fake `send` that records what the editor would receive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Diagnostic } from 'vscode-languageserver/node';
import { itemSchema, type Annotation, type ExperimentItem } from '../../common/schema';
import type { TraceProblem } from '../../common/protocol';
import { parseTraceText } from '../../server/core/traceParser';
import { MAX_MARKED_PART_CHARS, MAX_MARKERS_PER_FILE, MarkerPublisher, type ShownExperiment } from '../../server/markerPublisher';
import type { TraceSource } from '../../server/traceFiles';

const FILE = '/ws/traces/weather.jsonl';
const URI = 'file:///ws/traces/weather.jsonl';

const weather = (id: string, city: string, answer: string, tool = 'get_weather', parameter = 'city') => ({
  id,
  tools: [{ type: 'function', function: { name: tool, parameters: { type: 'object', properties: { [parameter]: { type: 'string' } } } } }],
  messages: [
    { role: 'user', content: `What is the weather in Paris? (${id})` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: tool, arguments: JSON.stringify({ [parameter]: city }) } }],
    },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp_c": 18}' },
    { role: 'assistant', content: answer },
  ],
});

function annotationOn(
  messageIndex: number,
  partIndex: number,
  partText: string,
  needle: string,
  over: Partial<Annotation> = {},
): Annotation {
  const start = partText.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in ${partText}`);
  return {
    label: 'fabricated_number',
    text: needle,
    explanation: `${needle} is not in the context`,
    message_index: messageIndex,
    message_part_index: partIndex,
    start_offset: start,
    end_offset: start + needle.length,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
    ...over,
  };
}

function item(
  id: string,
  conversationId: string,
  annotations: Annotation[],
  status: ExperimentItem['status'] = 'completed',
): ExperimentItem {
  return itemSchema.parse({
    id,
    conversation_id: conversationId,
    model_config: 'traced',
    sample_index: 0,
    status,
    response_messages: [],
    annotations,
  });
}

/** A publisher over one in-memory file; `shown` and `text` may be changed by the test. */
function setup(lines: unknown[], problems: TraceProblem[] = []) {
  const state = {
    text: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    shown: null as ShownExperiment | null,
    readable: true,
  };
  const parsed = () => parseTraceText(FILE, state.text);
  const sent: Array<{ uri: string; diagnostics: Diagnostic[] }> = [];
  const publisher = new MarkerPublisher(
    {
      shownExperiment: () => state.shown,
      fileNames: () => [FILE],
      isIndexed: (f) => f === FILE,
      conversations: {
        fileOf: (id) => (parsed().conversations.some((c) => c.id === id) ? FILE : undefined),
        get: (id) => parsed().conversations.find((c) => c.id === id),
      },
      problemsOf: () => problems,
      source: (): TraceSource | null => (state.readable ? { kind: 'text', text: state.text } : null),
    },
    (uri, diagnostics) => sent.push({ uri, diagnostics }),
  );
  const last = () => sent[sent.length - 1]!;
  const markers = () => last().diagnostics.filter((d) => d.code !== 'trace-format' && d.code !== 'markers-not-shown');
  const covered = (d: Diagnostic) => state.text.split('\n')[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);
  return { state, parsed, sent, publisher, last, markers, covered };
}

test("annotations become warnings on the exact characters, beside the file's problems", () => {
  const problem: TraceProblem = { file: FILE, line: 2, message: 'weather.jsonl:3 is not valid JSON', severity: 'error' };
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris, humidity 73%.'), weather('w2', 'Nice', 'Sunny, 31 degrees.')], [problem]);
  const lyon = annotationOn(1, 0, '{"city":"Lyon"}', 'Lyon', {
    label: 'ungrounded_parameter_value',
    tool_name: 'get_weather',
    parameter_name: 'city',
  });
  const humidity = annotationOn(3, 0, 'It is 18 °C in Paris, humidity 73%.', '73%');
  const degrees = annotationOn(3, 0, 'Sunny, 31 degrees.', '31 degrees');
  t.state.shown = {
    id: 'e1',
    name: 'proto',
    items: [item('i1', 'w1', [lyon, humidity]), item('i2', 'w2', [degrees]), item('i3', 'w2', [degrees], 'failed')],
  };
  t.publisher.publishFile(FILE);

  assert.equal(t.last().uri, URI);
  const format = t.last().diagnostics.filter((d) => d.code === 'trace-format');
  assert.deepEqual(
    format.map((d) => [d.range.start.line, d.severity, d.message]),
    [[2, 1, problem.message]],
  );
  const ms = t.markers();
  assert.deepEqual(
    ms.map((d) => [d.range.start.line, t.covered(d)]),
    [
      [0, 'Lyon'],
      [0, '73%'],
      [1, '31 degrees'],
    ],
    'a failed item gets no marker',
  );
  assert.ok(ms.every((d) => d.severity === 2 && d.source === 'hallucination-lab' && d.range.start.line === d.range.end.line));
  assert.equal(ms[0]!.message, 'ungrounded parameter value: Lyon is not in the context');
  assert.equal(ms[0]!.code, 'ungrounded_parameter_value');
  assert.deepEqual(ms[2]!.data, { experimentId: 'e1', itemId: 'i2' });
});

test('the hover lists every marker under the cursor, with detector, confidence, experiment, tool and parameter', () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris, humidity 73%.')]);
  const text = 'It is 18 °C in Paris, humidity 73%.';
  const wide = annotationOn(3, 0, text, 'humidity 73%', { label: 'fabricated_fact', explanation: 'no humidity was measured' });
  const narrow = annotationOn(3, 0, text, '73%', { explanation: 'invented', detector: 'judge', confidence: 0.5 });
  const lyon = annotationOn(1, 0, '{"city":"Lyon"}', 'Lyon', {
    label: 'ungrounded_parameter_value',
    tool_name: 'get_weather',
    parameter_name: 'city',
  });
  t.state.shown = { id: 'e1', name: 'proto', items: [item('i1', 'w1', [wide, narrow, lyon])] };
  t.publisher.publishFile(FILE);
  const [wideD, narrowD, lyonD] = t.markers();

  const both = t.publisher.hover(URI, narrowD!.range.start)!;
  const value = (both.contents as { value: string }).value;
  assert.equal(value.split('\n\n---\n\n').length, 2, 'both markers hold the position');
  assert.match(value, /\*\*Hallucination: fabricated fact\*\*/);
  assert.match(value, /no humidity was measured/);
  assert.match(value, /Detector: `judge` · confidence 0\.50 · experiment _proto_/);
  assert.deepEqual(both.range, wideD!.range);

  const onLyon = (t.publisher.hover(URI, lyonD!.range.end)!.contents as { value: string }).value;
  assert.match(onLyon, /ungrounded parameter value/);
  assert.match(onLyon, / · tool `get\\?_weather` · parameter `city`$/);
  assert.equal(t.publisher.hover(URI, { line: 0, character: 0 }), null, 'no marker there');
  assert.equal(t.publisher.hover('file:///ws/other.jsonl', lyonD!.range.start), null);
});

test('nothing trace-derived in a hover is live Markdown: no link, image, autolink or HTML', () => {
  const tool = 'get`[click me](https://evil.example/t)`';
  const parameter = '![pixel](https://evil.example/p.png)';
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.', tool, parameter)]);
  const args = JSON.stringify({ [parameter]: 'Lyon' });
  const hostile = annotationOn(1, 0, args, 'Lyon', {
    label: 'made_up_[label](https://evil.example/l)',
    explanation:
      'see ![img](https://evil.example/i.png) <img src=x onerror=alert(1)> https://evil.example/a www.evil.example mail@evil.example &#60;b&#62; [ref]\n\n[ref]: https://evil.example/r',
    detector: 'local](https://evil.example/d)',
    tool_name: tool,
    parameter_name: parameter,
  });
  t.state.shown = { id: 'e1', name: '<b>exp</b> [x](https://evil.example/e)', items: [item('i1', 'w1', [hostile])] };
  t.publisher.publishFile(FILE);
  const value = (t.publisher.hover(URI, t.markers()[0]!.range.start)!.contents as { value: string }).value;
  // CommonMark with GFM-style autolinks, as the editor renders hovers.
  const html = new MarkdownIt({ html: true, linkify: true }).render(value);
  assert.doesNotMatch(html, /<a |<img|<b>/i, html);
  assert.match(html, /evil\.example\/i\.png/, 'the text is still shown, as text');
  assert.ok(html.includes('<code>get`[click me](https://evil.example/t)`</code>'), html);
  assert.ok(html.includes('<code>![pixel](https://evil.example/p.png)</code>'), html);
});

test('bidi controls in trace text cannot reorder a diagnostic message', () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.')]);
  const a = annotationOn(3, 0, 'It is 18 °C in Paris.', '18 °C', {
    label: 'fabricated\u202e_number',
    explanation: 'safe \u2066evil\u2069 text \u202ereversed',
  });
  t.state.shown = { id: 'e1', name: 'proto', items: [item('i1', 'w1', [a])] };
  t.publisher.publishFile(FILE);
  const [m] = t.markers();
  assert.doesNotMatch(m!.message, /[\u202a-\u202e\u2066-\u2069]/);
  assert.equal(m!.message, 'fabricated<U+202E> number: safe <U+2066>evil<U+2069> text <U+202E>reversed');
  const hover = (t.publisher.hover(URI, m!.range.start)!.contents as { value: string }).value;
  assert.doesNotMatch(hover, /[\u202a-\u202e\u2066-\u2069]/);
});

test("deleting the shown experiment clears its markers and hovers; the file's problems stay", () => {
  const problem: TraceProblem = { file: FILE, line: 0, message: 'a problem', severity: 'warning' };
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.')], [problem]);
  t.state.shown = { id: 'e1', name: 'proto', items: [item('i1', 'w1', [annotationOn(3, 0, 'It is 18 °C in Paris.', '18 °C')])] };
  t.publisher.publishAll();
  const marker = t.markers()[0]!;
  assert.ok(t.publisher.hover(URI, marker.range.start));
  t.state.shown = null; // what the session reports once the experiment is deleted
  t.publisher.publishAll();
  assert.deepEqual(t.markers(), []);
  assert.deepEqual(
    t.last().diagnostics.map((d) => d.message),
    ['a problem'],
  );
  assert.equal(t.publisher.hover(URI, marker.range.start), null);
  t.publisher.clear(URI);
  assert.deepEqual(t.last(), { uri: URI, diagnostics: [] });
});

test(`at most ${MAX_MARKERS_PER_FILE} markers per file; the rest are counted in one note`, () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.'), weather('w2', 'Nice', 'It is 18 °C in Paris.')]);
  const many = (n: number) => Array.from({ length: n }, () => annotationOn(3, 0, 'It is 18 °C in Paris.', 'Paris'));
  t.state.shown = { id: 'e1', name: 'big', items: [item('i1', 'w1', many(700)), item('i2', 'w2', many(550))] };
  t.publisher.publishFile(FILE);
  assert.equal(t.markers().length, MAX_MARKERS_PER_FILE);
  assert.equal(t.markers().filter((d) => d.range.start.line === 1).length, 300, 'the first items fill the cap, in item order');
  const notes = t.last().diagnostics.filter((d) => d.code === 'markers-not-shown');
  assert.deepEqual(
    notes.map((d) => [d.range.start.line, d.severity, d.message]),
    [
      [
        0,
        3,
        '250 more hallucination annotation(s) of experiment "big" are not shown as markers in this file (at most 1000); the report lists them all',
      ],
    ],
  );
});

test('a part too long to map gets a note on its conversation instead of markers', () => {
  const long = `${'x'.repeat(MAX_MARKED_PART_CHARS)} 42`;
  const t = setup([weather('w1', 'Lyon', 'short 18'), weather('w2', 'Nice', long)]);
  t.state.shown = {
    id: 'e1',
    name: 'proto',
    items: [
      item('i1', 'w1', [annotationOn(3, 0, 'short 18', '18')]),
      item('i2', 'w2', [annotationOn(3, 0, long, '42'), annotationOn(3, 0, long, '42')]),
    ],
  };
  t.publisher.publishFile(FILE);
  assert.deepEqual(
    t.markers().map((d) => t.covered(d)),
    ['18'],
  );
  const notes = t.last().diagnostics.filter((d) => d.code === 'markers-not-shown');
  assert.equal(notes.length, 1, 'one note per message');
  assert.equal(notes[0]!.range.start.line, 1);
  assert.match(notes[0]!.message, /^message 3 of conversation w2 is longer than 1,048,576 characters/);
});

test('an unreadable file gets no markers; edited text no longer holding the annotation gets none either', () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.')]);
  t.state.shown = { id: 'e1', name: 'proto', items: [item('i1', 'w1', [annotationOn(3, 0, 'It is 18 °C in Paris.', '18 °C')])] };
  t.state.readable = false;
  t.publisher.publishFile(FILE);
  assert.deepEqual(t.last().diagnostics, []);
  t.state.readable = true;
  t.state.text = JSON.stringify(weather('w1', 'Lyon', 'It is 21 °C in Paris.')) + '\n';
  t.publisher.publishFile(FILE);
  assert.deepEqual(t.markers(), []);
  assert.equal(t.publisher.place(FILE, t.parsed().conversations[0]!, t.state.shown.items[0]!.annotations[0]!), null);
});

test('a byte order mark on disk does not shift markers on the first line (the editor drops it)', () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.'), weather('w2', 'Nice', 'It is 18 °C in Paris.')]);
  const withoutBom = t.state.text;
  t.state.text = `\ufeff${withoutBom}`;
  const a = annotationOn(3, 0, 'It is 18 °C in Paris.', '18 °C');
  t.state.shown = { id: 'e1', name: 'proto', items: [item('i1', 'w1', [a]), item('i2', 'w2', [a])] };
  t.publisher.publishFile(FILE);
  const lines = withoutBom.split('\n');
  assert.deepEqual(
    t.markers().map((d) => [d.range.start.line, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]),
    [
      [0, '18 °C'],
      [1, '18 °C'],
    ],
  );
});

test('publishSoon folds the calls of a burst into one publish', async () => {
  const t = setup([weather('w1', 'Lyon', 'It is 18 °C in Paris.')]);
  for (let i = 0; i < 20; i++) t.publisher.publishSoon(20);
  assert.equal(t.sent.length, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(t.sent.length, 1);
  t.publisher.dispose();
});
