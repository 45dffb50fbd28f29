// The editor's language models as a model source (issue 19 §1), without an editor: the message
// mapping (no system role; tool calls and results), the request's tool mode and options, the
// extension's runner on fake `vscode.lm` models (streamed text and tool calls, token counts, every
// error code), the server's caller (failures naming the model, retries, cancel, structured output
// repaired once), the refusal where there is no editor (the CLI) and the form's configurations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { EditorChatPart, EditorChatRequestInput, EditorChatResult, EditorModelTransport } from '../../common/editorModels';
import { editorChatRequestSchema, editorModelConfig, EDITOR_MODELS_CLI_REFUSAL } from '../../common/editorModels';
import { experimentConfigSchema, type Conversation, type ModelConfig } from '../../common/schema';
import { settingsSchema } from '../../common/protocol';
import { SYSTEM_PREFIX, editorChatRequest, toEditorMessages } from '../../server/core/inference/editorMessages';
import { createChatCaller } from '../../server/core/inference/chatClient';
import { createInferenceSource } from '../../server/core/inference/responseSource';
import { createJudgeDetector } from '../../server/core/judge/judgeDetector';
import { InferenceError } from '../../server/core/inference/retry';
import { detectorsFor, inferenceFor, resolveModel } from '../../server/core/experiments/pipeline';
import { draftToConfig, emptyDraft, type FormContext } from '../../webview/lib/formModel';
import { classifyEditorError, runEditorModelChat, type EditorLmApi, type LmModel } from '../../extension/editorModelChat';

const editorModel: ModelConfig = editorModelConfig({
  vendor: 'test',
  family: 'fake',
  name: 'Fake Echo',
  id: 'fake-echo',
  maxInputTokens: 4096,
});
const fastRetry = { baseDelayMs: 1, maxDelayMs: 2 };

// ---- message mapping ---------------------------------------------------------------------------

describe('editor messages: chat completions → two roles', () => {
  it('carries system and developer messages in the first user message, marked as instructions', () => {
    const out = toEditorMessages([
      { role: 'system', content: 'You book hotels.' },
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: 'Book the Grand.' },
    ]);
    assert.deepEqual(out, [
      { role: 'user', parts: [{ type: 'text', text: `${SYSTEM_PREFIX}\nYou book hotels.\n\nBe brief.\n\nBook the Grand.` }] },
    ]);
  });

  it('a system message with no user message after it becomes a user message of its own', () => {
    assert.deepEqual(toEditorMessages([{ role: 'system', content: 'Only rules.' }]), [
      { role: 'user', parts: [{ type: 'text', text: `${SYSTEM_PREFIX}\nOnly rules.` }] },
    ]);
  });

  it('maps tool calls to assistant parts and tool results to one user message per turn', () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'weather', arguments: 'Rome' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '18 °C' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: '24 °C' }] },
    ];
    assert.deepEqual(toEditorMessages(messages), [
      { role: 'user', parts: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'toolCall', callId: 'c1', name: 'weather', input: { city: 'Paris' } },
          // Arguments that are not a JSON object are passed as text under "arguments".
          { type: 'toolCall', callId: 'c2', name: 'weather', input: { arguments: 'Rome' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { type: 'toolResult', callId: 'c1', content: '18 °C' },
          { type: 'toolResult', callId: 'c2', content: '24 °C' },
        ],
      },
    ]);
  });
});

