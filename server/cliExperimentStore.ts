// The experiment store a CLI command reads an existing experiment from: `--out DIR` or the default
// folder, and the experiment refused by name (exit 3) when it is not there. One place for the
// commands that take an experiment id (review, dataset save).
import * as path from 'node:path';
import { ExperimentStore, STORE_DIR } from './core/experiments/experimentStore';
import { InputError, UsageError } from './cliErrors';
import { shown } from './terminalText';

export function storeWithExperiment(cwd: string, out: string | undefined, experimentId: string): ExperimentStore {
  const storeRoot = path.resolve(cwd, out ?? STORE_DIR);
  // a folder the user named may be a symlink; the default one inside the workspace may not
  const store = new ExperimentStore(storeRoot, { allowSymlinkedRoot: out !== undefined });
  let exists: boolean;
  try {
    exists = store.exists(experimentId);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!exists) throw new InputError(`no experiment "${shown(experimentId)}" in ${storeRoot}`);
  return store;
}
