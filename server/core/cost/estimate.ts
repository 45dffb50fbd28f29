// What an experiment will cost, before it runs: how many requests, the input tokens counted from
// the very requests the run would send (js-tiktoken, see tokenCount.ts), the output tokens
// expected, and the price of each configuration and of the judge. Decisions:
//  * Expected output = the traced response's own length in tokens (the model is asked to answer
//    the same turn), at most the configuration's max_tokens. Reasoning tokens are not foreseen.
//  * The judge's input is its prompt with the traced response as a stand-in for the generated
//    one; its output is its max_tokens, else JUDGE_OUTPUT_ASSUMPTION tokens a call.
//  * Sampling "random": each configuration is expected to get 1/n of the samples (the draw itself
//    depends on the experiment id, which exists only once it is created).
//  * A price that is unknown makes its cost and the total null, said in the figures: never 0.
//  * Pass-through calls no target model: its configurations cost nothing.
import type { ConfigurationEstimate, EstimateResult, ExperimentEstimate } from '../../../common/estimate';
import type { FieldError, Settings } from '../../../common/protocol';
import { experimentConfigSchema, messageParts, type Conversation, type ExperimentConfig, type ModelConfig } from '../../../common/schema';
import { modelConfigs, modelLabel } from '../experiments/experimentItems';
import { resolveModel } from '../experiments/pipeline';
import { passThroughSource } from '../experiments/responses';
import { buildInferenceRequest, contextMessages } from '../inference/responseSource';
import { judgeRequestBody } from '../judge/judgeDetector';
import { tracedResponseIndex } from '../traceParser';
import { countRequestTokens, tokenCounter, type TokenCounter } from './tokenCount';
import { atBatchPrice } from './batchPrice';

/** Counting a large experiment's tokens takes seconds the first time: the server answers other requests between conversations. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Output tokens assumed for one judge call without max_tokens: a reply with a few annotations. */
export const JUDGE_OUTPUT_ASSUMPTION = 300;

export async function estimateExperiment(
  config: ExperimentConfig,
  conversations: readonly Conversation[],
  settings: Settings,
): Promise<ExperimentEstimate> {
  const assumptions: string[] = [];
  const note = (s: string) => {
    if (!assumptions.includes(s)) assumptions.push(s);
  };
  const models = modelConfigs(config).map((m) => resolveModel(m, settings));
  const random = config.sampling === 'random' && models.length > 1;
  const share = random ? 1 / models.length : 1;
  if (random) note(`sampling "random": each configuration is expected to run 1 in ${models.length} samples (the draw is made at creation)`);
  const perConversation = config.num_samples * share;
  const items = conversations.length * config.num_samples * (random ? 1 : models.length);

  const configurations: ConfigurationEstimate[] = [];
  let inferenceRequests = 0;
  // The messages, tools and response format of a conversation's request are the same for every
  // configuration: counted once per conversation and encoding (the form asks again as you type).
  const counted = new Map<string, { input: number; traced: number }>();
  for (const model of models) {
    const counter = tokenCounter(model.model);
    let input = 0;
    let output = 0;
    let requests = 0;
    if (!config.pass_through) {
      for (const c of conversations) {
        await yieldToOthers();
        const one = inferenceTokens(model, c, config, counter, counted, note);
        if (!one) continue;
        requests += perConversation;
        input += one.input * perConversation;
        output += one.output * perConversation;
      }
    }
    inferenceRequests += requests;
    configurations.push(priced(modelLabel(model), model, requests, input, output, config.pass_through ? 0 : null, counter));
  }
  if (config.pass_through) note('pass-through: the traced responses are judged as they are, no target model is called');
  else if (config.reasoning_config) note('reasoning tokens are not foreseen (they are billed as output)');
  if (!config.pass_through) note('output tokens: each response as long as the traced one (at most max_tokens)');

  const unbatchedJudge = await judgeEstimate(config, conversations, settings, items / Math.max(1, conversations.length), note);
  const batched = atBatchPrice(config, models, configurations, unbatchedJudge, note);
  configurations.splice(0, configurations.length, ...batched.configurations);
  const judge = batched.judge;
  const parts = [...configurations, ...(judge ? [judge] : [])];
  const total = parts.some((p) => p.cost_usd === null) ? null : parts.reduce((n, p) => n + (p.cost_usd ?? 0), 0);
  for (const p of parts)
    if (p.cost_usd === null) note(`price unknown for ${p.label}: set input_price_per_1m and output_price_per_1m to see its cost`);
  return {
    items,
    requests: { inference: inferenceRequests, judge: judge?.requests ?? 0 },
    configurations,
    judge,
    total_cost_usd: total,
    assumptions,
  };
}

