// Malformed variants of every format: a diagnostic where the problem is, and every conversation
// that can still be read is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceProblem } from '../../common/protocol';
import { parseTraceText, type ParsedTraceFile } from '../../server/core/traceParser';

const dir = path.join(__dirname, '..', 'fixtures', 'formats');
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Variant {
  name: string;
  /** The mutated file text. */
  text: string;
  /** A problem matching this, on the line where `lineOf` is (first occurrence in the text). */
  problem: RegExp;
  lineOf?: string;
  severity?: TraceProblem['severity'];
  /** Conversations that must still be read. */
  keeps: string[];
}

function check(file: string, v: Variant): ParsedTraceFile {
  const r = parseTraceText(path.join('/w', file), v.text, file);
  const found = r.problems.find((p) => v.problem.test(p.message));
  assert.ok(
    found,
    `${file} / ${v.name}: no problem matching ${v.problem}; got:\n${r.problems.map((p) => `  ${p.severity} ${p.line}: ${p.message}`).join('\n')}`,
  );
  if (v.severity) assert.equal(found.severity, v.severity, `${file} / ${v.name}`);
  if (v.lineOf !== undefined) {
    const at = v.text.indexOf(v.lineOf);
    assert.ok(at >= 0);
    const line = v.text.slice(0, at).split('\n').length - 1;
    assert.ok(
      Math.abs(found.line - line) <= 3,
      `${file} / ${v.name}: problem on line ${found.line + 1}, expected near ${line + 1}: ${found.message}`,
    );
  }
  const lines = v.text.split('\n').length;
  for (const p of r.problems) assert.ok(p.line >= 0 && p.line < lines, `${file} / ${v.name}: problem line ${p.line} outside the file`);
  const ids = r.conversations.map((c) => c.id);
  for (const id of v.keeps) assert.ok(ids.includes(id), `${file} / ${v.name}: lost ${id}; kept ${ids.join(', ')}`);
  return r;
}

