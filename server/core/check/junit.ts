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

/** The report as text, piece by piece: the same document the library builds whole. */
export function* junitText(input: CheckResult | CheckFindings): Generator<string> {
  const findings = findingsOf(input);
  // First pass: a suite per file in the order of its first conversation, with its counts.
  const suites = new Map<string, Suite>();
  let contiguous = true;
  let last: string | null = null;
  for (const c of findings.conversations()) {
    let suite = suites.get(c.file);
    if (!suite) suites.set(c.file, (suite = { name: c.file, tests: 0, failures: 0, skipped: 0 }));
    else if (last !== c.file) contiguous = false;
    last = c.file;
    suite.tests++;
    if (countedFindings(c).length) suite.failures++;
  }
  const skippedByFile = new Map<string, SkippedInput[]>();
  for (const s of findings.skipped) skippedByFile.set(s.file, [...(skippedByFile.get(s.file) ?? []), s]);
  const all = [...suites.values()];
  const tests = all.reduce((n, s) => n + s.tests, 0) + findings.skipped.length;
  const failures = all.reduce((n, s) => n + s.failures, 0);
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests}" failures="${failures}" errors="0" skipped="${findings.skipped.length}"`;
  if (suites.size === 0 && skippedByFile.size === 0) {
    yield `${head}/>`;
    return;
  }
  yield `${head}>`;
  if (contiguous) {
    // One pass: the suites' cases come one file after another.
    let open: string | null = null;
    for (const c of findings.conversations()) {
      if (c.file !== open) {
        if (open !== null) yield '\n  </testsuite>';
        yield `\n${suiteOpen(suites.get(c.file)!)}`;
        open = c.file;
      }
      yield `\n${conversationCase(c)}`;
    }
    if (open !== null) yield '\n  </testsuite>';
  } else
    for (const suite of all) {
      yield `\n${suiteOpen(suite)}`;
      for (const c of findings.conversations()) if (c.file === suite.name) yield `\n${conversationCase(c)}`;
      yield '\n  </testsuite>';
    }
  for (const [file, skipped] of skippedByFile) {
    yield `\n${suiteOpen({ name: `${file} (left out)`, tests: skipped.length, failures: 0, skipped: skipped.length })}`;
    for (const s of skipped) yield `\n${skippedCase(s)}`;
    yield '\n  </testsuite>';
  }
  yield '\n</testsuites>';
}

/** The report of a result held in memory. */
export function junitXml(result: CheckResult | CheckFindings): string {
  return [...junitText(result)].join('');
}
