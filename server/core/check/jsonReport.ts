// `check --json`: the result and the rules' outcomes as one JSON document, its conversations
// streamed from the findings (a spilled scan's are read from disk, never held together).
import type { CheckFindings } from './findings';
import { arrayPlaceholder, indentedJsonWithArray } from './streamedJson';
import type { RuleOutcome } from './thresholds';

export function ruleJson(o: RuleOutcome) {
  return { rule: o.rule.source, value: o.value, failed: o.failed };
}

/** The text `JSON.stringify({ checked, conversations, skipped, rules }, null, 2)` would give, and a newline. */
export function* checkJsonText(findings: CheckFindings, outcomes: readonly RuleOutcome[]): Generator<string> {
  const placeholder = arrayPlaceholder();
  const skeleton = { checked: findings.checked, conversations: placeholder, skipped: findings.skipped, rules: outcomes.map(ruleJson) };
  yield* indentedJsonWithArray(skeleton, placeholder, findings.conversations());
  yield '\n';
}
