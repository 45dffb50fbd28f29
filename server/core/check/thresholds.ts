// `--fail-on` rules: readable thresholds that fail the CI gate. A rule is `<metric><op><number>`:
//   rate>0.05            share of checked conversations with at least one counted hallucination
//   count>0              counted hallucinations in all
//   label:unknown_tool>0 counted hallucinations with that label
//   tool:book_hotel>2    counted hallucinations in calls of that tool
//   confidence>=0.8      fails when any counted hallucination's confidence satisfies the comparison
// "Counted" leaves out what a baseline already held.
import { countedFindings, findingsOf, type CheckFinding, type CheckFindings, type CheckResult } from './findings';

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

/** What a rule has seen of the counted findings so far. */
interface RuleTally {
  count: number;
  matching: number;
  highest: number | null;
}

function tallyFinding(rule: ThresholdRule, tally: RuleTally, finding: CheckFinding): void {
  const m = rule.metric;
  const a = finding.annotation;
  if (m.kind === 'label' ? a.label === m.name : m.kind === 'tool' ? a.tool_name === m.name : true) tally.count++;
  if (m.kind === 'confidence') {
    if (compare(a.confidence, rule.op, rule.limit)) tally.matching++;
    tally.highest = Math.max(tally.highest ?? -Infinity, a.confidence);
  }
}

function outcome(rule: ThresholdRule, tally: RuleTally, withAny: number, checked: number): RuleOutcome {
  switch (rule.metric.kind) {
    case 'rate': {
      const value = checked === 0 ? 0 : withAny / checked;
      return { rule, value, failed: compare(value, rule.op, rule.limit) };
    }
    case 'count':
    case 'label':
    case 'tool':
      return { rule, value: tally.count, failed: compare(tally.count, rule.op, rule.limit) };
    case 'confidence':
      return { rule, value: tally.highest, failed: tally.matching > 0 };
  }
}

/** Every rule in one pass over the findings (a spilled scan's are read from disk, once). */
export function evaluateRules(rules: readonly ThresholdRule[], input: CheckResult | CheckFindings): RuleOutcome[] {
  const findings = findingsOf(input);
  const tallies: RuleTally[] = rules.map(() => ({ count: 0, matching: 0, highest: null }));
  let withAny = 0;
  if (rules.length)
    for (const c of findings.conversations()) {
      const counted = countedFindings(c);
      if (counted.length) withAny++;
      for (const f of counted) rules.forEach((rule, i) => tallyFinding(rule, tallies[i]!, f));
    }
  return rules.map((rule, i) => outcome(rule, tallies[i]!, withAny, findings.checked));
}

export function evaluateRule(rule: ThresholdRule, input: CheckResult | CheckFindings): RuleOutcome {
  return evaluateRules([rule], input)[0]!;
}
