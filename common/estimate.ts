// What an experiment is expected to cost before it runs (server/core/cost/estimate.ts computes it;
// the form shows it above Create, the CLI prints it with --estimate and checks --max-cost).
import { z } from 'zod';
// Field errors as protocol.ts words them (not imported: protocol.ts imports this file).
const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const configurationEstimateSchema = z.object({
  /** The configuration's label (as items and reports name it). */
  label: z.string(),
  model: z.string(),
  requests: z.number().nonnegative(),
  input_tokens: z.number().nonnegative(),
  output_tokens: z.number().nonnegative(),
  input_price_per_1m: z.number().nullable(),
  output_price_per_1m: z.number().nullable(),
  /** Null: a price is unknown (said, never 0). */
  cost_usd: z.number().nullable(),
  tokenizer: z.string(),
  /** Set when these requests are expected to go through the Batch API: the share of the price saved (cost_usd has it applied). */
  batch_discount: z.number().min(0).max(1).optional(),
});
export type ConfigurationEstimate = z.infer<typeof configurationEstimateSchema>;

export const experimentEstimateSchema = z.object({
  items: z.number().int().nonnegative(),
  /** Model calls expected: the targets' (none for pass-through) and the judge's. */
  requests: z.object({ inference: z.number().nonnegative(), judge: z.number().nonnegative() }),
  configurations: z.array(configurationEstimateSchema),
  judge: configurationEstimateSchema.nullable(),
  /** Null when a price is unknown. */
  total_cost_usd: z.number().nullable(),
  /** What the figures assume (output length, the draw of "random" sampling, what is not counted). */
  assumptions: z.array(z.string()),
});
export type ExperimentEstimate = z.infer<typeof experimentEstimateSchema>;

export const estimateResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), estimate: experimentEstimateSchema }),
  z.object({ ok: z.literal(false), errors: z.array(fieldErrorSchema) }),
]);
export type EstimateResult = z.infer<typeof estimateResultSchema>;
