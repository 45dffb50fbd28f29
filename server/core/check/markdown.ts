// A Markdown summary fit for `$GITHUB_STEP_SUMMARY`: the rate, counts by label and by tool, the
// conversations with the most hallucinations, the rules and what could not be read.
import { countedFindings, findingsOf, type CheckedConversation, type CheckFinding, type CheckFindings, type CheckResult } from './findings';
import type { RuleOutcome } from './thresholds';

const WORST_SHOWN = 10;
const SKIPPED_SHOWN = 50;

function* firstOf<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

/** Text from traces goes into table cells: pipes, backticks, angle brackets and newlines neutralised. */
function cell(text: string): string {
  return text.replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function sortedCounts(counts: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

interface Worst {
  c: CheckedConversation;
  findings: CheckFinding[];
}

/** Most findings first, then by id; among equals the earlier stays first (as a stable sort keeps them). */
const worstOrder = (a: Worst, b: Worst) => b.findings.length - a.findings.length || a.c.id.localeCompare(b.c.id);

/** Keeps the `limit` first of `list` in `worstOrder` with `item` added: what sorting all and slicing would give. */
function keepWorst(list: Worst[], item: Worst, limit: number): void {
  let at = list.length;
  while (at > 0 && worstOrder(list[at - 1]!, item) > 0) at--;
  if (at >= limit) return;
  list.splice(at, 0, item);
  if (list.length > limit) list.pop();
}

/** What the summary tells, gathered in one pass over the findings (a spilled scan's are read from disk). */
function tally(findings: CheckFindings) {
  let counted = 0;
  let withAny = 0;
  let baseline = 0;
  let dismissed = 0;
  const labels = new Map<string, number>();
  const tools = new Map<string, number>();
  const worst: Worst[] = [];
  for (const c of findings.conversations()) {
    for (const f of c.findings) {
      if (f.suppressed) dismissed++;
      else if (f.inBaseline) baseline++;
    }
    const mine = countedFindings(c);
    if (mine.length === 0) continue;
    withAny++;
    counted += mine.length;
    for (const f of mine) {
      increment(labels, f.annotation.label);
      if (f.annotation.tool_name !== null) increment(tools, f.annotation.tool_name);
    }
    keepWorst(worst, { c, findings: mine }, WORST_SHOWN);
  }
  return { counted, withAny, baseline, dismissed, labels: sortedCounts(labels), tools: sortedCounts(tools), worst };
}

export function markdownSummary(input: CheckResult | CheckFindings, outcomes: readonly RuleOutcome[]): string {
  const findings = findingsOf(input);
  const { counted, withAny, baseline, dismissed, labels, tools, worst } = tally(findings);
  const total = findings.checked;
  const skipped = findings.skippedCount;
  const failed = outcomes.filter((o) => o.failed);
  const lines: string[] = [];
  lines.push(`## Hallucination Lab check: ${failed.length ? '❌ failed' : '✅ passed'}`, '');
  const rate = total ? ((withAny / total) * 100).toFixed(1) : '0.0';
  lines.push(
    `**${counted}** hallucination${counted === 1 ? '' : 's'} in **${withAny}** of **${total}** conversations (${rate} %)` +
      (baseline ? `; ${baseline} more already in the baseline, not counted` : '') +
      (dismissed ? `; ${dismissed} dismissed in reviews, not counted` : '') +
      '.',
  );
  if (skipped) lines.push('', `Left out, because they could not be read or judged: ${skipped} (listed below).`);
  if (outcomes.length) {
    lines.push('', '| rule | value | result |', '|---|---|---|');
    for (const o of outcomes)
      lines.push(`| ${cell(o.rule.source)} | ${o.value === null ? '—' : Number(o.value.toFixed(4))} | ${o.failed ? 'failed' : 'passed'} |`);
  }
  if (labels.length) {
    lines.push('', '| label | count |', '|---|---|');
    for (const [label, n] of labels) lines.push(`| ${cell(label)} | ${n} |`);
  }
  if (tools.length) {
    lines.push('', '| tool | count |', '|---|---|');
    for (const [tool, n] of tools) lines.push(`| ${cell(tool)} | ${n} |`);
  }
  if (worst.length) {
    lines.push('', '| conversation | file | hallucinations | first |', '|---|---|---|---|');
    for (const { c, findings: mine } of worst) {
      const first = mine[0]!;
      const where = first.region ? `${c.file}:${first.region.startLine}` : c.file;
      lines.push(
        `| ${cell(c.id)} | ${cell(where)} | ${mine.length} | ${cell(first.annotation.label)}: “${cell(first.annotation.text.slice(0, 60))}” |`,
      );
    }
  }
  if (skipped) {
    lines.push('', '| left out | reason |', '|---|---|');
    for (const s of firstOf(findings.skipped(), SKIPPED_SHOWN))
      lines.push(`| ${cell(s.conversationId ? `${s.file} · ${s.conversationId}` : s.file)} | ${cell(s.reason)} |`);
  }
  return lines.join('\n') + '\n';
}