const jsonl = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Json);
const toJsonl = (rows: Json[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const truncate = (text: string, at: string) => text.slice(0, text.indexOf(at) + Math.floor(at.length / 2));

test('OTLP JSON: truncated, wrong types, missing ids, absent parent, a tool result with no call', () => {
  const file = 'otel-genai.otlp.json';
  const text = read(file);
  const doc = () => JSON.parse(text) as Json;
  const spans = (d: Json) => d.resourceSpans[0].scopeSpans[0].spans as Json[];
  const pretty = (d: Json) => JSON.stringify(d, null, 2);
  const variants: Variant[] = [
    {
      name: 'truncated inside the third chat span',
      text: truncate(text, '"spanId": "a1b2c3d4e5f60007"'),
      problem: /ends in the middle of a JSON value/,
      severity: 'error',
      keeps: ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60005'],
    },
    (() => {
      const d = doc();
      spans(d)[1].attributes = 'oops';
      return {
        name: 'attributes of the wrong type',
        text: pretty(d),
        problem: /"a1b2c3d4e5f60002" has "attributes" of type string/,
        lineOf: '"a1b2c3d4e5f60002"',
        keeps: ['a1b2c3d4e5f60005', 'a1b2c3d4e5f60007'],
      };
    })(),
    (() => {
      const d = doc();
      const out = spans(d)[4].attributes.find((a: Json) => a.key === 'gen_ai.output.messages');
      out.value.stringValue = '[{"role": "assistant", "parts": [';
      return {
        name: 'output messages that are not JSON',
        text: pretty(d),
        problem: /gen_ai\.output\.messages as a string that is not valid JSON/,
        lineOf: '"a1b2c3d4e5f60005"',
        keeps: ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60007'],
      };
    })(),
    (() => {
      const d = doc();
      delete spans(d)[2].traceId;
      return {
        name: 'a tool span without trace id',
        text: pretty(d),
        problem: /tool span "a1b2c3d4e5f60003" has no trace id/,
        lineOf: '"a1b2c3d4e5f60003"',
        keeps: ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60005', 'a1b2c3d4e5f60007'],
      };
    })(),
    (() => {
      const d = doc();
      delete spans(d)[6].spanId;
      return {
        name: 'an LLM span without span id',
        text: pretty(d),
        problem: /LLM span "chat gpt-4o" has no span id/,
        keeps: ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60005'],
      };
    })(),
    (() => {
      const d = doc();
      spans(d).splice(0, 1);
      return {
        name: 'the parent (agent) span is absent',
        text: pretty(d),
        problem: /"a1b2c3d4e5f60002": its parent "a1b2c3d4e5f60001" is not in this file/,
        severity: 'warning',
        lineOf: '"a1b2c3d4e5f60002"',
        keeps: ['a1b2c3d4e5f60002', 'a1b2c3d4e5f60005', 'a1b2c3d4e5f60007'],
      };
    })(),
    (() => {
      const d = doc();
      spans(d)[5].attributes.find((a: Json) => a.key === 'gen_ai.tool.call.id').value.stringValue = 'call_zzz';
      return {
        name: 'a tool result with no call',
        text: pretty(d),
        problem: /tool result of "search_hotels" for call "call_zzz", which no tool call in the trace has/,
        lineOf: '"a1b2c3d4e5f60006"',
        keeps: ['a1b2c3d4e5f60007'],
      };
    })(),
    (() => {
      const d = doc();
      spans(d)[1].startTimeUnixNano = 'yesterday';
      return {
        name: 'an unreadable time',
        text: pretty(d),
        problem: /unreadable start time "yesterday"/,
        lineOf: '"a1b2c3d4e5f60002"',
        keeps: ['a1b2c3d4e5f60002'],
      };
    })(),
    {
      name: 'invalid JSON in the middle',
      text: text.replace('"name": "chat gpt-4o"', '"name": chat gpt-4o"'),
      problem: /spans\[1\] is not valid JSON at line \d+, column \d+/,
      lineOf: '"name": chat gpt-4o"',
      keeps: [],
    },
  ];
  for (const v of variants) check(file, v);
});

test('flat GenAI spans (JSONL): a malformed line, wrong types, missing trace id', () => {
  const file = 'otel-genai-flat.jsonl';
  const rows = jsonl(read(file));
  const lines = read(file).trim().split('\n');
  const variants: Variant[] = [
    {
      name: 'a truncated last line',
      text: lines.slice(0, 6).join('\n') + '\n' + lines[6]!.slice(0, 300),
      problem: /otel-genai-flat\.jsonl:7 is not valid JSON/,
      lineOf: lines[6]!.slice(0, 300),
      keeps: ['f1a7c3d4e5f60002', 'f1a7c3d4e5f60005'],
    },
    (() => {
      const r = structuredClone(rows);
      r[4].attributes['gen_ai.output.messages'] = { role: 42 };
      return {
        name: 'output messages of the wrong type',
        text: toJsonl(r),
        problem: /gen_ai\.output\.messages as a value of type object that holds no message/,
        lineOf: 'f1a7c3d4e5f60005',
        keeps: ['f1a7c3d4e5f60002'],
      };
    })(),
    (() => {
      const r = structuredClone(rows);
      r[3].context = 'nope';
      return {
        name: 'context that is not an object',
        text: toJsonl(r),
        problem: /tool span "?.*has no trace id|has no span id/,
        keeps: ['f1a7c3d4e5f60002', 'f1a7c3d4e5f60007'],
      };
    })(),
  ];
  for (const v of variants) check(file, v);
});

test('OpenInference spans: missing trace id, orphan tool result, an LLM span without output', () => {
  const file = 'openinference.jsonl';
  const rows = jsonl(read(file));
  const variants: Variant[] = [
    (() => {
      const r = structuredClone(rows);
      delete r[1].context.trace_id;
      return {
        name: 'LLM span without trace id',
        text: toJsonl(r),
        problem: /LLM span "1a2b3c4d5e6f7081" has no trace id/,
        lineOf: '1a2b3c4d5e6f7081',
        keeps: ['1a2b3c4d5e6f7081', '1a2b3c4d5e6f7084', '1a2b3c4d5e6f7086'],
      };
    })(),
    (() => {
      const r = structuredClone(rows);
      r[5].attributes['tool_call.id'] = 'call_ghost';
      return {
        name: 'tool result with no call',
        text: toJsonl(r),
        problem: /for call "call_ghost", which no tool call/,
        lineOf: '1a2b3c4d5e6f7085',
        keeps: ['1a2b3c4d5e6f7086'],
      };
    })(),
    (() => {
      const r = structuredClone(rows);
      for (const k of Object.keys(r[6].attributes)) if (k.startsWith('llm.output_messages')) delete r[6].attributes[k];
      return {
        name: 'LLM span without output',
        text: toJsonl(r),
        problem: /LLM span "1a2b3c4d5e6f7086" recorded no response/,
        lineOf: '1a2b3c4d5e6f7086',
        keeps: ['1a2b3c4d5e6f7081', '1a2b3c4d5e6f7084'],
      };
    })(),
    {
      name: 'a line that is not JSON',
      text: read(file).replace('{"name":"get_weather"', '{"name":get_weather"'),
      problem: /openinference\.jsonl:3 is not valid JSON/,
      keeps: ['1a2b3c4d5e6f7081', '1a2b3c4d5e6f7086'],
    },
  ];
  for (const v of variants) check(file, v);
});

test('Langfuse: truncated export, output of the wrong type, observation whose parent is absent', () => {
  const file = 'langfuse.json';
  const text = read(file);
  const doc = () => JSON.parse(text) as Json;
  const variants: Variant[] = [
    {
      name: 'truncated inside the last generation',
      text: truncate(text, '"id": "lf-gen-3"'),
      problem: /ends in the middle of a JSON value/,
      keeps: ['lf-gen-1', 'lf-gen-2'],
    },
    (() => {
      const d = doc();
      d[0].observations[4].output = 42;
      return {
        name: 'a generation output of the wrong type',
        text: JSON.stringify(d, null, 2),
        problem: /"lf-gen-2" has an "output" that holds no readable message \(number\)/,
        lineOf: '"id": "lf-gen-2"',
        keeps: ['lf-gen-1', 'lf-gen-3'],
      };
    })(),
    (() => {
      const d = doc();
      d[0].observations[1].parentObservationId = 'lf-obs-gone';
      return {
        name: 'a parent observation absent',
        text: JSON.stringify(d, null, 2),
        problem: /"lf-gen-1": its parent "lf-obs-gone" is not in this file/,
        lineOf: '"id": "lf-gen-1"',
        keeps: ['lf-gen-1'],
      };
    })(),
  ];
  for (const v of variants) check(file, v);
});

test('LangSmith: run_type of the wrong type, outputs unreadable, a tool run with no call', () => {
  const file = 'langsmith.jsonl';
  const rows = jsonl(read(file));
  const variants: Variant[] = [
    (() => {
      const r = structuredClone(rows);
      r[1].run_type = 5;
      return {
        name: 'run_type not a string',
        text: toJsonl(r),
        problem: /has run_type 5/,
        lineOf: '2a1b0c9d-0000-4000-8000-000000000001',
        keeps: ['2a1b0c9d-0000-4000-8000-000000000004', '2a1b0c9d-0000-4000-8000-000000000006'],
      };
    })(),
    (() => {
      const r = structuredClone(rows);
      r[4].outputs = { generations: 'none' };
      return {
        name: 'outputs unreadable',
        text: toJsonl(r),
        problem: /"2a1b0c9d-0000-4000-8000-000000000004" has "outputs" that hold no readable message/,
        lineOf: '2a1b0c9d-0000-4000-8000-000000000004"',
        keeps: ['2a1b0c9d-0000-4000-8000-000000000001'],
      };
    })(),
    (() => {
      const r = structuredClone(rows);
      r[2].inputs.tool_call_id = 'call_nobody';
      r[2].outputs.output.kwargs.tool_call_id = 'call_nobody';
      return {
        name: 'tool run with no call',
        text: toJsonl(r),
        problem: /for call "call_nobody", which no tool call/,
        keeps: ['2a1b0c9d-0000-4000-8000-000000000006'],
      };
    })(),
  ];
  for (const v of variants) check(file, v);
});

test('Opik: truncated, a span of unknown type, spans of a trace that is absent', () => {
  const file = 'opik.json';
  const text = read(file);
  const doc = () => JSON.parse(text) as Json;
  const variants: Variant[] = [
    {
      name: 'truncated in the last llm span',
      text: truncate(text, '"id": "0195a3b2-7c4d-7e8f-9a0b-000000000006"'),
      problem: /ends in the middle/,
      keeps: ['0195a3b2-7c4d-7e8f-9a0b-000000000001', '0195a3b2-7c4d-7e8f-9a0b-000000000004'],
    },
    (() => {
      const d = doc();
      d.spans[2].type = 7;
      return {
        name: 'a span type that is not one of Opik’s',
        text: JSON.stringify(d, null, 2),
        problem: /has type 7/,
        lineOf: '"id": "0195a3b2-7c4d-7e8f-9a0b-000000000002"',
        keeps: ['0195a3b2-7c4d-7e8f-9a0b-000000000006'],
      };
    })(),
    (() => {
      const d = doc();
      d.spans.splice(0, 1);
      return {
        name: 'the general (root) span is absent',
        text: JSON.stringify(d, null, 2),
        problem: /its parent "0195a3b2-7c4d-7e8f-9a0b-00000000000a" is not in this file/,
        keeps: ['0195a3b2-7c4d-7e8f-9a0b-000000000006'],
      };
    })(),
  ];
  for (const v of variants) check(file, v);
});

test('detection: a file that is no trace, an empty one, and a forced format that does not fit', () => {
  const none = parseTraceText('/w/config.json', JSON.stringify({ compilerOptions: { strict: true } }), 'config.json');
  assert.equal(none.isTrace, false);
  assert.match(none.problems[0]!.message, /config\.json is not a trace file/);
  const empty = parseTraceText('/w/e.json', '  \n', 'e.json');
  assert.match(empty.problems[0]!.message, /is empty/);
  const forced = parseTraceText('/w/t.json', read('langfuse.json'), 't.json', { format: 'opik' });
  assert.equal(forced.conversations.length, 0);
  assert.ok(
    forced.problems.some((p) => /not a Opik record|holds no|type/.test(p.message)),
    forced.problems.map((p) => p.message).join('\n'),
  );
  // Forcing the convention of OTel spans reads OpenInference spans as GenAI: no conversation, no crash.
  const oiAsGenai = parseTraceText('/w/oi.jsonl', read('openinference.jsonl'), 'oi.jsonl', { format: 'otel-genai' });
  assert.equal(oiAsGenai.conversations.length, 0);
  const auto = parseTraceText('/w/oi.jsonl', read('openinference.jsonl'), 'oi.jsonl', { format: 'auto' });
  assert.equal(auto.conversations.length, 3);
});