describe('editor request: tools, tool mode, options, structured output', () => {
  const tools = [
    { type: 'function' as const, function: { name: 'a', description: 'A', parameters: { type: 'object' } } },
    { type: 'function' as const, function: { name: 'b' } },
  ];
  const base = { model: 'fake-echo', messages: [{ role: 'user' as const, content: 'hi' }], tools };

  it('passes tools as LanguageModelChatTool and sampling parameters as modelOptions', () => {
    const r = editorChatRequestSchema.parse(editorChatRequest(editorModel, { ...base, temperature: 0.2, seed: 3 }, { userStarted: true }));
    assert.deepEqual(r.model, { id: 'fake-echo', vendor: 'test', family: 'fake' });
    assert.deepEqual(r.tools, [
      { name: 'a', description: 'A', inputSchema: { type: 'object' } },
      { name: 'b', description: '' },
    ]);
    assert.equal(r.toolMode, 'auto');
    assert.deepEqual(r.modelOptions, { temperature: 0.2, seed: 3 });
    assert.equal(r.userStarted, true);
    assert.match(r.justification, /Hallucination Lab/);
  });

  it('tool_choice: none sends no tools, required → Required, a named function → only it, Required', () => {
    assert.deepEqual(editorChatRequest(editorModel, { ...base, tool_choice: 'none' }, { userStarted: true }).tools, []);
    assert.equal(editorChatRequest(editorModel, { ...base, tool_choice: 'required' }, { userStarted: true }).toolMode, 'required');
    const named = editorChatRequest(
      editorModel,
      { ...base, tool_choice: { type: 'function', function: { name: 'b' } } },
      { userStarted: true },
    );
    assert.deepEqual(
      named.tools?.map((t) => t.name),
      ['b'],
    );
    assert.equal(named.toolMode, 'required');
  });

  it('asks for structured output in words (the schema appended to the last user message)', () => {
    const r = editorChatRequest(
      editorModel,
      {
        ...base,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object', properties: { n: { type: 'number' } } } },
        },
      },
      { userStarted: true },
    );
    const parts = r.messages[r.messages.length - 1]!.parts;
    const last = parts[parts.length - 1] as Extract<EditorChatPart, { type: 'text' }>;
    assert.match(last.text, /one JSON object only/);
    assert.match(last.text, /"properties":\{"n":\{"type":"number"\}\}/);
  });

  it('refuses logprobs, which the API cannot give', () => {
    assert.throws(() => editorChatRequest(editorModel, { ...base, logprobs: true }, { userStarted: true }), /logprobs are not available/);
  });
});

// ---- the extension's runner on fake models -------------------------------------------------------

class FakeLmError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Chunk = { text: string } | { callId: string; name: string; input: unknown };

function fakeModel(
  answer: Chunk[] | Error,
  opts: { id?: string; name?: string } = {},
): LmModel & { sent: { messages: unknown[]; options: unknown }[] } {
  const sent: { messages: unknown[]; options: unknown }[] = [];
  return {
    id: opts.id ?? 'fake-echo',
    name: opts.name ?? 'Fake Echo',
    vendor: 'test',
    family: 'fake',
    sent,
    async sendRequest(messages, options) {
      sent.push({ messages, options });
      if (answer instanceof Error) throw answer;
      return {
        stream: (async function* () {
          for (const c of answer) yield c;
        })(),
      };
    },
    // One token per 4 characters of whatever is counted.
    async countTokens(text) {
      return Math.ceil(JSON.stringify(text).length / 4);
    },
  };
}

function fakeApi(models: LmModel[], opts: { consent?: boolean | undefined; tools?: boolean | undefined } = {}): EditorLmApi {
  return {
    selectChatModels: async (s) => models.filter((m) => (!s.id || m.id === s.id) && (!s.vendor || m.vendor === s.vendor)),
    canSendRequest: () => opts.consent,
    supportsToolCalling: () => opts.tools,
    userMessage: (parts) => ({ role: 'user', parts }),
    assistantMessage: (parts) => ({ role: 'assistant', parts }),
    toolMode: (mode) => `mode:${mode}`,
    readPart: (p) => p as Chunk,
    errorCode: (e) => (e instanceof FakeLmError ? e.code : null),
    isCancellation: (e) => e instanceof Error && e.name === 'Canceled',
  };
}

