// Which detectors and which response source an experiment gets, from its configuration and the
// settings. Refusals name the field at fault, so the form and the CLI can show them in place.
import type { ExperimentConfig, ModelConfig } from '../../common/schema';
import type { Settings } from '../../common/protocol';
import type { Detector } from './detectors/detector';
import { localDetector } from './detectors/local';
import type { ResponseSource } from './responses';

export type Refusal = { error: string; path: string };
export type KeyLookup = (name: string) => Promise<string | null>;

const UNTRUSTED: Refusal = {
  path: 'pass_through',
  error: 'this workspace is not trusted: experiments cannot run here (trust the workspace to run them; stored results can still be viewed)',
};

export function detectorsFor(config: ExperimentConfig, _settings: Settings, _keys: KeyLookup, trusted: boolean): Detector[] | Refusal {
  if (!trusted) return UNTRUSTED;
  const detectors: Detector[] = [];
  for (const kind of config.detectors) {
    if (kind === 'local') detectors.push(localDetector);
    else return { path: 'detectors', error: 'the judge detector is not available in this version; use the local detector' };
  }
  return detectors;
}

export function inferenceFor(_model: ModelConfig, _config: ExperimentConfig, _settings: Settings, _keys: KeyLookup, trusted: boolean): ResponseSource | Refusal {
  if (!trusted) return UNTRUSTED;
  return {
    path: 'pass_through',
    error: 'pass_through false needs inference, which is not available in this version yet; set pass_through to true to evaluate the traced responses',
  };
}
