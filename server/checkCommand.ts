// `hallucination-lab check`: the CI gate. Scans trace files with the product's detectors, writes
// SARIF / JUnit / Markdown / JSON, and exits by documented codes:
//   0 every threshold passed, 1 a threshold failed, 2 usage error, 3 an input could not be read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { experimentConfigSchema } from '../common/schema';
import { sarifText } from './core/check/sarif';
import { baselineFingerprintsOfFile } from './core/check/baseline';
import { junitText } from './core/check/junit';
import { markdownSummary } from './core/check/markdown';
import { displayPath, scanTraceFiles } from './core/check/scan';
import { evaluateRules, parseRule, RuleSyntaxError, type RuleOutcome } from './core/check/thresholds';
import { githubWorkflow, WORKFLOW_PATH } from './core/check/ciWorkflow';
import { countedFindings, type CheckFindings } from './core/check/findings';
import { FindingSpill } from './core/check/findingSpill';
import { checkJsonText } from './core/check/jsonReport';
import { writeTextFile, writeTextStream } from './core/check/textOutput';
import { detectorsFor } from './core/experiments/pipeline';
import { ExperimentStore, STORE_DIR } from './core/experiments/experimentStore';
import { VerdictStore } from './core/review/verdictStore';
import { Dismissals } from './core/check/dismissals';
import { UsageError } from './cliErrors';
import { detectorsOption, formatOption, parseCommandArgs, runCommand, seeHelp, type CommandIo } from './cliCommand';
import { cliSettings } from './cliSettings';
import { shownOnOneLine } from './terminalText';

export const CHECK_USAGE = `Usage:
  hallucination-lab check <trace files or globs…> [options]
  hallucination-lab check --init-ci github

Scans every conversation of the files (no conversation cap) with the local detector, and the judge
when asked; fails by the --fail-on rules.
  --fail-on RULE          repeatable: rate>0.05, count>0, label:unknown_tool>0, tool:book_hotel>2,
                          confidence>=0.8 (default: count>0)
  --baseline FILE         a previous SARIF log: findings it holds are reported, not counted
  --store DIR             the experiment store whose review verdicts are honoured (default ./.hallucination-lab):
                          findings people dismissed are SARIF suppressions, not counted
  --sarif FILE            SARIF 2.1.0 for code scanning
  --junit FILE            JUnit XML: a test case per conversation
  --markdown FILE         a summary for $GITHUB_STEP_SUMMARY
  --json                  print the result as one JSON document
  --format F              read the files as this format (default: auto)
  --detector local|judge|both, --judge-model NAME, --base-url URL, --api-key-env NAME (default OPENAI_API_KEY)
  --min-confidence X      hide findings below this confidence
  --init-ci github        write ${WORKFLOW_PATH} (a workflow that runs the check and uploads the SARIF)
Exit codes: 0 passed, 1 a threshold failed, 2 usage error, 3 an input could not be read.`;

export const EXIT = { passed: 0, thresholdFailed: 1, usage: 2, unreadable: 3 } as const;

type Io = CommandIo;

export async function runCheck(argv: string[], io: Io, cwd = process.cwd()): Promise<number> {
  return runCommand(io, { prefix: 'hallucination-lab check', afterUsage: seeHelp('check') }, () => check(argv, io, cwd));
}

async function check(argv: string[], io: Io, cwd: string): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'fail-on': { type: 'string', multiple: true },
      baseline: { type: 'string' },
      store: { type: 'string' },
      sarif: { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      detector: { type: 'string' },
      'judge-model': { type: 'string' },
      'base-url': { type: 'string' },
      'api-key-env': { type: 'string' },
      'min-confidence': { type: 'string' },
      'init-ci': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(CHECK_USAGE + '\n');
    return EXIT.passed;
  }
  if (values['init-ci'] !== undefined) return initCi(values['init-ci'], io, cwd);

  const rules = (values['fail-on'] ?? ['count>0']).map(usageRule);
  const format = formatOption(values.format) ?? 'auto';
  if (positionals.length === 0) throw new UsageError('give the trace files or globs to check');
  const files = expandPatterns(positionals, cwd);
  const missing = files.filter((f) => f.missing).map((f) => f.pattern);
  const baseline = values.baseline !== undefined ? readBaseline(values.baseline, cwd) : undefined;
  const dismissals = readDismissals(values.store, cwd, io);
  const detectorNames = detectorsOption(values.detector);
  const settings = cliSettings(values);
  const config = experimentConfigSchema.parse({
    name: 'check',
    model: 'traced',
    pass_through: true,
    conversation_ids: ['check'],
    detectors: detectorNames,
  });
  const detectors = detectorsFor(config, settings, async (name) => process.env[name] ?? null, true);
  if (!Array.isArray(detectors)) throw new UsageError(`${detectors.path}: ${detectors.error}`);

  // What the scan finds goes to a spill file, read back by each writer: memory does not grow with the files.
  const spill = new FindingSpill();
  // Killed by a signal (Ctrl-C, a CI timeout), the spill is removed before the signal ends the process as it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    spill.dispose();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    for (const pattern of missing) spill.skip({ file: pattern, conversationId: null, reason: 'no file matches it' });
    await scanTraceFiles(
      files.filter((f) => !f.missing).map((f) => f.file),
      {
        detectors,
        cwd,
        ...(format !== 'auto' ? { format } : {}),
        keepClean: values.junit !== undefined,
        ...(baseline ? { baseline } : {}),
        ...(dismissals ? { dismissals } : {}),
        warn: (m) => io.err.write(`warning: ${m}\n`),
        onFile: (file, conversations, findings) =>
          io.err.write(`${file}: ${conversations} conversations checked, ${findings} hallucinations\n`),
      },
      spill,
    );
    const outcomes = evaluateRules(rules, spill);
    if (values.sarif !== undefined) writeTextFile(path.resolve(cwd, values.sarif), sarifText(spill, { toolVersion: toolVersion() }));
    if (values.junit !== undefined) writeTextFile(path.resolve(cwd, values.junit), junitText(spill));
    if (values.markdown !== undefined) writeTextFile(path.resolve(cwd, values.markdown), [markdownSummary(spill, outcomes)]);
    if (values.json) await writeTextStream(io.out, checkJsonText(spill, outcomes));
    else await writeTextStream(io.out, summaryLines(spill, outcomes));

    let unreadableFiles = 0;
    for (const s of spill.skipped())
      if (s.conversationId === null) {
        unreadableFiles++;
        io.err.write(`${s.file}: ${s.reason}\n`);
      }
    if (outcomes.some((o) => o.failed)) return EXIT.thresholdFailed;
    return unreadableFiles > 0 ? EXIT.unreadable : EXIT.passed;
  } finally {
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    spill.dispose();
  }
}

