// SARIF 2.1.0 for code scanning: one result per hallucination, on the exact region of the trace file
// the editor's marker covers. Built with `node-sarif-builder` (the maintained SARIF writer used by
// MegaLinter and npm-groovy-lint) so the log's skeleton, artifact list and schema URI are its job;
// what is ours — fingerprints, baseline state, detector and confidence — is set on each result.
import type { Log, Result } from 'sarif';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import { builtInLabels } from '../../../common/schema';
import { FINGERPRINT_KEY } from './fingerprint';
import type { CheckFinding, CheckResult } from './findings';

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

export function sarifLog(result: CheckResult, options: SarifOptions): Log {
  const run = new SarifRunBuilder().initSimple({ toolDriverName: TOOL_NAME, toolDriverVersion: options.toolVersion });
  const labels = new Set<string>();
  for (const c of result.conversations) for (const f of c.findings) labels.add(f.annotation.label);
  for (const label of [...labels].sort())
    run.addRule(new SarifRuleBuilder().initSimple({ ruleId: label, shortDescriptionText: labelDescription(label, options) }));

  for (const conversation of result.conversations) {
    for (const finding of conversation.findings) {
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
      run.addResult(builder);
    }
  }
  const sarif = new SarifBuilder();
  sarif.addRun(run);
  const log = sarif.buildSarifOutput();
  // Inputs that could not be read are tool notifications, not results: said, never counted.
  if (result.skipped.length) {
    log.runs[0]!.invocations = [
      {
        executionSuccessful: true,
        toolExecutionNotifications: result.skipped.map((s) => ({
          level: 'warning' as const,
          message: { text: `${s.conversationId ? `conversation ${s.conversationId}: ` : ''}${s.reason}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: s.file } } }],
        })),
      },
    ];
  }
  return log;
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
