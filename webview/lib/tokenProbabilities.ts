// Which generated tokens lie under an annotation, with their probability: a low-probability token
// under a marker is worth seeing (the model was unsure exactly where it made something up).
// Logprobs cover the text content of the one generated response; tool-call arguments have none.
import { messageParts } from '../../common/schemaValues';
import type { Annotation, ExperimentItem, TokenLogprob } from '../../common/schema';

/** Below this probability a token is shown as unlikely. */
export const LOW_PROBABILITY = 0.2;

export interface TokenUnder {
  token: string;
  probability: number;
  low: boolean;
  /** The other tokens the model weighed there, most likely first. */
  alternatives: { token: string; probability: number }[];
}

export type MarkerTokens = { annotation: number; tokens: TokenUnder[] } | { annotation: number; note: string };

/** The tokens overlapping [start, end) of `text`, which the tokens must spell exactly (else null). */
export function tokensUnder(logprobs: readonly TokenLogprob[], text: string, start: number, end: number): TokenUnder[] | null {
  if (logprobs.map((t) => t.token).join('') !== text) return null;
  const out: TokenUnder[] = [];
  let at = 0;
  for (const t of logprobs) {
    const from = at;
    at += t.token.length;
    // An empty span (a caret) takes the token it sits in.
    const overlaps = start === end ? from <= start && start < at : from < end && at > start;
    if (!overlaps) continue;
    const probability = Math.exp(t.logprob);
    out.push({
      token: t.token,
      probability,
      low: probability < LOW_PROBABILITY,
      alternatives: (t.top_logprobs ?? [])
        .filter((a) => a.token !== t.token)
        .map((a) => ({ token: a.token, probability: Math.exp(a.logprob) })),
    });
  }
  return out;
}

/** For each annotation on the item's generated text, the tokens under it (or why they cannot be shown). */
export function markerTokens(item: Pick<ExperimentItem, 'logprobs' | 'response_messages' | 'annotations'>): MarkerTokens[] {
  const logprobs = item.logprobs;
  if (!logprobs || logprobs.length === 0 || item.response_messages.length !== 1) return [];
  const response = item.response_messages[0]!;
  const parts = messageParts(response.message);
  return item.annotations.flatMap((a: Annotation, i): MarkerTokens[] => {
    if (a.message_index !== response.message_index) return [];
    const part = parts[a.message_part_index];
    if (!part) return [];
    if (part.kind !== 'content') return [{ annotation: i, note: 'in tool-call arguments, which have no logprobs' }];
    const tokens = tokensUnder(logprobs, part.text, a.start_offset, a.end_offset);
    return [tokens ? { annotation: i, tokens } : { annotation: i, note: 'the tokens do not spell the stored text' }];
  });
}
