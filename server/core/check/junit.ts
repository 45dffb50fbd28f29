// JUnit XML for CI test reports: a test suite per trace file, a test case per conversation, failed
// when the conversation has a counted hallucination. Each test case is written by
// `junit-report-builder` (the maintained writer Jenkins-compatible reporters use), so escaping is
// its job; a large scan's report is written case by case, the suites' counts taken in a first pass.
import junitReportBuilder from 'junit-report-builder';
import { countedFindings, findingsOf, type CheckedConversation, type CheckFindings, type CheckResult, type SkippedInput } from './findings';

type TestCase = ReturnType<ReturnType<typeof junitReportBuilder.testSuite>['testCase']>;

/**
 * What the library writes for one test case, with the indentation it has in a report (inside a
 * suite inside the root): the lines between the suite's opening and closing tags.
 */
function caseXml(fill: (testCase: TestCase) => void): string {
  const builder = junitReportBuilder.newBuilder();
  fill(builder.testSuite().name('').testCase());
  const lines = builder.build().split('\n');
  return lines.slice(3, -2).join('\n');
}

/** An attribute value as the library escapes it (read back from a suite it names). */
function attribute(value: string): string {
  const builder = junitReportBuilder.newBuilder();
  builder.testSuite().name(value);
  return /<testsuite name="([^"]*)"/.exec(builder.build())![1]!;
}

function conversationCase(c: CheckedConversation): string {
  return caseXml((testCase) => {
    testCase.className(c.file).name(c.id);
    const counted = countedFindings(c);
    if (counted.length) {
      const lines = counted.map((f) => {
        const where = f.region ? `${c.file}:${f.region.startLine}:${f.region.startColumn}` : c.file;
        return `${where} ${f.annotation.label}: “${f.annotation.text}” — ${f.annotation.explanation}`;
      });
      testCase.failure(`${counted.length} hallucination${counted.length === 1 ? '' : 's'}`, 'hallucination').stacktrace(lines.join('\n'));
    }
  });
}

function skippedCase(s: SkippedInput): string {
  return caseXml((testCase) =>
    testCase
      .className(s.file)
      .name(s.conversationId ?? s.file)
      .skipped()
      .standardOutput(s.reason),
  );
}

interface Suite {
  name: string;
  tests: number;
  failures: number;
  skipped: number;
}

function suiteOpen(s: Suite): string {
  return `  <testsuite name="${attribute(s.name)}" tests="${s.tests}" failures="${s.failures}" errors="0" skipped="${s.skipped}">`;
}

/** Items grouped in suites by file, in the order of each file's first item; counted in a first pass. */
interface SuitePlan<T> {
  items: () => Iterable<T>;
  fileOf(item: T): string;
  suiteName(file: string): string;
  failed(item: T): boolean;
  skipped: boolean;
  caseOf(item: T): string;
}

function plan<T>(p: SuitePlan<T>): { suites: Map<string, Suite>; contiguous: boolean } {
  const suites = new Map<string, Suite>();
  let contiguous = true;
  let last: string | null = null;
  for (const item of p.items()) {
    const file = p.fileOf(item);
    let suite = suites.get(file);
    if (!suite) suites.set(file, (suite = { name: p.suiteName(file), tests: 0, failures: 0, skipped: 0 }));
    else if (last !== file) contiguous = false;
    last = file;
    suite.tests++;
    if (p.failed(item)) suite.failures++;
    if (p.skipped) suite.skipped++;
  }
  return { suites, contiguous };
}

function* suitesText<T>(p: SuitePlan<T>, suites: Map<string, Suite>, contiguous: boolean): Generator<string> {
  if (contiguous) {
    // One pass: the cases come one file after another.
    let open: string | null = null;
    for (const item of p.items()) {
      const file = p.fileOf(item);
      if (file !== open) {
        if (open !== null) yield '\n  </testsuite>';
        yield `\n${suiteOpen(suites.get(file)!)}`;
        open = file;
      }
      yield `\n${p.caseOf(item)}`;
    }
    if (open !== null) yield '\n  </testsuite>';
    return;
  }
  // Files interleaved (not a scan's order): a pass per file.
  for (const [file, suite] of suites) {
    yield `\n${suiteOpen(suite)}`;
    for (const item of p.items()) if (p.fileOf(item) === file) yield `\n${p.caseOf(item)}`;
    yield '\n  </testsuite>';
  }
}

/** The report as text, piece by piece: the same document the library builds whole. */
export function* junitText(input: CheckResult | CheckFindings): Generator<string> {
  const findings = findingsOf(input);
  const judged: SuitePlan<CheckedConversation> = {
    items: () => findings.conversations(),
    fileOf: (c) => c.file,
    suiteName: (file) => file,
    failed: (c) => countedFindings(c).length > 0,
    skipped: false,
    caseOf: conversationCase,
  };
  const left: SuitePlan<SkippedInput> = {
    items: () => findings.skipped(),
    fileOf: (s) => s.file,
    suiteName: (file) => `${file} (left out)`,
    failed: () => false,
    skipped: true,
    caseOf: skippedCase,
  };
  const a = plan(judged);
  const b = plan(left);
  const all = [...a.suites.values(), ...b.suites.values()];
  const sum = (k: 'tests' | 'failures' | 'skipped') => all.reduce((n, s) => n + s[k], 0);
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${sum('tests')}" failures="${sum('failures')}" errors="0" skipped="${sum('skipped')}"`;
  if (all.length === 0) {
    yield `${head}/>`;
    return;
  }
  yield `${head}>`;
  yield* suitesText(judged, a.suites, a.contiguous);
  yield* suitesText(left, b.suites, b.contiguous);
  yield '\n</testsuites>';
}

/** The report of a result held in memory. */
export function junitXml(result: CheckResult | CheckFindings): string {
  return [...junitText(result)].join('');
}
