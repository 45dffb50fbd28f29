// Two folds of an item's detail in the report: the probabilities of the tokens under each marker
// (when the configuration asked for logprobs), and "Raw": the provider request as sent and its
// response as received (bodies only, the key redacted by the server before storing).
import type { ExperimentItem } from '../../common/schema';
import { formatInt, formatUsd } from './format';
import { markerTokens, type TokenUnder } from './tokenProbabilities';
import { h, type Child, type VNode } from './vnode';

const percent = (p: number) => `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%`;

function tokenChip(t: TokenUnder): VNode {
  const alternatives = t.alternatives.map((a) => `${JSON.stringify(a.token)} ${percent(a.probability)}`).join(', ');
  return h(
    'span',
    { class: ['token-prob', t.low && 'low'], title: alternatives ? `Also weighed: ${alternatives}` : undefined },
    h('code', null, JSON.stringify(t.token)),
    ' ',
    percent(t.probability),
  );
}

/** "Token probabilities under the markers", or null when the item has no logprobs. */
export function markerTokensView(item: ExperimentItem): VNode | null {
  const rows = markerTokens(item);
  if (rows.length === 0) return null;
  return h(
    'details',
    { class: 'fold token-probs', open: rows.some((r) => 'tokens' in r && r.tokens.some((t) => t.low)) },
    h('summary', null, 'Token probabilities under the markers'),
    h(
      'ul',
      null,
      rows.map((r) =>
        h(
          'li',
          null,
          h('span', { class: 'ann-ref' }, `#${r.annotation + 1}`),
          ' ',
          'tokens' in r ? r.tokens.map((t) => [tokenChip(t), ' ']) : h('span', { class: 'dim' }, r.note),
        ),
      ),
    ),
  );
}

/** The judge's usage on this item, apart from the target's: null when no judge call was made. */
export function judgeUsageText(item: ExperimentItem): string | null {
  if (item.judge_input_tokens === undefined && item.judge_cost_usd === undefined) return null;
  const cost = item.judge_cost_usd === null || item.judge_cost_usd === undefined ? 'price unknown' : formatUsd(item.judge_cost_usd);
  return `${formatInt(item.judge_input_tokens ?? null)} in · ${formatInt(item.judge_output_tokens ?? null)} out · ${cost}`;
}

/** Most characters of a body drawn in the page (a stored body may be up to 16 MiB; the JSON export has it whole). */
export const RAW_SHOWN_CHARS = 100_000;

function shownJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (text.length <= RAW_SHOWN_CHARS) return text;
  return `${text.slice(0, RAW_SHOWN_CHARS)}\n… ${formatInt(text.length - RAW_SHOWN_CHARS)} more characters (export the report as JSON to see them all)`;
}

/** The "Raw" fold, or null for an item without a provider exchange (pass-through, not run yet). */
export function rawView(item: ExperimentItem): VNode | null {
  const raw = item.raw;
  if (!raw) return null;
  const body = (label: string, value: unknown): Child[] => [h('h4', null, label), h('pre', { class: 'raw-json' }, shownJson(value))];
  return h(
    'details',
    { class: 'fold raw' },
    h('summary', null, 'Raw'),
    raw.omitted
      ? h('p', { class: 'dim' }, `Not kept: ${raw.omitted}.`)
      : [
          h('p', { class: 'dim' }, 'The request as sent and the response as received: bodies only, no headers; the API key is redacted.'),
          body('Request', raw.request),
          body(Array.isArray(raw.response) ? 'Response (streamed chunks)' : 'Response', raw.response),
        ],
  );
}
