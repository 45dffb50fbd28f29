// The LLM judge: the prompt (pinned), the request, parsing the reply, the detector end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conversation, LabelSet, Message } from '../../common/schema';
import { UNLOCATED_NOTE, createJudgeDetector, judgeRequestBody, parseJudgeReply } from '../../server/core/judge/judgeDetector';
import { JUDGE_PROMPT_VERSION, buildJudgeMessages, defaultJudgeLabelSet } from '../../server/core/judge/judgePrompt';
import { InferenceError } from '../../server/core/inference/retry';
import { type MockServer, type Script, startMockOpenAI } from '../support/mockOpenAIServer';

const response: Message = {
  role: 'assistant',
  content: 'Booked the Grand Hotel for 2 nights at 150 EUR per night.',
  tool_calls: [{ id: 'call_2', function: { name: 'book', arguments: '{"hotel":"Grand Hotel","nights":3}' } }],
};

const conversation: Conversation = {
  id: 'j1',
  file: 'f.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'system', content: 'You book hotels.' },
    { role: 'user', content: 'Book the Grand in Paris for 2 nights.' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', function: { name: 'search_hotels', arguments: '{"city":"Paris"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '[{"name":"Grand Hotel","price_eur":180}]' },
    response,
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'search_hotels',
        description: 'Find hotels',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
};

const labelSet: LabelSet = {
  labels: [
    { name: 'wrong_price', description: 'A price not in the tool results.' },
    { name: 'ungrounded_parameter_value', description: 'An argument value nothing supports.' },
  ],
  domain_context: 'Prices are per night, in EUR.',
};

// The exact prompt of JUDGE_PROMPT_VERSION '1'. Changing the prompt means changing this snapshot
// AND bumping JUDGE_PROMPT_VERSION.
const EXPECTED_SYSTEM = `You are a meticulous reviewer of LLM applications and agents. You are shown everything a model saw — the system prompt, the user turns, the tool schemas, earlier tool calls and their results — and one response the model produced. Find every hallucination in that response: statements the context does not support or that contradict it, and tool-call arguments that are unknown, invalid or not grounded in what came before the call.

How to judge:
- Judge only the RESPONSE, and only against the CONTEXT and the TOOLS. General knowledge does not ground a specific claim (a number, date, amount, URL, e-mail address or name) that the context does not contain.
- Faithful paraphrases, summaries, arithmetic on numbers from the context, and clearly hedged statements are not hallucinations.
- A tool-call argument is grounded when the user, the system prompt, an earlier tool result, or the tool's schema (defaults, enums, descriptions) supplies it, also in a different form ("Tel Aviv" grounds "Tel Aviv, Israel").
- Report each problem once, on the shortest span that is wrong.

How to answer, for each hallucination:
- "label": one of the labels below, nothing else.
- "text": the exact characters of the response part that are wrong, copied verbatim — no ellipsis, no added quotation marks, no paraphrase. For a tool-call argument, copy the argument's value as it is written in the arguments JSON.
- "explanation": one or two sentences saying what the context says instead, or that it says nothing about it.
- "message_part_index": the number of the response part the text comes from.
- "tool_name": the name of the called tool when the part is a tool call, else null.
- "parameter_name": the argument concerned, or null when the whole call is at fault or the part is not a tool call.
- "confidence": your probability, from 0 to 1, that this is a real hallucination.

Labels:
- wrong_price: A price not in the tool results.
- ungrounded_parameter_value: An argument value nothing supports.

Domain context, from the people who built this application:
Prices are per night, in EUR.

Answer with one JSON object, {"annotations": [...]}, and nothing else. When the response has no hallucination, answer {"annotations": []}.`;

const EXPECTED_USER = `<tools>
[
  {
    "name": "search_hotels",
    "description": "Find hotels",
    "parameters": {
      "type": "object",
      "properties": {
        "city": {
          "type": "string"
        }
      },
      "required": [
        "city"
      ]
    }
  }
]
</tools>

<context>
<message index="0" role="system">
You book hotels.
</message>
<message index="1" role="user">
Book the Grand in Paris for 2 nights.
</message>
<message index="2" role="assistant">
<tool_call id="call_1" name="search_hotels">{"city":"Paris"}</tool_call>
</message>
<message index="3" role="tool" tool_call_id="call_1" tool_name="search_hotels">
[{"name":"Grand Hotel","price_eur":180}]
</message>
</context>

<response message_index="4">
<part index="0" kind="text">
Booked the Grand Hotel for 2 nights at 150 EUR per night.
</part>
<part index="1" kind="tool_call" tool_name="book">
{"hotel":"Grand Hotel","nights":3}
</part>
</response>`;

describe('judge prompt', () => {
  it('is pinned: version 1, exact messages for a small fixture', () => {
    assert.equal(JUDGE_PROMPT_VERSION, '1');
    const messages = buildJudgeMessages({ conversation, messageIndex: 4, message: response, labelSet });
    assert.deepEqual(messages, [
      { role: 'system', content: EXPECTED_SYSTEM },
      { role: 'user', content: EXPECTED_USER },
    ]);
  });

  it('uses the built-in labels (without schema_violation) when no label set is given', () => {
    const [system] = buildJudgeMessages({ conversation, messageIndex: 4, message: response });
    assert.match(system!.content, /- unknown_tool: A call to a tool that the trace does not define\./);
    assert.match(system!.content, /- fabricated_number: /);
    assert.doesNotMatch(system!.content, /schema_violation/);
    assert.doesNotMatch(system!.content, /Domain context/);
    assert.equal(defaultJudgeLabelSet().labels.length, 12);
  });

  it('renders content parts, unnamed calls and an empty context', () => {
    const [, user] = buildJudgeMessages({
      conversation: { ...conversation, messages: [], tools: [] },
      messageIndex: 0,
      message: { role: 'assistant', content: [{ type: 'text', text: 'one' }, { type: 'image_url' }, { type: 'text', text: 'two' }] },
    });
    assert.match(user!.content, /<tools>\n\(no tools\)\n<\/tools>/);
    assert.match(user!.content, /<context>\n\(no context\)\n<\/context>/);
    assert.match(user!.content, /<part index="0" kind="text">\none\n<\/part>\n<part index="1" kind="text">\ntwo\n<\/part>/);
  });
});

describe('judge request and reply', () => {
  it('asks for structured output with the annotation shape and the labels as an enum', () => {
    const body = judgeRequestBody({ model: 'judge-1' }, { conversation, messageIndex: 4, message: response, labelSet });
    assert.equal(body.model, 'judge-1');
    assert.equal(body.temperature, 0);
    assert.equal(body.messages.length, 2);
    assert.deepEqual(body.response_format, {
      type: 'json_schema',
      json_schema: {
        name: 'hallucination_annotations',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            annotations: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  label: { type: 'string', enum: ['wrong_price', 'ungrounded_parameter_value'] },
                  text: { type: 'string' },
                  explanation: { type: 'string' },
                  message_part_index: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
                  tool_name: { type: ['string', 'null'] },
                  parameter_name: { type: ['string', 'null'] },
                  confidence: { type: 'number' },
                },
                required: ['label', 'text', 'explanation', 'message_part_index', 'tool_name', 'parameter_name', 'confidence'],
                additionalProperties: false,
              },
            },
          },
          required: ['annotations'],
          additionalProperties: false,
        },
      },
    });
  });

  it('parses the reply leniently: fences tolerated, unknown labels and junk dropped', () => {
    const reply =
      '```json\n' +
      JSON.stringify({
        annotations: [
          {
            label: 'wrong_price',
            text: '150 EUR',
            explanation: 'x',
            message_part_index: 0,
            tool_name: null,
            parameter_name: null,
            confidence: 0.9,
          },
          { label: 'made_up_label', text: 'x' },
          'junk',
          { label: 'ungrounded_parameter_value', text: '3' },
        ],
      }) +
      '\n```';
    const parsed = parseJudgeReply(reply, labelSet);
    assert.deepEqual(
      parsed.map((p) => p.label),
      ['wrong_price', 'ungrounded_parameter_value'],
    );
    assert.deepEqual(parseJudgeReply('{"annotations": []}', labelSet), []);
    assert.throws(
      () => parseJudgeReply('I think it is fine.', labelSet),
      (e: unknown) => e instanceof InferenceError && /not valid JSON/.test(e.message),
    );
    assert.throws(() => parseJudgeReply('{"result": 1}', labelSet), /no "annotations" array/);
  });
});

