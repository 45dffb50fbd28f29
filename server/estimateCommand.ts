// `run --estimate` and `run --max-cost USD`: the cost of the experiment before it starts, from the
// same estimate the form shows (core/cost/estimate.ts). --estimate prints it and stops (exit 0);
// --max-cost refuses to start when the estimate is above it, or when it cannot be known (a price
// is unknown): exit 1 with the estimate. No prompt: CI has no one to answer it.
import type { EstimateResult, ExperimentEstimate } from '../common/estimate';
import type { Settings } from '../common/protocol';
import type { Conversation } from '../common/schema';
import { estimateFromInput } from './core/cost/estimate';
import { table, usd } from './cliReport';
import { shown, shownJson, shownLines } from './terminalText';

export interface EstimateOptions {
  estimate: boolean;
  /** USD, or undefined when not given. */
  maxCost: number | undefined;
  json: boolean;
}

/** The exit code when the run must not start (the estimate was asked for, or is over the limit); null to go on. */
export async function checkEstimate(
  input: unknown,
  conversations: { get(id: string): Conversation | undefined },
  settings: Settings,
  opts: EstimateOptions,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number | null> {
  if (!opts.estimate && opts.maxCost === undefined) return null;
  const result: EstimateResult = await estimateFromInput(input, conversations, settings);
  if (!result.ok) {
    io.err.write(`The experiment was refused:\n${result.errors.map((e) => `  ${shown(e.path)}: ${shown(e.message)}`).join('\n')}\n`);
    return 1;
  }
  const e = result.estimate;
  if (opts.estimate) {
    io.out.write(opts.json ? shownJson(JSON.stringify(e, null, 2)) + '\n' : formatEstimate(e) + '\n');
    return 0;
  }
  const limit = opts.maxCost!;
  if (e.total_cost_usd !== null && e.total_cost_usd <= limit) return null;
  io.err.write(formatEstimate(e) + '\n\n');
  io.err.write(
    e.total_cost_usd === null
      ? `hallucination-lab: not started: the cost cannot be estimated (a price is unknown), so --max-cost ${usd(limit)} cannot be checked\n`
      : `hallucination-lab: not started: the estimate ${usd(e.total_cost_usd)} is above --max-cost ${usd(limit)}\n`,
  );
  return 1;
}

export function formatEstimate(e: ExperimentEstimate): string {
  const cost = (c: number | null) => (c === null ? 'price unknown' : usd(c));
  const price = (p: number | null) => (p === null ? '?' : `$${p}`);
  const rows = [['configuration', 'requests', 'input tokens', 'output tokens', 'price in/out per 1M', 'cost', 'tokenizer']];
  for (const c of [...e.configurations, ...(e.judge ? [e.judge] : [])])
    rows.push([
      c.label,
      round(c.requests),
      String(c.input_tokens),
      String(c.output_tokens),
      `${price(c.input_price_per_1m)} / ${price(c.output_price_per_1m)}`,
      c.batch_discount !== undefined ? `${cost(c.cost_usd)} (batch price)` : cost(c.cost_usd),
      c.tokenizer,
    ]);
  const lines = [
    `Estimate: ${e.items} items, ${round(e.requests.inference)} model requests, ${round(e.requests.judge)} judge requests`,
    table(rows),
    `Total: ${cost(e.total_cost_usd)}`,
    ...e.assumptions.map((a) => `  - ${shownLines(a)}`),
  ];
  return lines.join('\n');
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