const never = { isCancellationRequested: false };
function request(over: Partial<EditorChatRequestInput> = {}) {
  return editorChatRequestSchema.parse({
    model: { id: 'fake-echo', vendor: 'test' },
    messages: [{ role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
    justification: 'why',
    userStarted: true,
    ...over,
  });
}

describe('runEditorModelChat (the extension side, fake vscode.lm)', () => {
  it('returns the streamed text and tool calls with token counts from the model', async () => {
    const model = fakeModel([{ text: 'Hel' }, { text: 'lo' }, { callId: 't1', name: 'weather', input: { city: 'Paris' } }]);
    const tools = [{ name: 'weather', description: 'Weather' }];
    const r = await runEditorModelChat(fakeApi([model]), request({ tools, toolMode: 'required' }), never);
    assert.ok(r.ok);
    assert.equal(r.text, 'Hello');
    assert.deepEqual(r.toolCalls, [{ callId: 't1', name: 'weather', input: { city: 'Paris' } }]);
    assert.ok(r.inputTokens! > 0 && r.outputTokens! > 0);
    assert.equal(r.modelName, 'Fake Echo');
    assert.deepEqual(model.sent[0]!.options, { justification: 'why', tools, toolMode: 'mode:required' });
  });

  it('NotFound when no model matches; NoPermissions for background work before consent', async () => {
    const none = await runEditorModelChat(fakeApi([]), request(), never);
    assert.deepEqual(none.ok ? null : none.code, 'NotFound');
    const model = fakeModel([{ text: 'x' }]);
    const background = await runEditorModelChat(fakeApi([model], { consent: undefined }), request({ userStarted: false }), never);
    assert.equal(background.ok ? null : background.code, 'NoPermissions');
    assert.equal(model.sent.length, 0, 'nothing was sent');
    const allowed = await runEditorModelChat(fakeApi([model], { consent: true }), request({ userStarted: false }), never);
    assert.ok(allowed.ok);
  });

  it('leaves tools out for a model that says it cannot call them (and fails when a call is required)', async () => {
    const model = fakeModel([{ text: 'plain' }]);
    const tools = [{ name: 'weather', description: '' }];
    const r = await runEditorModelChat(fakeApi([model], { tools: false }), request({ tools }), never);
    assert.ok(r.ok);
    assert.deepEqual(model.sent[0]!.options, { justification: 'why' });
    const required = await runEditorModelChat(fakeApi([model], { tools: false }), request({ tools, toolMode: 'required' }), never);
    assert.equal(required.ok ? null : required.code, 'unknown');
  });

  it('maps LanguageModelError codes, quota and rate-limit messages, and cancellation', () => {
    const api = fakeApi([]);
    const code = (e: unknown, token = never) => {
      const r = classifyEditorError(api, e, token);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(code(new FakeLmError('NoPermissions', 'no')), 'NoPermissions');
    assert.equal(code(new FakeLmError('Blocked', 'blocked')), 'Blocked');
    assert.equal(code(new FakeLmError('NotFound', 'gone')), 'NotFound');
    assert.equal(code(new FakeLmError('Unknown', 'You have exceeded your monthly quota')), 'quota');
    assert.equal(code(new Error('Rate limit exceeded, retry later')), 'rateLimited');
    assert.equal(code(new Error('boom'), { isCancellationRequested: true }), 'cancelled');
    assert.equal(code(new Error('boom')), 'unknown');
  });

  it('a model error during the request comes back as its code', async () => {
    const r = await runEditorModelChat(fakeApi([fakeModel(new FakeLmError('NoPermissions', 'the user declined'))]), request(), never);
    assert.deepEqual(r, { ok: false, code: 'NoPermissions', message: 'the user declined' });
  });
});

// ---- the server's caller --------------------------------------------------------------------------

function transportOf(answers: (EditorChatResult | ((req: EditorChatRequestInput) => EditorChatResult))[]) {
  const seen: EditorChatRequestInput[] = [];
  const transport: EditorModelTransport = async (req) => {
    seen.push(req);
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    return typeof next === 'function' ? next(req) : next;
  };
  return { transport, seen };
}

const ok = (text: string, tokens = { inputTokens: 10, outputTokens: 5 }): EditorChatResult => ({
  ok: true,
  text,
  toolCalls: [],
  modelName: 'Fake Echo',
  ...tokens,
});

function caller(transport: EditorModelTransport, maxRetries = 2) {
  return createChatCaller({
    model: editorModel,
    apiKey: null,
    timeoutMs: 5_000,
    maxRetries,
    retryPolicy: fastRetry,
    editorModels: { transport, userStarted: true },
  });
}
const body = { model: 'fake-echo', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('the editor model caller (server side)', () => {
  it('returns the answer with its tokens; cost stays unknown without a price', async () => {
    const { transport } = transportOf([ok('Hi there')]);
    const r = await caller(transport)(body, new AbortController().signal);
    assert.equal(r.message.content, 'Hi there');
    assert.equal(r.input_tokens, 10);
    assert.equal(r.output_tokens, 5);
    assert.equal(r.attempts, 1);
    assert.equal(r.logprobs, null);
  });

  it('permission, block, not-found and quota failures are final and name the model', async () => {
    for (const code of ['NoPermissions', 'Blocked', 'NotFound', 'quota'] as const) {
      const { transport, seen } = transportOf([{ ok: false, code, message: 'nope' }]);
      await assert.rejects(caller(transport)(body, new AbortController().signal), (e: unknown) => {
        assert.ok(e instanceof InferenceError);
        assert.match(e.message, /the editor model "fake-echo" \(test\/fake\)/);
        assert.match(e.message, /nope/);
        return true;
      });
      assert.equal(seen.length, 1, `${code} is not retried`);
    }
  });

  it('a rate limit is retried with the shared backoff', async () => {
    const { transport, seen } = transportOf([{ ok: false, code: 'rateLimited', message: 'slow down' }, ok('fine')]);
    const r = await caller(transport)(body, new AbortController().signal);
    assert.equal(r.message.content, 'fine');
    assert.equal(r.attempts, 2);
    assert.equal(seen.length, 2);
  });

  it('Cancel aborts the request in flight', async () => {
    const ctl = new AbortController();
    const transport: EditorModelTransport = (_req, signal) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: false, code: 'cancelled', message: 'cancelled' })));
    const pending = caller(transport)(body, ctl.signal);
    setTimeout(() => ctl.abort(), 10);
    await assert.rejects(pending, (e: unknown) => e instanceof InferenceError && e.kind === 'aborted');
  });

  it('a model that answers without a response format is checked and repaired once (output schema)', async () => {
    const conversation: Conversation = {
      id: 'c',
      file: 'f.jsonl',
      line: 0,
      position: 0,
      sourcePath: [],
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'How many?' },
        { role: 'assistant', content: '{"count": 3}' },
      ],
      tools: [],
    };
    const { transport, seen } = transportOf([ok('About three.'), ok('{"count": 3}')]);
    const source = createInferenceSource({
      model: editorModel,
      apiKey: null,
      timeoutMs: 5_000,
      maxRetries: 0,
      editorModels: { transport, userStarted: true },
    });
    const config = experimentConfigSchema.parse({
      name: 'x',
      model: 'fake-echo',
      conversation_ids: ['c'],
      output_schema: [{ name: 'count', type: 'integer' }],
    });
    const r = await source({ conversation, responseIndex: 2, config, signal: new AbortController().signal });
    assert.equal(seen.length, 2, 'one repair');
    assert.deepEqual(r.structured, { ok: true, value: { count: 3 } });
    assert.equal(r.input_tokens, 20, 'both exchanges counted');
    assert.equal(r.cost_usd, null, 'price unknown, never 0');
    const repair = seen[1]!.messages!;
    assert.equal(repair[repair.length - 2]!.role, 'assistant');
    assert.match(JSON.stringify(repair[repair.length - 1]), /That answer is not valid/);
    // The system prompt rode in the first user message.
    assert.match(JSON.stringify(seen[0]!.messages![0]), /Instructions \(system message\):\\nAnswer in JSON/);
  });

  it('the judge runs on an editor model: its system prompt prefixed to the user message, its JSON repaired once', async () => {
    const { transport, seen } = transportOf([ok('No problems found.'), ok('{"annotations": []}')]);
    const judge = createJudgeDetector({
      model: editorModel,
      apiKey: null,
      timeoutMs: 5_000,
      maxRetries: 0,
      editorModels: { transport, userStarted: true },
    });
    const message = { role: 'assistant' as const, content: 'It costs 12 EUR.' };
    const found = await judge.detect({
      conversation: {
        id: 'j',
        file: 'f',
        line: 0,
        position: 0,
        sourcePath: [],
        messages: [{ role: 'user', content: 'Price?' }, message],
        tools: [],
      },
      messageIndex: 1,
      message,
    });
    assert.deepEqual(found, []);
    assert.equal(seen.length, 2);
    const first = seen[0]!.messages![0]!;
    assert.equal(first.role, 'user');
    assert.match((first.parts[0] as { text: string }).text, /^Instructions \(system message\):\nYou are a meticulous reviewer/);
  });
});

