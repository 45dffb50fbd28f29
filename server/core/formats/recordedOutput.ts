// A span's recorded response: read as messages, or, when what was recorded holds no readable
// message, said on the span as an error and marked `unreadable_output` (the index, check and
// convert name such calls) — never guessed.
import type { LV } from './located';
import { readOutput, type ReadOptions } from './normalize';
import type { SpanRecord } from './types';

/** `what` ("gen_ai.completion", `an "output"`) held no readable message; `detail` says what it held. */
export function noteUnreadableOutput(rec: SpanRecord, what: string, detail?: string): void {
  rec.notes.push({
    message: `has ${what} that holds no readable message${detail ? ` (${detail})` : ''}; no response is read from it`,
    severity: 'error',
  });
  rec.metadata.unreadable_output = true;
}

/** An observation's "output" field (Langfuse, Opik) as the span's response, when it has one. */
export function readObservationOutput(rec: SpanRecord, output: LV, o: ReadOptions): void {
  if (output.v === undefined || output.v === null) return;
  const out = readOutput(output, o);
  rec.output = out.length ? out : null;
  if (!out.length) noteUnreadableOutput(rec, 'an "output"', Array.isArray(output.v) ? 'array' : typeof output.v);
}
