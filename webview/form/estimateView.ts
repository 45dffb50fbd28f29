// The estimate above Create: requests, tokens and cost per configuration and for the judge, the
// total ("price unknown" where a price is missing, never $0), and what the figures assume.
import type { EstimateResult, ExperimentEstimate } from '../../common/estimate';
import { codicon, el } from '../lib/dom';
import { formatInt, formatUsd } from '../lib/format';

const cost = (c: number | null) => (c === null ? 'price unknown' : formatUsd(c));
const count = (n: number) => (Number.isInteger(n) ? formatInt(n) : n.toFixed(1));

export function estimateContent(e: ExperimentEstimate): Node[] {
  const rows = [...e.configurations, ...(e.judge ? [e.judge] : [])].map((c) =>
    el(
      'tr',
      { title: `${c.model} · tokens counted with ${c.tokenizer}` },
      el('td', {}, c.label),
      el('td', {}, count(c.requests)),
      el('td', {}, formatInt(c.input_tokens)),
      el('td', {}, formatInt(c.output_tokens)),
      el('td', {}, c.batch_discount !== undefined ? `${cost(c.cost_usd)} (batch price)` : cost(c.cost_usd)),
    ),
  );
  const head = el(
    'tr',
    {},
    ...['Configuration', 'Requests', 'Input tokens', 'Output tokens', 'Cost'].map((t) => el('th', { scope: 'col' }, t)),
  );
  return [
    el(
      'div',
      {},
      codicon('credit-card'),
      el('strong', {}, ` Estimate: ${cost(e.total_cost_usd)}`),
      ` — ${count(e.requests.inference)} model requests, ${count(e.requests.judge)} judge requests`,
    ),
    el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)),
    el('ul', { class: 'assumptions' }, ...e.assumptions.map((a) => el('li', {}, a))),
  ];
}

/** The estimate, or why there is none (the form's own errors already show beside their fields). */
export function estimateNodes(result: EstimateResult | { error: string } | null): Node[] {
  if (result === null) return [el('span', { class: 'dim' }, 'Estimating…')];
  if ('error' in result) return [el('span', { class: 'dim' }, `No estimate: ${result.error}`)];
  if (!result.ok) return [el('span', { class: 'dim' }, 'No estimate until the configuration is valid.')];
  return estimateContent(result.estimate);
}
