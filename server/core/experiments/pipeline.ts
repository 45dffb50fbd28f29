// Which detectors and which response source an experiment gets, from its configuration and the
// settings. Refusals name the field at fault, so the form and the CLI can show them in place.
import type { ExperimentConfig, ModelConfig } from '../../../common/schema';
import type { Settings } from '../../../common/protocol';
import { withMinConfidence, type Detector } from '../detectors/detector';
import { localDetector } from '../detectors/local';
import { createInferenceSource, schemaViolationAnnotations } from '../inference/responseSource';
import { DEFAULT_BASE_URL } from '../inference/chatClient';
import { RateLimiter } from '../inference/rateLimiter';
import { type EndpointOptions, usageOf } from '../inference/contract';
import { createJudgeDetector } from '../judge/judgeDetector';
import type { ResponseSource } from './responses';
import { tracedResponseIndex } from '../traceParser';
import { EDITOR_MODELS_CLI_REFUSAL, isEditorModel, type EditorModelTransport } from '../../../common/editorModels';

/**
 * How the editor's language models are reached in this process (the extension runs the
 * requests); null in the CLI. `userStarted`: the runs it serves were started by the user.
 */
export type EditorModelAccess = { transport: EditorModelTransport; userStarted: boolean } | null;

export type Refusal = { error: string; path: string };
/**
 * Returns the API key stored under `name` (SecretStorage in the editor, env in the CLI);
 * `baseURL` is where it will be sent (the editor binds a key to the origin it was entered for).
 */
export type KeyLookup = (name: string, baseURL: string) => Promise<string | null>;

export const DEFAULT_API_KEY_NAME = 'OPENAI_API_KEY';

const UNTRUSTED: Refusal = {
  path: 'pass_through',
  error: 'this workspace is not trusted: experiments cannot run here (trust the workspace to run them; stored results can still be viewed)',
};

/** One rate limiter per endpoint, shared by every experiment of this process. */
const limiters = new Map<string, RateLimiter>();
function limiterFor(model: ModelConfig, settings: Settings): RateLimiter | undefined {
  if (!settings.requestsPerMinute && !settings.tokensPerMinute) return undefined;
  const windowMs = settings.rateLimitWindowMs ?? 60_000;
  const endpoint = isEditorModel(model) ? `vscode-lm:${model.vendor ?? ''}` : (model.baseURL ?? DEFAULT_BASE_URL);
  const key = `${endpoint}|${settings.requestsPerMinute}|${settings.tokensPerMinute}|${windowMs}`;
  let limiter = limiters.get(key);
  if (!limiter)
    limiters.set(
      key,
      (limiter = new RateLimiter({ requestsPerMinute: settings.requestsPerMinute, tokensPerMinute: settings.tokensPerMinute, windowMs })),
    );
  return limiter;
}

/** A model named in the configuration takes its endpoint, key name and prices from the settings. */
export function resolveModel(model: ModelConfig, settings: Settings): ModelConfig {
  const known = [...settings.models, ...settings.editorModels].find(
    (m) => m.id === model.model || m.model === model.model || (model.id !== undefined && m.id === model.id),
  );
  return known ? { ...known, ...stripUndefined(model), model: known.model } : model;
}

/** How `model` is called with these settings: its key (asked for where it will be sent), timeouts, retries, limiter. */
async function endpointFor(model: ModelConfig, settings: Settings, keys: KeyLookup, editor: EditorModelAccess): Promise<EndpointOptions> {
  const common = { timeoutMs: settings.requestTimeoutMs, maxRetries: settings.maxRetries, limiter: limiterFor(model, settings) };
  // The editor's models need no key: the editor holds the access (and asks the user's consent).
  if (isEditorModel(model)) return { model, apiKey: null, ...common, ...(editor ? { editorModels: editor } : {}) };
  const apiKey = await keys(model.apiKeyName ?? DEFAULT_API_KEY_NAME, model.baseURL ?? DEFAULT_BASE_URL);
  return { model, apiKey, ...common };
}

/**
 * `make()` on first use, once: the key is asked for once, not by every item running at once.
 * A failure is not kept (the next call asks again).
 */
function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    if (!made) {
      made = make();
      made.catch(() => (made = null));
    }
    return made;
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A configuration naming an editor model where there is no editor (the CLI): refused, with the reason. */
function editorModelRefusal(model: ModelConfig, editor: EditorModelAccess, path: string): Refusal | null {
  if (!isEditorModel(model) || editor) return null;
  return {
    path,
    error: `${EDITOR_MODELS_CLI_REFUSAL}: "${model.id ?? model.model}" is one of the editor's language models (source "vscode-lm")`,
  };
}

export function detectorsFor(
  config: ExperimentConfig,
  settings: Settings,
  keys: KeyLookup,
  trusted: boolean,
  editor: EditorModelAccess = null,
): Detector[] | Refusal {
  if (!trusted) return UNTRUSTED;
  const detectors: Detector[] = [];
  for (const kind of config.detectors) {
    if (kind === 'local') {
      detectors.push(localDetector);
      continue;
    }
    const judgeModel = config.judge_model ?? settings.judgeModel;
    if (!judgeModel)
      return {
        path: 'judge_model',
        error: 'the judge detector needs a judge model: set judge_model, or the hallucinationLab.judgeModel setting (CLI: --judge-model)',
      };
    const model = resolveModel(judgeModel, settings);
    const refusal = editorModelRefusal(model, editor, 'judge_model');
    if (refusal) return refusal;
    const labelSet = settings.labelSet;
    const judge = onFirstUse(async () => createJudgeDetector(await endpointFor(model, settings, keys, editor)));
    detectors.push({
      name: 'judge',
      async detect(input) {
        return (await judge()).detect({ ...input, labelSet: input.labelSet ?? labelSet });
      },
    });
  }
  return detectors.map((d) => withMinConfidence(d, settings.minConfidence));
}

export function inferenceFor(
  model: ModelConfig,
  _config: ExperimentConfig,
  settings: Settings,
  keys: KeyLookup,
  trusted: boolean,
  editor: EditorModelAccess = null,
): ResponseSource | Refusal {
  if (!trusted) return UNTRUSTED;
  const resolved = resolveModel(model, settings);
  const refusal = editorModelRefusal(resolved, editor, model.model === _config.model ? 'model' : 'models');
  if (refusal) return refusal;
  const source = onFirstUse(async () => createInferenceSource(await endpointFor(resolved, settings, keys, editor)));
  return async ({ conversation, config, signal, batch }) => {
    const responseIndex = tracedResponseIndex(conversation);
    if (responseIndex < 0) throw new Error('the conversation has no assistant message, so there is no traced response to re-run');
    const r = await (await source())({ conversation, responseIndex, config, signal, ...(batch ? { batch } : {}) });
    return {
      ...usageOf(r),
      // A Batch API answer has no latency of its own (the batch ran it some time within 24 h).
      ...(r.batch ? { latency_ms: null } : {}),
      responses: [{ message_index: responseIndex, message: r.message }],
      ...(r.raw ? { raw: r.raw } : {}),
      ...(r.logprobs ? { logprobs: r.logprobs } : {}),
      annotations:
        r.structured && !r.structured.ok
          ? schemaViolationAnnotations({ message: r.message, messageIndex: responseIndex, structured: r.structured })
          : [],
    };
  };
}
