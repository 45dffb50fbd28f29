// A finished batch's results as one outcome per request: the output file's lines and the error
// file's, matched back by custom_id; a request with no line gets its batch's reason (the batch
// failed with its errors, expired, or was cancelled by someone else). A line for a custom_id the
// batch never held is said and ignored. A batch this run cancelled leaves its unanswered requests
// without outcome: a resume sends them again rather than fail them.
import type { BatchClient, BatchState } from './batchClient';
import { batchErrors } from './batchClient';
import { type BatchOutcome, parseResultLine } from './resultLines';

export interface CollectedResults {
  outcomes: Map<string, BatchOutcome>;
  /** Unknown custom_ids, unreadable lines: said once per batch. */
  problems: string[];
}

/** Why a request of a batch that ended as `state` has no result line (null: none, it is sent again). */
export function missingReason(state: BatchState, cancelledHere: boolean): string | null {
  const id = state.id;
  switch (state.status) {
    case 'failed': {
      const errors = batchErrors(state);
      return `batch ${id} failed: ${errors.length > 0 ? errors.join('; ') : 'the provider gave no reason'}`;
    }
    case 'expired':
      return `batch ${id} expired: the provider did not run this request within the 24 h window (batch expired)`;
    case 'cancelled':
      return cancelledHere ? null : `batch ${id} was cancelled before this request ran`;
    default:
      return `batch ${id} ended (${state.status}) without a result for this request`;
  }
}

export async function collectResults(
  client: BatchClient,
  state: BatchState,
  expected: ReadonlySet<string>,
  opts: { cancelledHere: boolean; apiKey: string | null; signal: AbortSignal },
): Promise<CollectedResults> {
  const outcomes = new Map<string, BatchOutcome>();
  const unknown: string[] = [];
  const unreadable = new Map<string, number>();
  for (const fileId of [state.output_file_id, state.error_file_id]) {
    if (!fileId) continue;
    await client.download(
      fileId,
      (line) => {
        const r = parseResultLine(line, state.id, opts.apiKey);
        if ('problem' in r) unreadable.set(r.problem, (unreadable.get(r.problem) ?? 0) + 1);
        else if (!expected.has(r.customId)) unknown.push(r.customId);
        // Not run because this run cancelled the batch: no outcome, a resume sends it again.
        else if (!r.outcome.ok && r.outcome.code === 'batch_cancelled' && opts.cancelledHere) return;
        // A success wins over an error line for the same request (a retried line in both files).
        else if (r.outcome.ok || !outcomes.get(r.customId)?.ok) outcomes.set(r.customId, r.outcome);
      },
      opts.signal,
    );
  }
  const reason = missingReason(state, opts.cancelledHere);
  if (reason !== null) for (const id of expected) if (!outcomes.has(id)) outcomes.set(id, { ok: false, reason });
  const problems: string[] = [];
  if (unknown.length > 0)
    problems.push(
      `batch ${state.id}: ${unknown.length} result line(s) name a custom_id the batch did not hold (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''}); ignored`,
    );
  for (const [problem, n] of unreadable) problems.push(`batch ${state.id}: ${problem}${n > 1 ? ` (${n} lines)` : ''}; ignored`);
  return { outcomes, problems };
}
