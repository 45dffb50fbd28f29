// A Markdown summary fit for `$GITHUB_STEP_SUMMARY`: the rate, counts by label and by tool, the
// conversations with the most hallucinations, the rules and what could not be read.
import { countedFindings, type CheckResult } from './findings';
import type { RuleOutcome } from './thresholds';

const WORST_SHOWN = 10;

/** Text from traces goes into table cells: pipes, backticks, angle brackets and newlines neutralised. */
function cell(text: string): string {
  return text.replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function countBy(keys: Iterable<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function markdownSummary(result: CheckResult, outcomes: readonly RuleOutcome[]): string {
  const counted = result.conversations.map((c) => ({ c, findings: countedFindings(c) }));
  const all = counted.flatMap((x) => x.findings);
  const withAny = counted.filter((x) => x.findings.length > 0).length;
  const total = result.checked;
  const every = result.conversations.flatMap((c) => c.findings);
  const baseline = every.filter((f) => f.inBaseline && !f.suppressed).length;
  const dismissed = every.filter((f) => f.suppressed).length;
  const failed = outcomes.filter((o) => o.failed);
  const lines: string[] = [];
  lines.push(`## Hallucination Lab check: ${failed.length ? '❌ failed' : '✅ passed'}`, '');
  const rate = total ? ((withAny / total) * 100).toFixed(1) : '0.0';
  lines.push(
    `**${all.length}** hallucination${all.length === 1 ? '' : 's'} in **${withAny}** of **${total}** conversations (${rate} %)` +
      (baseline ? `; ${baseline} more already in the baseline, not counted` : '') +
      (dismissed ? `; ${dismissed} dismissed in reviews, not counted` : '') +
      '.',
  );
  if (result.skipped.length) lines.push('', `Left out, because they could not be read or judged: ${result.skipped.length} (listed below).`);
  if (outcomes.length) {
    lines.push('', '| rule | value | result |', '|---|---|---|');
    for (const o of outcomes)
      lines.push(`| ${cell(o.rule.source)} | ${o.value === null ? '—' : Number(o.value.toFixed(4))} | ${o.failed ? 'failed' : 'passed'} |`);
  }
  const labels = countBy(all.map((f) => f.annotation.label));
  if (labels.length) {
    lines.push('', '| label | count |', '|---|---|');
    for (const [label, n] of labels) lines.push(`| ${cell(label)} | ${n} |`);
  }
  const tools = countBy(all.flatMap((f) => (f.annotation.tool_name === null ? [] : [f.annotation.tool_name])));
  if (tools.length) {
    lines.push('', '| tool | count |', '|---|---|');
    for (const [tool, n] of tools) lines.push(`| ${cell(tool)} | ${n} |`);
  }
  const worst = counted
    .filter((x) => x.findings.length > 0)
    .sort((a, b) => b.findings.length - a.findings.length || a.c.id.localeCompare(b.c.id))
    .slice(0, WORST_SHOWN);
  if (worst.length) {
    lines.push('', '| conversation | file | hallucinations | first |', '|---|---|---|---|');
    for (const { c, findings } of worst) {
      const first = findings[0]!;
      const where = first.region ? `${c.file}:${first.region.startLine}` : c.file;
      lines.push(
        `| ${cell(c.id)} | ${cell(where)} | ${findings.length} | ${cell(first.annotation.label)}: “${cell(first.annotation.text.slice(0, 60))}” |`,
      );
    }
  }
  if (result.skipped.length) {
    lines.push('', '| left out | reason |', '|---|---|');
    for (const s of result.skipped.slice(0, 50))
      lines.push(`| ${cell(s.conversationId ? `${s.file} · ${s.conversationId}` : s.file)} | ${cell(s.reason)} |`);
  }
  return lines.join('\n') + '\n';
}
