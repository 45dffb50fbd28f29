// A generated OTLP/JSON lines file as a collector's file exporter writes it, for the span-format
// `check` bench and tests: each line an export request whose batch holds spans of several traces
// at once (a batch processor exports spans as they end, so a trace's spans are spread over lines
// and interleaved with other traces'). A trace is an agent run: the agent span, a chat span that
// calls get_weather, the tool span with its result, and a chat span answering from it (every
// third answer gives a temperature the tool did not return: one finding). GenAI semantic
// conventions, messages and tool definitions as span attributes.
import * as fs from 'node:fs';
import * as path from 'node:path';

const cities = ['Paris', 'Lisbon', 'Tel Aviv', 'Berlin', 'Madrid', 'Rome', 'Oslo', 'Prague'];
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

const TOOLS = JSON.stringify([
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather forecast for a city on a given date.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, date: { type: 'string', description: 'ISO date' } },
      required: ['city', 'date'],
    },
  },
]);

/** The four spans of trace `t`, in the order they end (the order an exporter sends them). */
export function agentTraceSpans(t: number): object[] {
  const traceId = hex(0x5eed0000 + t, 8) + hex(Math.imul(t + 1, 2654435761) >>> 0, 8) + hex(t, 16);
  const id = (k: number) => hex(t * 4 + k, 12) + hex(k, 4);
  const city = cities[t % cities.length]!;
  const date = `2026-0${1 + (t % 9)}-${String(1 + (t % 28)).padStart(2, '0')}`;
  const temp = 10 + (t % 17);
  const said = t % 3 === 0 ? temp + 7 : temp;
  const t0 = 1_767_225_600_000 + t * 1000;
  const nano = (ms: number) => `${ms}000000`;
  const user = { role: 'user', parts: [{ type: 'text', content: `What will the weather be in ${city} on ${date}? Answer in celsius.` }] };
  const call = { type: 'tool_call', id: `call_${t}`, name: 'get_weather', arguments: { city, date } };
  const result = JSON.stringify({ city, date, temperature_c: temp, sky: 'clear' });
  const base = (k: number, name: string, start: number, end: number, attributes: object[]) => ({
    traceId,
    spanId: id(k),
    ...(k > 0 ? { parentSpanId: id(0) } : {}),
    name,
    kind: k === 0 ? 1 : 3,
    startTimeUnixNano: nano(t0 + start),
    endTimeUnixNano: nano(t0 + end),
    attributes,
    status: {},
  });
  const chat = (k: number, start: number, end: number, input: object[], output: object[]) =>
    base(k, 'chat gpt-4o-mini', start, end, [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.request.model', 'gpt-4o-mini'),
      str('gen_ai.input.messages', JSON.stringify(input)),
      str('gen_ai.output.messages', JSON.stringify(output)),
      str('gen_ai.tool.definitions', TOOLS),
    ]);
  return [
    chat(1, 10, 400, [user], [{ role: 'assistant', parts: [call], finish_reason: 'tool_call' }]),
    base(2, 'execute_tool get_weather', 410, 450, [
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.tool.name', 'get_weather'),
      str('gen_ai.tool.call.id', `call_${t}`),
      str('gen_ai.tool.call.arguments', JSON.stringify({ city, date })),
      str('gen_ai.tool.call.result', result),
    ]),
    chat(
      3,
      460,
      900,
      [
        user,
        { role: 'assistant', parts: [call] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: `call_${t}`, response: result }] },
      ],
      [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: `It will be ${said}°C and clear in ${city} on ${date}.` }],
          finish_reason: 'stop',
        },
      ],
    ),
    base(0, 'invoke_agent travel-desk', 0, 950, [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'travel-desk')]),
  ];
}

/**
 * Writes OTLP/JSON lines of `traces` agent traces: `concurrent` traces run at once, and each line
 * is a batch of `batch` spans taken in turn from the running traces.
 */
export function writeOtlpSpanLines(file: string, traces: number, { concurrent = 6, batch = 8 } = {}): void {
  const fd = fs.openSync(file, 'w');
  try {
    const running: object[][] = [];
    let next = 0;
    let pending: object[] = [];
    let out: string[] = [];
    const line = () => {
      out.push(
        JSON.stringify({
          resourceSpans: [
            { resource: { attributes: [str('service.name', 'travel-desk')] }, scopeSpans: [{ scope: { name: 'agent' }, spans: pending }] },
          ],
        }) + '\n',
      );
      pending = [];
      if (out.length >= 256) {
        fs.writeSync(fd, out.join(''));
        out = [];
      }
    };
    for (let turn = 0; running.length > 0 || next < traces; turn++) {
      while (running.length < concurrent && next < traces) running.push(agentTraceSpans(next++));
      // Each running trace ends one span in turn: their spans interleave.
      const i = turn % running.length;
      pending.push(running[i]!.shift()!);
      if (running[i]!.length === 0) running.splice(i, 1);
      if (pending.length === batch) line();
    }
    if (pending.length) line();
    fs.writeSync(fd, out.join(''));
  } finally {
    fs.closeSync(fd);
  }
}

/** An OTLP/JSON lines file of about `targetMb` MB in `dir` (traces as many as fit); returns its path and trace count. */
export function otlpSpanFileOfSize(targetMb: number, dir: string): { file: string; traces: number } {
  const perTrace = agentTraceSpans(1).reduce((n, s) => n + JSON.stringify(s).length, 0) + 40;
  const traces = Math.max(1, Math.round((targetMb * 1048576) / perTrace));
  const file = path.join(dir, `otlp-spans-${targetMb}mb.jsonl`);
  writeOtlpSpanLines(file, traces);
  return { file, traces };
}