// ---- where there is no editor ------------------------------------------------------------------------

describe('the CLI refuses editor models', () => {
  const settings = settingsSchema.parse({});
  const noKeys = async () => null;

  it('as a target or extra configuration', () => {
    const config = experimentConfigSchema.parse({ name: 'x', model: 'gpt-4.1', conversation_ids: ['c'], models: [editorModel] });
    const refusal = inferenceFor(editorModel, config, settings, noKeys, true);
    assert.equal(typeof refusal, 'object');
    assert.match((refusal as { error: string }).error, new RegExp(EDITOR_MODELS_CLI_REFUSAL));
    assert.equal((refusal as { path: string }).path, 'models');
  });

  it('as the judge', () => {
    const config = experimentConfigSchema.parse({
      name: 'x',
      model: 'traced',
      pass_through: true,
      conversation_ids: ['c'],
      detectors: ['judge'],
      judge_model: editorModel,
    });
    const refusal = detectorsFor(config, settings, noKeys, true);
    assert.ok(!Array.isArray(refusal));
    assert.equal(refusal.path, 'judge_model');
    assert.match(refusal.error, /editor language models are available only in VS Code/);
  });

  it('the editor resolves a target named by an editor model id from the models it listed', () => {
    const withEditor = settingsSchema.parse({ editorModels: [editorModel] });
    const config = experimentConfigSchema.parse({ name: 'x', model: 'fake-echo', conversation_ids: ['c'] });
    const { transport } = transportOf([ok('x')]);
    const source = inferenceFor({ model: 'fake-echo' }, config, withEditor, noKeys, true, { transport, userStarted: true });
    assert.equal(typeof source, 'function');
    assert.match(
      (inferenceFor({ model: 'fake-echo' }, config, withEditor, noKeys, true) as { error: string }).error,
      /available only in VS Code/,
    );
  });
});