/** A --fail-on rule; one that does not parse is a usage error. */
function usageRule(source: string) {
  try {
    return parseRule(source);
  } catch (e) {
    if (e instanceof RuleSyntaxError) throw new UsageError(e.message);
    throw e;
  }
}

function* summaryLines(findings: CheckFindings, outcomes: readonly RuleOutcome[]): Generator<string> {
  let found = 0;
  for (const c of findings.conversations()) {
    found += countedFindings(c).length;
    for (const f of c.findings) {
      const where = f.region ? `${c.file}:${f.region.startLine}:${f.region.startColumn}` : `${c.file} (${c.id})`;
      const a = f.annotation;
      const state = f.suppressed ? ' (dismissed in a review)' : f.inBaseline ? ' (baseline)' : '';
      yield `${where}: ${a.label}${state} “${shownOnOneLine(a.text)}” — ${shownOnOneLine(a.explanation)}\n`;
    }
  }
  yield `${findings.checked} conversations checked, ${found} hallucinations counted, ${findings.skippedCount} left out\n`;
  for (const o of outcomes)
    yield `${o.failed ? 'FAILED' : 'passed'}: ${o.rule.source} (${o.value === null ? 'no finding' : Number(o.value.toFixed(4))})\n`;
}

interface ExpandedFile {
  pattern: string;
  file: string;
  missing: boolean;
}

/** Files as given, and glob patterns expanded under `cwd` (node_modules and .git left out). */
export function expandPatterns(patterns: readonly string[], cwd: string): ExpandedFile[] {
  const out: ExpandedFile[] = [];
  const seen = new Set<string>();
  const add = (pattern: string, file: string) => {
    if (!seen.has(file)) out.push({ pattern, file, missing: false });
    seen.add(file);
  };
  let all: string[] | null = null;
  for (const pattern of patterns) {
    const abs = path.resolve(cwd, pattern);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) {
      add(pattern, abs);
      continue;
    }
    if (!/[*?[{]/.test(pattern)) {
      out.push({ pattern, file: abs, missing: true });
      continue;
    }
    all ??= walk(cwd);
    const matches = all.filter((f) => minimatch(displayPath(f, cwd), pattern.split(path.sep).join('/'), { dot: false }));
    if (matches.length === 0) out.push({ pattern, file: abs, missing: true });
    for (const m of matches.sort()) add(pattern, m);
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) out.push(p);
    }
  }
  return out;
}

/** Verdicts of the store's experiments; none when there is no store (an explicit --store must exist). */
function readDismissals(store: string | undefined, cwd: string, io: Io): Dismissals | null {
  const root = path.resolve(cwd, store ?? STORE_DIR);
  if (!fs.existsSync(root)) {
    if (store !== undefined) throw new UsageError(`--store ${store}: no such folder`);
    return null;
  }
  const warnings: string[] = [];
  const verdicts = new VerdictStore(new ExperimentStore(root, { allowSymlinkedRoot: store !== undefined })).readAll(warnings);
  for (const w of warnings) io.err.write(`warning: ${w}\n`);
  return verdicts.length ? new Dismissals(verdicts) : null;
}

/** The baseline's fingerprints, read as a stream (a previous large scan's SARIF is large too). */
function readBaseline(file: string, cwd: string): Set<string> {
  try {
    return baselineFingerprintsOfFile(path.resolve(cwd, file));
  } catch (e) {
    // A system error (missing, a folder, no permission) is the file's; any other is its content's.
    if ((e as NodeJS.ErrnoException).code) throw new UsageError(`--baseline ${file}: cannot be read`);
    throw new UsageError(`--baseline ${file}: ${(e as Error).message}`);
  }
}

function initCi(kind: string, io: Io, cwd: string): number {
  if (kind !== 'github') throw new UsageError(`--init-ci supports github, not "${kind}"`);
  const abs = path.join(cwd, WORKFLOW_PATH);
  if (fs.existsSync(abs)) {
    io.err.write(`${WORKFLOW_PATH} already exists: left as it is\n`);
    return EXIT.usage;
  }
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, githubWorkflow());
  io.out.write(`wrote ${WORKFLOW_PATH}\n`);
  return EXIT.passed;
}

function toolVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
