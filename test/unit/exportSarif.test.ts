// "Export as SARIF" on an experiment: every annotation once, each region exactly where its marker
// is (the same placement), the SARIF valid against the official schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import { itemSchema, type Annotation } from '../../common/schema';
import { parseTraceText } from '../../server/core/traceParser';
import { checkResultOfPlacements } from '../../server/core/check/experimentFindings';
import { sarifLog } from '../../server/core/check/sarif';
import { MarkerPublisher } from '../../server/markerPublisher';
import type { Diagnostic } from 'vscode-languageserver/node';

const FILE = '/ws/traces/t.jsonl';
const conversation = {
  id: 'c1',
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  ],
  messages: [
    { role: 'user', content: 'Weather in Paris, caf\u00e9 district?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'k', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Lyon"}' } }],
    },
    { role: 'tool', tool_call_id: 'k', content: '{"temp_c": 18}' },
    { role: 'assistant', content: 'In the \u201ccaf\u00e9\u201d district: 18 \u00b0C, humidity 73%.' },
  ],
};
const text =
  JSON.stringify(conversation).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';

function annotation(messageIndex: number, part: string, needle: string, over: Partial<Annotation> = {}): Annotation {
  const start = part.indexOf(needle);
  return {
    label: 'fabricated_number',
    text: needle,
    explanation: 'not in the context',
    message_index: messageIndex,
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

test("the SARIF of an experiment has one result per annotation, each on its marker's exact range", () => {
  const lyon = annotation(1, '{"city": "Lyon"}', 'Lyon', {
    label: 'ungrounded_parameter_value',
    tool_name: 'get_weather',
    parameter_name: 'city',
  });
  const humidity = annotation(3, conversation.messages[3]!.content!, '73%');
  const items = [
    itemSchema.parse({
      id: 'i1',
      conversation_id: 'c1',
      model_config: 'traced',
      sample_index: 0,
      status: 'completed',
      response_messages: [],
      annotations: [lyon, humidity],
    }),
  ];
  const sent: Diagnostic[][] = [];
  const publisher = new MarkerPublisher(
    {
      shownExperiment: () => ({ id: 'e1', name: 'x', items }),
      fileNames: () => [FILE],
      isIndexed: () => true,
      conversations: { fileOf: () => FILE, get: (id) => parseTraceText(FILE, text).conversations.find((c) => c.id === id) },
      problemsOf: () => [],
      source: () => ({ kind: 'text', text }),
    },
    (_uri, diagnostics) => sent.push(diagnostics),
  );
  publisher.publishFile(FILE);
  const markers = sent.at(-1)!;
  const placed = publisher.locateAll({ id: 'e1', name: 'x', items });
  const log = sarifLog(checkResultOfPlacements(placed, 1, '/ws'), { toolVersion: '0.1.0' });
  const results = log.runs[0]!.results!;
  assert.equal(results.length, 2);
  assert.equal(markers.length, 2);
  results.forEach((r, i) => {
    const region = r.locations![0]!.physicalLocation!.region!;
    const m = markers[i]!.range;
    assert.deepEqual(
      [region.startLine, region.startColumn, region.endLine, region.endColumn],
      [m.start.line + 1, m.start.character + 1, m.end.line + 1, m.end.character + 1],
    );
    assert.equal(r.locations![0]!.physicalLocation!.artifactLocation!.uri, 'traces/t.jsonl');
  });
  const line = text.split('\n')[0]!;
  assert.equal(line.slice(markers[1]!.range.start.character, markers[1]!.range.end.character), '73%');
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, unicodeRegExp: false }).compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors));
});
