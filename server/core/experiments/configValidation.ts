// What a configuration must satisfy to be created here: the schema, conversation ids that exist,
// and models and detectors that can run in this process; each problem reported once, on its field.
import { experimentConfigSchema, type ExperimentConfig } from '../../../common/schema';
import type { FieldError } from '../../../common/protocol';
import { modelConfigs } from './experimentItems';
import type { ServiceOptions } from './experimentService';

/** Validates like the server must: schema, then ids, then what can run here. */
export function validateConfig(
  input: unknown,
  opts: Pick<ServiceOptions, 'conversations' | 'inferenceFor' | 'detectorsFor'>,
): { ok: true; config: ExperimentConfig } | { ok: false; errors: FieldError[] } {
  const parsed = experimentConfigSchema.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
    };
  const config = parsed.data;
  const errors: FieldError[] = [];
  config.conversation_ids.forEach((id, i) => {
    if (!opts.conversations.get(id)) errors.push({ path: `conversation_ids.${i}`, message: `unknown conversation id "${id}"` });
  });
  if (config.pass_through && config.models?.length)
    errors.push({
      path: 'models',
      message: 'pass_through copies the traced responses; extra model configurations need pass_through false',
    });
  if (!config.pass_through) {
    for (const m of modelConfigs(config)) {
      const source = opts.inferenceFor?.(m, config) ?? {
        error: 'pass_through false needs inference, which is not available here; set pass_through to true to evaluate the traced responses',
        path: 'pass_through',
      };
      if (typeof source !== 'function') errors.push({ path: source.path, message: source.error });
    }
  }
  const detectors = opts.detectorsFor(config);
  if (!Array.isArray(detectors)) errors.push({ path: detectors.path, message: detectors.error });
  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true, config };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
