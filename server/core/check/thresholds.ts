// `--fail-on` rules: readable thresholds that fail the CI gate. A rule is `<metric><op><number>`:
//   rate>0.05            share of checked conversations with at least one counted hallucination
//   count>0              counted hallucinations in all
//   label:unknown_tool>0 counted hallucinations with that label
//   tool:book_hotel>2    counted hallucinations in calls of that tool
//   confidence>=0.8      fails when any counted hallucination's confidence satisfies the comparison
// "Counted" leaves out what a baseline already held.
import { countedFindings, type CheckResult } from './findings';

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';
export type Metric =
  { kind: 'rate' } | { kind: 'count' } | { kind: 'label'; name: string } | { kind: 'tool'; name: string } | { kind: 'confidence' };

export interface ThresholdRule {
  source: string;
  metric: Metric;
  op: Comparison;
  limit: number;
}

export interface RuleOutcome {
  rule: ThresholdRule;
  /** The measured value (for confidence: the highest counted confidence, or null when none). */
  value: number | null;
  failed: boolean;
}

export class RuleSyntaxError extends Error {}

const RULE = /^\s*(rate|count|confidence|label:([^<>=!]+)|tool:([^<>=!]+))\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseRule(source: string): ThresholdRule {
  const m = RULE.exec(source);
  if (!m)
    throw new RuleSyntaxError(
      `--fail-on ${JSON.stringify(source)}: expected <metric><op><number>, metric one of rate, count, confidence, label:NAME, tool:NAME and op one of > >= < <= == != (e.g. rate>0.05, label:unknown_tool>0)`,
    );
  const [, head, label, tool, op, number] = m as unknown as [string, string, string | undefined, string | undefined, Comparison, string];
  const limit = Number(number);
  const metric: Metric =
    label !== undefined
      ? { kind: 'label', name: label.trim() }
      : tool !== undefined
        ? { kind: 'tool', name: tool.trim() }
        : ({ kind: head } as Metric);
  if ((metric.kind === 'rate' || metric.kind === 'confidence') && (limit < 0 || limit > 1))
    throw new RuleSyntaxError(`--fail-on ${JSON.stringify(source)}: ${metric.kind} is a number between 0 and 1`);
  return { source: source.trim(), metric, op, limit };
}

function compare(value: number, op: Comparison, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}

export function evaluateRule(rule: ThresholdRule, result: CheckResult): RuleOutcome {
  const counted = result.conversations.map(countedFindings);
  const all = counted.flat();
  switch (rule.metric.kind) {
    case 'rate': {
      const total = result.checked;
      const value = total === 0 ? 0 : counted.filter((f) => f.length > 0).length / total;
      return { rule, value, failed: compare(value, rule.op, rule.limit) };
    }
    case 'count':
      return { rule, value: all.length, failed: compare(all.length, rule.op, rule.limit) };
    case 'label': {
      const name = rule.metric.name;
      const value = all.filter((f) => f.annotation.label === name).length;
      return { rule, value, failed: compare(value, rule.op, rule.limit) };
    }
    case 'tool': {
      const name = rule.metric.name;
      const value = all.filter((f) => f.annotation.tool_name === name).length;
      return { rule, value, failed: compare(value, rule.op, rule.limit) };
    }
    case 'confidence': {
      const matching = all.filter((f) => compare(f.annotation.confidence, rule.op, rule.limit));
      const value = all.length ? Math.max(...all.map((f) => f.annotation.confidence)) : null;
      return { rule, value, failed: matching.length > 0 };
    }
  }
}

export function evaluateRules(rules: readonly ThresholdRule[], result: CheckResult): RuleOutcome[] {
  return rules.map((r) => evaluateRule(r, result));
}
