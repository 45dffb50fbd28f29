// `run --batch` and its tuning flags → the experiment's `batch` configuration (common/schema.ts's
// batchConfigSchema checks the values and names the field at fault). A tuning flag without
// --batch is refused: it would do nothing.
import { UsageError } from './cliErrors';
import { intOption } from './cliCommand';

export interface BatchFlags {
  batch?: boolean | undefined;
  'batch-min-requests'?: string | undefined;
  'batch-discount'?: string | undefined;
  'batch-poll-ms'?: string | undefined;
}

export function batchOption(flags: BatchFlags): { batch?: Record<string, unknown> } {
  const tuning = (['batch-min-requests', 'batch-discount', 'batch-poll-ms'] as const).filter((f) => flags[f] !== undefined);
  if (!flags.batch) {
    if (tuning.length > 0) throw new UsageError(`--${tuning[0]} needs --batch`);
    return {};
  }
  const discount = flags['batch-discount'] === undefined ? undefined : Number(flags['batch-discount']);
  if (discount !== undefined && !Number.isFinite(discount))
    throw new UsageError(`--batch-discount takes a share between 0 and 1, not "${flags['batch-discount']}"`);
  const minRequests = intOption(flags['batch-min-requests'], '--batch-min-requests');
  const pollMs = intOption(flags['batch-poll-ms'], '--batch-poll-ms');
  return {
    batch: {
      enabled: true,
      ...(minRequests !== undefined ? { min_requests: minRequests } : {}),
      ...(discount !== undefined ? { discount } : {}),
      ...(pollMs !== undefined ? { poll_interval_ms: pollMs } : {}),
    },
  };
}
