// Evaluates the local detector on every BFCL category in ../shared/data (bfcl-simple and
// bfcl-dev: live, parallel, multiple, parallel_multiple, Java, JavaScript, multi-turn). Cases are
// built in detectorCases.ts: the reference calls, hard negatives from the answer keys' other
// acceptable values, and positives with one injected fault each. Prints per category and overall:
// precision, recall, F1 (a case is flagged when it gets ≥ 1 annotation), how often a flagged
// positive names the right tool and parameter, the false-positive rates, throughput, and the
// calibration table (share of annotations at each confidence that are right). "unverifiable"
// counts the cases left clean only because a value may come from an earlier call's missing
// result (see unansweredCalls.ts); a positive among them counts as a miss in recall.
// Run: node --import tsx bench/detector-eval.ts [--verbose] [--category NAME]
import type { Annotation, Conversation } from '../common/schema';
import { calibrated, setCalibration } from '../server/core/detectors/local/confidence';
import type { DetectionReport } from '../server/core/detectors/detector';
import { detectLocal } from '../server/core/detectors/local/index';
import { UNANSWERED_CALL_NOTE } from '../server/core/detectors/local/unansweredCalls';
import { buildCases, type Case } from './detectorCases';

const verbose = process.argv.includes('--verbose');
const onlyCategory = (() => {
  const i = process.argv.indexOf('--category');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

/**
 * Every response of the case (one message, or a multi-turn turn's steps) judged on what came
 * before it; `unverifiable`: the detector left a value out because an earlier call's result is
 * missing from the trace.
 */
function detect(c: Conversation, judgeFrom: number): { anns: Annotation[]; unverifiable: boolean } {
  const anns: Annotation[] = [];
  const report: DetectionReport = { notes: [], hidden: 0 };
  for (let i = judgeFrom; i < c.messages.length; i++)
    anns.push(...detectLocal({ conversation: c, messageIndex: i, message: c.messages[i]!, report }));
  return { anns, unverifiable: report.notes.includes(UNANSWERED_CALL_NOTE) };
}

interface Tally {
  positives: number;
  tp: number;
  located: number;
  references: number;
  referenceFlagged: number;
  hardNegatives: number;
  hardFlagged: number;
  /** cases left without an annotation but with a value left unverifiable (an earlier call's result missing) */
  unverifiable: number;
}
const empty = (): Tally => ({
  positives: 0,
  tp: 0,
  located: 0,
  references: 0,
  referenceFlagged: 0,
  hardNegatives: 0,
  hardFlagged: 0,
  unverifiable: 0,
});

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '  n/a';
}

function locatedBy(c: Case, anns: Annotation[]): boolean {
  const e = c.expected!;
  return anns.some((a) => a.tool_name === e.tool && a.parameter_name === e.param);
}

function main(): void {
  // Raw strengths: the calibration table is computed from them (the shipped confidences map each
  // raw strength to the share right that this table measures).
  setCalibration(false);
  let cases = buildCases();
  if (onlyCategory) cases = cases.filter((c) => c.category === onlyCategory);
  const t0 = process.cpuUsage();
  const results = cases.map((c) => ({ c, ...detect(c.conversation, c.judgeFrom) }));
  const cpu = process.cpuUsage(t0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;

  const byCategory = new Map<string, Tally>();
  const overall = empty();
  const byKind = new Map<string, { n: number; flagged: number; unverifiable: number }>();
  const calibration = new Map<string, { n: number; right: number }>();
  const lines: string[] = [];
  let offsetErrors = 0;
  for (const { c, anns, unverifiable } of results) {
    const t = byCategory.get(c.category) ?? empty();
    byCategory.set(c.category, t);
    const flagged = anns.length > 0;
    const k = byKind.get(c.kind) ?? { n: 0, flagged: 0, unverifiable: 0 };
    byKind.set(c.kind, k);
    k.n++;
    if (flagged) k.flagged++;
    else if (unverifiable) k.unverifiable++;
    for (const x of [t, overall]) {
      if (!flagged && unverifiable) x.unverifiable++;
      if (c.group === 'positive') {
        x.positives++;
        if (flagged) x.tp++;
        if (flagged && locatedBy(c, anns)) x.located++;
      } else if (c.group === 'reference') {
        x.references++;
        if (flagged) x.referenceFlagged++;
      } else {
        x.hardNegatives++;
        if (flagged) x.hardFlagged++;
      }
    }
    const judged = c.conversation.messages.slice(c.judgeFrom);
    for (const a of anns) {
      const part = c.conversation.messages[a.message_index]?.tool_calls?.[a.message_part_index]?.function.arguments ?? '';
      if (part.slice(a.start_offset, a.end_offset) !== a.text) offsetErrors++;
      const right = c.group === 'positive' && a.tool_name === c.expected!.tool && a.parameter_name === c.expected!.param;
      // Multi-turn cases lack what the earlier calls returned (the answer key is not executed
      // here), so their context is incomplete: they are left out of the calibration.
      if (c.category === 'multi_turn_base') continue;
      const key = `${a.label} ${a.confidence.toFixed(2)}`;
      const cal = calibration.get(key) ?? { n: 0, right: 0 };
      calibration.set(key, cal);
      cal.n++;
      if (right) cal.right++;
    }
    if (verbose) {
      const calls = judged
        .flatMap((m) => m.tool_calls ?? [])
        .map((x) => `${x.function.name}(${x.function.arguments})`)
        .join(' ; ');
      if (c.group !== 'positive' && flagged)
        lines.push(
          `FP ${c.category} ${c.kind} ${c.id}: ${calls}\n   ${anns.map((a) => `${a.label} ${a.parameter_name}=${JSON.stringify(a.text)} (${a.confidence}) ${a.explanation}`).join('\n   ')}`,
        );
      if (c.group === 'positive' && !locatedBy(c, anns))
        lines.push(
          `MISS ${c.category} ${c.kind} ${c.id} expected ${c.expected!.label} ${c.expected!.tool}/${c.expected!.param}: ${calls}\n   → ${anns.map((a) => `${a.label} ${a.parameter_name}`).join(', ') || 'nothing'}`,
        );
    }
  }

  console.log(
    `${cases.length} cases (${results.filter((r) => r.c.group === 'positive').length} positives, ${results.filter((r) => r.c.group === 'reference').length} reference calls, ${results.filter((r) => r.c.group === 'hard_negative').length} hard negatives)\n`,
  );
  const header = `${'category'.padEnd(24)} ${'pos'.padStart(5)} ${'neg'.padStart(5)}  precision recall   F1     located  ref-FPR  hard-FPR (n)   unverifiable`;
  console.log(header);
  const row = (name: string, t: Tally): void => {
    const fp = t.referenceFlagged + t.hardFlagged;
    const precision = t.tp / (t.tp + fp);
    const recall = t.tp / t.positives;
    const f1 = (2 * precision * recall) / (precision + recall);
    console.log(
      `${name.padEnd(24)} ${String(t.positives).padStart(5)} ${String(t.references + t.hardNegatives).padStart(5)}  ${fmt(precision)}     ${fmt(recall)}  ${fmt(f1)}  ${fmt(t.located / t.tp)}    ${fmt(t.referenceFlagged / t.references)}   ${fmt(t.hardFlagged / t.hardNegatives)} (${t.hardNegatives})`.padEnd(
        102,
      ) + String(t.unverifiable).padStart(5),
    );
  };
  for (const [name, t] of [...byCategory.entries()].sort()) row(name, t);
  row('OVERALL', overall);

  console.log('\nflagged per kind:');
  for (const [kind, k] of [...byKind.entries()].sort())
    console.log(
      `  ${kind.padEnd(22)} ${String(k.flagged).padStart(5)} / ${k.n}  (${fmt(k.flagged / k.n)})${k.unverifiable > 0 ? `; ${k.unverifiable} not flagged, left unverifiable` : ''}`,
    );
  console.log(`annotations whose text ≠ the arguments' slice at their offsets: ${offsetErrors}`);
  console.log(
    `\nthroughput: ${cases.length} conversations in ${cpuSecs.toFixed(2)} CPU-s → ${Math.round(cases.length / cpuSecs)} conversations per CPU-second (one core)`,
  );

  console.log('\ncalibration: label, raw strength → annotations, share right (Laplace-smoothed), confidence shipped');
  const table: Record<string, Record<string, number>> = {};
  setCalibration(true);
  for (const [key, cal] of [...calibration.entries()].sort()) {
    const [label, raw] = key.split(' ') as [string, string];
    const share = (cal.right + 1) / (cal.n + 2);
    const shipped = calibrated(label as Annotation['label'] as never, Number(raw));
    console.log(`  ${label.padEnd(28)} ${raw}  ${String(cal.n).padStart(6)}  ${fmt(share)}   ${shipped.toFixed(2)}`);
    // rules with few annotations keep their prior
    if (cal.n >= 20) (table[label] ??= {})[raw] = Math.round(share * 100) / 100;
  }
  if (process.argv.includes('--calibration-table')) console.log(JSON.stringify(table, null, 2));
  if (verbose) console.log('\n' + lines.join('\n'));
}

main();