// ---- the form ------------------------------------------------------------------------------------------

describe('the form offers editor models beside the configured ones', () => {
  const ctx: FormContext = { models: [{ model: 'gpt-4.1-mini' }, editorModel], judgeModel: null };

  it('an editor model chosen as an extra configuration or as the judge keeps its source, vendor and family', () => {
    const draft = {
      ...emptyDraft(ctx),
      name: 'x',
      model: 'gpt-4.1-mini',
      conversationIds: ['c'],
      extraModels: ['Fake Echo (test)'],
      detectors: ['local', 'judge'] as ('local' | 'judge')[],
      judgeModel: 'Fake Echo (test)',
    };
    const config = draftToConfig(draft, ctx);
    const expected = { id: 'Fake Echo (test)', model: 'fake-echo', source: 'vscode-lm', vendor: 'test', family: 'fake' };
    assert.deepEqual(config.models, [expected]);
    assert.deepEqual(config.judge_model, expected);
    assert.ok(experimentConfigSchema.safeParse(config).success, 'the server accepts the configuration');
  });

  it('an editor model as the target is named by its label (or id), which the server resolves from the listed models', () => {
    const draft = { ...emptyDraft(ctx), name: 'x', model: 'Fake Echo (test)', conversationIds: ['c'], extraModels: ['Fake Echo (test)'] };
    const config = draftToConfig(draft, ctx);
    assert.equal(config.model, 'Fake Echo (test)');
    assert.equal(config.models, undefined, 'the target is not also an extra configuration');
    const settings = settingsSchema.parse({
      models: [{ model: 'fake-echo', baseURL: 'http://127.0.0.1:9/v1' }],
      editorModels: [editorModel],
    });
    const byLabel = resolveModel({ model: 'Fake Echo (test)' }, settings);
    assert.deepEqual([byLabel.source, byLabel.model], ['vscode-lm', 'fake-echo']);
    // The bare id names the configured endpoint of the same name first; without one, the editor model.
    assert.equal(resolveModel({ model: 'fake-echo' }, settings).source, undefined);
    assert.equal(resolveModel({ model: 'fake-echo' }, settingsSchema.parse({ editorModels: [editorModel] })).source, 'vscode-lm');
  });
});