describe('judge detector against the mock server', () => {
  let server: MockServer;
  let script: Script | undefined;
  before(async () => {
    server = await startMockOpenAI({ script: (req, n) => script?.(req, n) });
  });
  after(() => server.close());

  it('one call per response; quotes located to offsets; tool names from the call', async () => {
    server.reset();
    script = () => ({
      kind: 'ok',
      content: JSON.stringify({
        annotations: [
          {
            label: 'wrong_price',
            text: '150 EUR',
            explanation: 'The tool said 180 EUR.',
            message_part_index: 0,
            tool_name: null,
            parameter_name: null,
            confidence: 0.92,
          },
          {
            label: 'ungrounded_parameter_value',
            text: '3',
            explanation: 'The user asked for 2 nights.',
            message_part_index: 1,
            tool_name: 'book',
            parameter_name: 'nights',
            confidence: 1.7,
          },
          {
            label: 'wrong_price',
            text: 'a breakfast included',
            explanation: 'Nothing says so.',
            message_part_index: 0,
            tool_name: null,
            parameter_name: null,
            confidence: 0.4,
          },
        ],
      }),
    });
    const judge = createJudgeDetector({ model: { model: 'judge-1', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    assert.equal(judge.name, 'judge');
    assert.equal(judge.promptVersion, '1');
    const anns = await judge.detect({ conversation, messageIndex: 4, message: response, labelSet });
    assert.equal(server.stats.count, 1);
    const sent = server.chatRequests()[0]!.body as { messages: { content: string }[]; model: string };
    assert.equal(sent.model, 'judge-1');
    assert.equal(sent.messages[1]!.content, EXPECTED_USER);
    assert.deepEqual(anns, [
      {
        label: 'wrong_price',
        text: '150 EUR',
        explanation: 'The tool said 180 EUR.',
        message_index: 4,
        message_part_index: 0,
        start_offset: 39,
        end_offset: 46,
        tool_name: null,
        parameter_name: null,
        detector: 'judge',
        confidence: 0.92,
      },
      {
        label: 'ungrounded_parameter_value',
        text: '3',
        explanation: 'The user asked for 2 nights.',
        message_index: 4,
        message_part_index: 1,
        start_offset: 32,
        end_offset: 33,
        tool_name: 'book',
        parameter_name: 'nights',
        detector: 'judge',
        confidence: 1,
      },
      {
        label: 'wrong_price',
        text: 'a breakfast included',
        explanation: `Nothing says so. ${UNLOCATED_NOTE}`,
        message_index: 4,
        message_part_index: 0,
        start_offset: 0,
        end_offset: 0,
        tool_name: null,
        parameter_name: null,
        detector: 'judge',
        confidence: 0.4,
      },
    ]);
    assert.equal((response.content as string).slice(39, 46), '150 EUR');
    assert.equal(response.tool_calls![0]!.function.arguments.slice(32, 33), '3');
  });

  it('uses the default labels when the input has none, and answers nothing for an empty response', async () => {
    server.reset();
    script = () => ({ kind: 'ok', content: '{"annotations": []}' });
    const judge = createJudgeDetector({ model: { model: 'j', baseURL: server.url }, apiKey: null, timeoutMs: 5000, maxRetries: 0 });
    assert.deepEqual(await judge.detect({ conversation, messageIndex: 4, message: response }), []);
    const rf = (
      server.chatRequests()[0]!.body as {
        response_format: {
          json_schema: { schema: { properties: { annotations: { items: { properties: { label: { enum: string[] } } } } } } };
        };
      }
    ).response_format;
    assert.ok(rf.json_schema.schema.properties.annotations.items.properties.label.enum.includes('fabricated_number'));
    assert.deepEqual(await judge.detect({ conversation, messageIndex: 4, message: { role: 'assistant', content: null } }), []);
    assert.equal(server.stats.count, 1, 'no call for an empty response');
  });

  it('a judge that answers prose fails with the reason; HTTP errors are retried like inference', async () => {
    script = () => ({ kind: 'ok', content: 'Looks fine to me!' });
    const judge = createJudgeDetector({
      model: { model: 'j', baseURL: server.url },
      apiKey: 'k',
      timeoutMs: 5000,
      maxRetries: 1,
      retryPolicy: { baseDelayMs: 5, maxDelayMs: 5 },
    });
    await assert.rejects(judge.detect({ conversation, messageIndex: 4, message: response }), /the judge's answer is not valid JSON/);
    server.reset();
    script = (_r, n) => (n === 0 ? { kind: 'error', status: 503 } : { kind: 'ok', content: '{"annotations": []}' });
    assert.deepEqual(await judge.detect({ conversation, messageIndex: 4, message: response }), []);
    assert.equal(server.stats.count, 2);
  });

  it('detectGenerated: the judge sees the overridden context; annotations point at the response index', async () => {
    server.reset();
    script = () => ({
      kind: 'ok',
      content: JSON.stringify({
        annotations: [
          {
            label: 'wrong_price',
            text: '99 EUR',
            explanation: 'No such price.',
            message_part_index: 0,
            tool_name: null,
            parameter_name: null,
            confidence: 0.8,
          },
        ],
      }),
    });
    const judge = createJudgeDetector({ model: { model: 'j', baseURL: server.url }, apiKey: 'k', timeoutMs: 5000, maxRetries: 0 });
    const generated: Message = { role: 'assistant', content: 'The Grand Hotel costs 99 EUR.' };
    const noSystem: Conversation = { ...conversation, messages: conversation.messages.slice(1) };
    const anns = await judge.detectGenerated({
      conversation: noSystem,
      responseIndex: 3,
      systemPromptOverride: 'Be precise.',
      message: generated,
      labelSet,
    });
    assert.deepEqual(
      anns.map((a) => [a.message_index, a.message_part_index, a.start_offset, a.end_offset, a.text]),
      [[3, 0, 22, 28, '99 EUR']],
    );
    const sent = (server.chatRequests()[0]!.body as { messages: { content: string }[] }).messages[1]!.content;
    assert.match(sent, /<message index="0" role="system">\nBe precise\.\n<\/message>/);
    assert.match(sent, /<response message_index="4">\n<part index="0" kind="text">\nThe Grand Hotel costs 99 EUR\.\n<\/part>/);
    assert.doesNotMatch(sent, /Booked the Grand Hotel/, 'the traced response is not in the context');
  });

  it('cancelling the detection stops the call', async () => {
    script = () => ({ kind: 'hang' });
    const judge = createJudgeDetector({ model: { model: 'j', baseURL: server.url }, apiKey: 'k', timeoutMs: 30_000, maxRetries: 2 });
    const ctl = new AbortController();
    const p = judge.detect({ conversation, messageIndex: 4, message: response, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    const t0 = Date.now();
    await assert.rejects(p, (e: unknown) => e instanceof InferenceError && e.kind === 'aborted');
    assert.ok(Date.now() - t0 < 1000);
  });
});