/** One request of `model` on `c`: its input tokens and the output expected. Null (and said) when it cannot be sent. */
function inferenceTokens(
  model: ModelConfig,
  c: Conversation,
  config: ExperimentConfig,
  counter: TokenCounter,
  counted: Map<string, { input: number; traced: number }>,
  note: (s: string) => void,
): { input: number; output: number } | null {
  const responseIndex = tracedResponseIndex(c);
  if (responseIndex < 0) {
    note(`conversation ${c.id} has no assistant message: its items will fail, not counted`);
    return null;
  }
  try {
    // Built for every configuration all the same: it refuses what that configuration cannot send (tool_choice).
    const { body } = buildInferenceRequest({ model, conversation: c, responseIndex, config });
    const key = `${counter.encoding}\u0000${c.id}`;
    let tokens = counted.get(key);
    if (!tokens)
      counted.set(
        key,
        (tokens = { input: countRequestTokens(counter, body), traced: responseTokens(counter, c.messages[responseIndex]!) }),
      );
    return { input: tokens.input, output: model.max_tokens !== undefined ? Math.min(tokens.traced, model.max_tokens) : tokens.traced };
  } catch (e) {
    note(`conversation ${c.id} on ${modelLabel(model)}: ${(e as Error).message}; not counted`);
    return null;
  }
}

function responseTokens(counter: TokenCounter, message: Conversation['messages'][number]): number {
  return messageParts(message).reduce((n, p) => n + counter.count(p.text), 0);
}

async function judgeEstimate(
  config: ExperimentConfig,
  conversations: readonly Conversation[],
  settings: Settings,
  itemsPerConversation: number,
  note: (s: string) => void,
): Promise<ConfigurationEstimate | null> {
  if (!config.detectors.includes('judge')) return null;
  const configured = config.judge_model ?? settings.judgeModel;
  if (!configured) {
    note('the judge detector has no judge model: its calls are not counted');
    return null;
  }
  const model = resolveModel(configured, settings);
  const counter = tokenCounter(model.model);
  const labelSet = settings.labelSet;
  const outputPerCall = model.max_tokens ?? JUDGE_OUTPUT_ASSUMPTION;
  note(
    model.max_tokens !== undefined
      ? `judge output: its max_tokens (${model.max_tokens}) a call`
      : `judge output: ${JUDGE_OUTPUT_ASSUMPTION} tokens a call (assumed; set the judge's max_tokens to bound it)`,
  );
  if (!config.pass_through) note('judge input: its prompt with the traced response standing in for the generated one');
  let requests = 0;
  let input = 0;
  for (const c of conversations) {
    await yieldToOthers();
    const prompts = await judgePrompts(config, c, (conversation, messageIndex, message) =>
      countRequestTokens(counter, judgeRequestBody(model, { conversation, messageIndex, message, labelSet })),
    );
    requests += prompts.length * itemsPerConversation;
    input += prompts.reduce((a, b) => a + b, 0) * itemsPerConversation;
  }
  return priced(modelLabel(model), model, requests, input, requests * outputPerCall, null, counter, 'judge');
}

/** The judge's prompt tokens for one item of `c`: one per traced response (pass-through), or for the one re-run. */
async function judgePrompts(
  config: ExperimentConfig,
  c: Conversation,
  promptTokens: (conversation: Conversation, messageIndex: number, message: Conversation['messages'][number]) => number,
): Promise<number[]> {
  if (config.pass_through) {
    try {
      const { responses } = await passThroughSource({
        conversation: c,
        config,
        modelConfig: { model: config.model },
        sampleIndex: 0,
        signal: new AbortController().signal,
      });
      return responses.map((r) => promptTokens(c, r.message_index, r.message));
    } catch {
      return []; // nothing to judge: the item is skipped
    }
  }
  const index = tracedResponseIndex(c);
  if (index < 0) return [];
  const context = contextMessages(c, index, config.system_prompt_override);
  const conversation = { ...c, messages: [...context, c.messages[index]!] };
  return [promptTokens(conversation, context.length, c.messages[index]!)];
}

function priced(
  label: string,
  model: ModelConfig,
  requests: number,
  input: number,
  output: number,
  fixedCost: number | null,
  counter: TokenCounter,
  role?: 'judge',
): ConfigurationEstimate {
  const ip = model.input_price_per_1m ?? null;
  const op = model.output_price_per_1m ?? null;
  const cost = fixedCost !== null ? fixedCost : ip === null || op === null ? null : (input * ip + output * op) / 1_000_000;
  return {
    label: role === 'judge' ? `${label} (judge)` : label,
    model: model.model,
    requests,
    input_tokens: Math.round(input),
    output_tokens: Math.round(output),
    input_price_per_1m: ip,
    output_price_per_1m: op,
    cost_usd: requests === 0 ? 0 : cost,
    tokenizer: counter.description,
  };
}

/**
 * The estimate of a configuration as typed (the form, the CLI): schema and conversation ids
 * checked first, each problem on its field. Whether the run may start here (trust, keys) is not
 * asked: an estimate calls no model and reads no key.
 */
export async function estimateFromInput(
  input: unknown,
  conversations: { get(id: string): Conversation | undefined },
  settings: Settings,
): Promise<EstimateResult> {
  const parsed = experimentConfigSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) };
  const found: Conversation[] = [];
  const errors: FieldError[] = [];
  parsed.data.conversation_ids.forEach((id, i) => {
    const c = conversations.get(id);
    if (c) found.push(c);
    else errors.push({ path: `conversation_ids.${i}`, message: `unknown conversation id "${id}"` });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, estimate: await estimateExperiment(parsed.data, found, settings) };
}
