// Settings for a CLI command: the flags of the models, the judge and the limits, validated with
// the schema the language server's settings go through (settingsSchema), an invalid value refused
// as a usage error naming the setting. Flags not given take the schema's defaults.
import { z } from 'zod';
import { settingsSchema, type Settings } from '../common/protocol';
import { formatZodError, modelConfigSchema, type ModelConfig } from '../common/schema';
import { UsageError } from './cliErrors';
import { intOption, jsonFileOption } from './cliCommand';

export interface EndpointFlags {
  'base-url'?: string | undefined;
  'api-key-env'?: string | undefined;
}

export interface SettingsFlags extends EndpointFlags {
  model?: string[] | undefined;
  'judge-model'?: string | undefined;
  concurrency?: string | undefined;
  rpm?: string | undefined;
  tpm?: string | undefined;
  'timeout-ms'?: string | undefined;
  'min-confidence'?: string | undefined;
  'models-file'?: string | undefined;
}

/** A model at --base-url (when given), its key in the environment variable --api-key-env names. */
export function cliEndpoint(model: string, flags: EndpointFlags): { model: string; baseURL?: string; apiKeyName: string } {
  return { model, ...(flags['base-url'] ? { baseURL: flags['base-url'] } : {}), apiKeyName: flags['api-key-env'] ?? 'OPENAI_API_KEY' };
}

/**
 * The --models-file: a JSON array of model configurations (prices and request parameters);
 * --base-url and the key variable fill what an entry leaves out. Empty without the flag.
 */
export function cliModelsFile(flags: SettingsFlags): ModelConfig[] {
  const file = flags['models-file'];
  if (file === undefined) return [];
  const parsed = z.array(modelConfigSchema).min(1, 'needs at least 1 model configuration').safeParse(jsonFileOption(file, '--models-file'));
  if (!parsed.success) throw new UsageError(`--models-file ${file}:\n${formatZodError(parsed.error, '  ')}`);
  const { model: _model, ...endpoint } = cliEndpoint('', flags);
  return parsed.data.map((m) => ({ ...endpoint, ...m }));
}

export function cliSettings(flags: SettingsFlags): Settings {
  const concurrency = intOption(flags.concurrency, '--concurrency');
  const rpm = intOption(flags.rpm, '--rpm');
  const tpm = intOption(flags.tpm, '--tpm');
  const timeoutMs = intOption(flags['timeout-ms'], '--timeout-ms');
  // --model and --judge-model names found in the models file take its entry (prices, parameters).
  const fileModels = cliModelsFile(flags);
  const inFile = (name: string) => fileModels.some((m) => m.id === name || m.model === name);
  const named = (flags.model ?? []).filter((m) => !inFile(m)).map((m) => cliEndpoint(m, flags));
  const parsed = settingsSchema.safeParse({
    ...(flags.model || fileModels.length > 0 ? { models: [...fileModels, ...named] } : {}),
    ...(flags['judge-model'] ? { judgeModel: cliEndpoint(flags['judge-model'], flags) } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(rpm !== undefined ? { requestsPerMinute: rpm } : {}),
    ...(tpm !== undefined ? { tokensPerMinute: tpm } : {}),
    ...(timeoutMs !== undefined ? { requestTimeoutMs: timeoutMs } : {}),
    ...(flags['min-confidence'] !== undefined ? { minConfidence: Number(flags['min-confidence']) } : {}),
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
  return parsed.data;
}
