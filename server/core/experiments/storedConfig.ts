// What of a configuration may be written to experiment.json and shown: base URLs without the
// credentials a user may have written into them (`user:pass@`, `?token=`). The run of the
// process that created the experiment keeps the configuration as submitted; a later resume uses
// the stored one, so credentials belong in the settings' model table or the key store.
import type { ExperimentConfig, ModelConfig } from '../../../common/schema';
import { stripUrlCredentials } from '../inference/redact';

function model(m: ModelConfig): ModelConfig {
  return m.baseURL === undefined ? m : { ...m, baseURL: stripUrlCredentials(m.baseURL) };
}

export function withoutUrlCredentials(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    ...(config.models ? { models: config.models.map(model) } : {}),
    ...(config.judge_model ? { judge_model: model(config.judge_model) } : {}),
  };
}
