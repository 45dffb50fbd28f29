// `check --json`: the result and the rules' outcomes as one JSON document, its conversations
// streamed from the findings (a spilled scan's are read from disk, never held together).
import type { CheckFindings } from './findings';
import { arrayPlaceholder, indentedJsonWithArrays } from './streamedJson';
import type { RuleOutcome } from './thresholds';

export function ruleJson(o: RuleOutcome) {
  return { rule: o.rule.source, value: o.value, failed: o.failed };
}

/** The text `JSON.stringify({ checked, conversations, skipped, rules }, null, 2)` would give, and a newline. */
export function* checkJsonText(findings: CheckFindings, outcomes: readonly RuleOutcome[]): Generator<string> {
  const conversations = arrayPlaceholder();
  const skipped = arrayPlaceholder();
  const skeleton = { checked: findings.checked, conversations, skipped, rules: outcomes.map(ruleJson) };
  yield* indentedJsonWithArrays(skeleton, [
    { placeholder: conversations, items: findings.conversations() },
    { placeholder: skipped, items: findings.skipped() },
  ]);
  yield '\n';
}
