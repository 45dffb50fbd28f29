// JUnit XML for CI test reports: a test suite per trace file, a test case per conversation, failed
// when the conversation has a counted hallucination. Written with `junit-report-builder` (the
// maintained writer Jenkins-compatible reporters use) rather than by hand, so escaping is its job.
import junitReportBuilder from 'junit-report-builder';
import { countedFindings, type CheckResult } from './findings';

export function junitXml(result: CheckResult): string {
  const builder = junitReportBuilder.newBuilder();
  const byFile = new Map<string, CheckResult['conversations']>();
  for (const c of result.conversations) {
    const list = byFile.get(c.file) ?? [];
    list.push(c);
    byFile.set(c.file, list);
  }
  for (const [file, conversations] of byFile) {
    const suite = builder.testSuite().name(file);
    for (const c of conversations) {
      const testCase = suite.testCase().className(file).name(c.id);
      const counted = countedFindings(c);
      if (counted.length) {
        const lines = counted.map((f) => {
          const where = f.region ? `${c.file}:${f.region.startLine}:${f.region.startColumn}` : c.file;
          return `${where} ${f.annotation.label}: “${f.annotation.text}” — ${f.annotation.explanation}`;
        });
        testCase.failure(`${counted.length} hallucination${counted.length === 1 ? '' : 's'}`, 'hallucination').stacktrace(lines.join('\n'));
      }
    }
  }
  const skippedByFile = new Map<string, typeof result.skipped>();
  for (const s of result.skipped) skippedByFile.set(s.file, [...(skippedByFile.get(s.file) ?? []), s]);
  for (const [file, skipped] of skippedByFile) {
    const suite = builder.testSuite().name(`${file} (left out)`);
    for (const s of skipped)
      suite
        .testCase()
        .className(file)
        .name(s.conversationId ?? file)
        .skipped()
        .standardOutput(s.reason);
  }
  return builder.build();
}
