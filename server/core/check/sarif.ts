// SARIF 2.1.0 for code scanning: one result per hallucination, on the exact region of the trace file
// the editor's marker covers. Built with `node-sarif-builder` (the maintained SARIF writer used by
// MegaLinter and npm-groovy-lint) so the log's skeleton, artifact list and schema URI are its job;
// what is ours — fingerprints, baseline state, detector and confidence — is set on each result.
import type { Log, Notification, Result, Run } from 'sarif';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import { builtInLabels } from '../../../common/schema';
import { FINGERPRINT_KEY } from './fingerprint';
import { findingsOf, type CheckedConversation, type CheckFinding, type CheckFindings, type CheckResult } from './findings';
import { arrayPlaceholder, indentedJsonWithArrays } from './streamedJson';

export const TOOL_NAME = 'hallucination-lab';

export interface SarifOptions {
  toolVersion: string;
  /** Descriptions of labels beyond the built-in ones (a workspace label set). */
  labelDescriptions?: ReadonlyMap<string, string>;
}

function labelDescription(label: string, options: SarifOptions): string {
  return options.labelDescriptions?.get(label) ?? (builtInLabels as Record<string, string>)[label] ?? `Hallucination labelled ${label}.`;
}

function resultMessage(finding: CheckFinding): string {
  const a = finding.annotation;
  const where = a.tool_name ? ` in ${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}` : '';
  return `${a.label}${where}: “${a.text}” — ${a.explanation}`;
}

function level(confidence: number): Result.level {
  return confidence >= 0.8 ? 'error' : confidence >= 0.5 ? 'warning' : 'note';
}

/** The SARIF result of one finding, built by the library (rule and artifact indexes are set later). */
function sarifResult(conversation: CheckedConversation, finding: CheckFinding): Result {
  const a = finding.annotation;
  const builder = new SarifResultBuilder().initSimple({
    level: level(a.confidence),
    messageText: resultMessage(finding),
    ruleId: a.label,
    fileUri: conversation.file,
    ...(finding.region
      ? {
          startLine: finding.region.startLine,
          startColumn: finding.region.startColumn,
          endLine: finding.region.endLine,
          endColumn: finding.region.endColumn,
        }
      : {}),
  });
  const sarifResult = builder.result;
  if (finding.region) {
    sarifResult.locations![0]!.physicalLocation!.region!.snippet = { text: a.text };
  }
  sarifResult.partialFingerprints = { [FINGERPRINT_KEY]: finding.fingerprint };
  sarifResult.baselineState = finding.inBaseline ? 'unchanged' : 'new';
  if (finding.suppressed)
    sarifResult.suppressions = [{ kind: 'external', status: 'accepted', justification: finding.suppressed.justification }];
  sarifResult.properties = {
    conversationId: conversation.id,
    detector: a.detector,
    confidence: a.confidence,
    messageIndex: a.message_index,
    messagePartIndex: a.message_part_index,
    ...(a.tool_name !== null ? { toolName: a.tool_name } : {}),
    ...(a.parameter_name !== null ? { parameterName: a.parameter_name } : {}),
  };
  return sarifResult;
}

/** The library completes a run (artifact list, rule and artifact indexes): `run` is completed in place. */
function completeRun(run: Run): Run {
  const sarif = new SarifBuilder();
  sarif.addRun({ run } as SarifRunBuilder);
  return sarif.buildSarifOutput().runs[0]!;
}

/**
 * The SARIF log as text, piece by piece: the findings are read twice (rules and artifacts first,
 * then the results one at a time), so a spilled scan's log is never whole in memory. The text is
 * what `JSON.stringify(log, null, 2)` of the whole log would be.
 */
export function* sarifText(input: CheckResult | CheckFindings, options: SarifOptions): Generator<string> {
  const findings = findingsOf(input);
  const labels = new Set<string>();
  const files = new Map<string, Result>();
  for (const c of findings.conversations())
    for (const f of c.findings) {
      labels.add(f.annotation.label);
      // One stand-in result per file, in the order of the first result, for the library's artifact list.
      if (!files.has(c.file))
        files.set(c.file, { message: { text: '' }, locations: [{ physicalLocation: { artifactLocation: { uri: c.file } } }] });
    }
  const runBuilder = new SarifRunBuilder().initSimple({ toolDriverName: TOOL_NAME, toolDriverVersion: options.toolVersion });
  for (const label of [...labels].sort())
    runBuilder.addRule(new SarifRuleBuilder().initSimple({ ruleId: label, shortDescriptionText: labelDescription(label, options) }));
  runBuilder.run.results = [...files.values()];
  const sarif = new SarifBuilder();
  sarif.addRun(runBuilder);
  const log = sarif.buildSarifOutput();
  const run = log.runs[0]!;
  const placeholder = arrayPlaceholder();
  (run as { results: unknown }).results = placeholder;
  // Inputs that could not be read are tool notifications, not results: said, never counted.
  const notifications = arrayPlaceholder();
  if (findings.skippedCount)
    (run as { invocations: unknown }).invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
  function* notified(): Generator<Notification> {
    for (const s of findings.skipped())
      yield {
        level: 'warning',
        message: { text: `${s.conversationId ? `conversation ${s.conversationId}: ` : ''}${s.reason}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: s.file } } }],
      };
  }
  const { tool, artifacts } = run;
  function* results(): Generator<Result> {
    for (const c of findings.conversations())
      for (const f of c.findings)
        yield completeRun({ tool, ...(artifacts ? { artifacts } : {}), results: [sarifResult(c, f)] }).results![0]!;
  }
  yield* indentedJsonWithArrays(log, [
    { placeholder, items: results() },
    ...(findings.skippedCount ? [{ placeholder: notifications, items: notified() }] : []),
  ]);
  yield '\n';
}

/** The SARIF log of a result held in memory (an experiment's export). */
export function sarifLog(result: CheckResult | CheckFindings, options: SarifOptions): Log {
  return JSON.parse([...sarifText(result, options)].join('')) as Log;
}

/** Fingerprints held by a previous SARIF log (the baseline), with the file each was in. */
export function baselineFingerprints(log: unknown): Set<string> {
  const out = new Set<string>();
  const runs = (log as Partial<Log> | null)?.runs;
  if (!Array.isArray(runs)) throw new Error('not a SARIF log: it has no "runs" array');
  for (const run of runs)
    for (const r of run.results ?? []) {
      const fp = r.partialFingerprints?.[FINGERPRINT_KEY];
      if (typeof fp === 'string') out.add(fp);
    }
  return out;
}
