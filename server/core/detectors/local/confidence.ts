// Confidence that means something: each rule's annotations carry the share of that rule's
// annotations that were right on the development data (bench/detector-eval.ts prints the table
// this comes from: every BFCL category, reference calls, the answer keys' other acceptable
// values, and injected faults). A rule with too few annotations there keeps a prior.
import type { BuiltInLabel } from '../../../../common/schema';

/** Schema rules of tool calls, each with its calibrated confidence. */
const RULES = {
  unknown_tool: 0.97,
  unknown_parameter: 0.95,
  unknown_nested_parameter: 0.8,
  missing_required: 0.95,
  missing_required_nested: 0.9,
  type_mismatch: 0.9,
  type_numeric_string: 0.75,
  type_null: 0.5,
  enum_mismatch: 0.92,
  out_of_range: 0.85,
} as const satisfies Record<string, number>;
export type SchemaRule = keyof typeof RULES;

export function confidenceOf(rule: SchemaRule): number {
  return RULES[rule];
}

/**
 * Grounding verdicts carry a raw strength (how little of the value the context supports); this
 * maps each (label, raw strength) to the share right on the development data.
 */
// From `node --import tsx bench/detector-eval.ts --calibration-table` (single-turn categories; the
// multi-turn cases lack their calls' results). Raw strengths with fewer than 20 annotations there
// are not listed and keep their raw value. Answer-text labels (fabricated_*) are not measured by
// that bench and keep their raw values too.
const GROUNDING: Partial<Record<BuiltInLabel, Readonly<Record<string, number>>>> = {
  invalid_parameter_value: { '0.92': 0.96 },
  ungrounded_parameter_value: { '0.50': 0.92, '0.60': 0.72, '0.70': 0.07, '0.85': 0.95, '0.90': 0.95 },
  unknown_parameter: { '0.95': 0.99 },
  unknown_tool: { '0.97': 1 },
};

let enabled = true;
/** The bench turns calibration off to measure the raw strengths it is computed from. */
export function setCalibration(on: boolean): void {
  enabled = on;
}

export function calibrated(label: BuiltInLabel, raw: number): number {
  if (!enabled) return raw;
  // never certain: a share of 1 on the development data is still a sample
  return Math.min(0.99, GROUNDING[label]?.[raw.toFixed(2)] ?? raw);
}
