// Entry of the extension-host test suite: VS Code loads out/test/editor/suite/index.js (bundled by
// esbuild.mjs, with `vscode` and `mocha` external) and calls run() inside the extension host.
//
// Two runners load this file:
//  - test/editor/launch-suite.mjs (VS Code from code-server, in headless Chromium) and any
//    @vscode/test-electron style runner: they call run(), which sets up mocha and registers the tests.
//  - @vscode/test-cli (.vscode-test.mjs, `files: out/test/editor/suite/index.js`): its own mocha
//    requires this file with the tdd globals already defined, so the tests register at load time.
//
// The test files are required statically (the bundle has no files to glob at run time), in order:
// later suites build on what earlier ones did (the experiment run is inspected by diagnostics tests).
import * as fs from 'node:fs';
import Mocha from 'mocha';

function registerTests(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('./smoke.test');
  require('./activation.test');
  require('./traces.test');
  require('./experiment.test');
  require('./markers.test');
  require('./restart.test');
  require('./inference.test');
  require('./webviews.test');
  require('./live.test');
  require('./review.test');
  require('./editorModels.test');
  /* eslint-enable @typescript-eslint/no-require-imports */
}

// Loaded by a mocha that already defined the tdd globals (@vscode/test-cli): register now.
const g = globalThis as { suite?: unknown; test?: unknown };
if (typeof g.suite === 'function' && typeof g.test === 'function') registerTests();

function vscodeVersion(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('vscode') as typeof import('vscode')).version;
  } catch {
    return null;
  }
}

interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  duration?: number;
}
interface FailureResult {
  fullTitle: string;
  message: string;
  stack?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: Number(process.env.HL_EDITOR_TEST_TIMEOUT ?? 60_000),
    reporter: 'spec',
  });
  if (process.env.HL_EDITOR_GREP) mocha.grep(process.env.HL_EDITOR_GREP);
  // Install the tdd globals (suite, test, setup, …) the way mocha.loadFiles does, then register.
  mocha.suite.emit('pre-require', globalThis, 'index.js', mocha);
  registerTests();

  const tests: TestResult[] = [];
  const failures: FailureResult[] = [];
  const transcript: string[] = [];
  const origLog = console.log;
  // The spec reporter prints with console.log; keep a copy to hand back with the results.
  console.log = (...args: unknown[]) => {
    transcript.push(args.map(String).join(' '));
    origLog(...args);
  };
  const started = Date.now();
  let current: string | null = null;

  // Written after every test, so that a launcher that times out still knows how far it got.
  const writeResults = (complete: boolean): void => {
    const out = process.env.HL_EDITOR_RESULTS;
    if (!out) return;
    const results = {
      complete,
      running: complete ? null : current,
      passed: tests.filter((t) => t.state === 'passed').length,
      failed: failures.length,
      pending: tests.filter((t) => t.state === 'pending').length,
      durationMs: Date.now() - started,
      vscodeVersion: vscodeVersion(),
      tests,
      failures,
      transcript: transcript.join('\n'),
    };
    try {
      fs.writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 2));
      fs.renameSync(`${out}.tmp`, out);
    } catch (e) {
      origLog(`could not write results to ${out}: ${e}`);
    }
  };

  return new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failed) => {
      console.log = origLog;
      writeResults(true);
      if (failed > 0) reject(new Error(`${failed} editor test(s) failed`));
      else resolve();
    });
    runner.on('test', (t) => {
      current = t.fullTitle();
      writeResults(false);
    });
    runner.on('test end', () => writeResults(false));
    runner.on('pass', (t) => tests.push({ fullTitle: t.fullTitle(), state: 'passed', duration: t.duration }));
    runner.on('pending', (t) => tests.push({ fullTitle: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: Error) => {
      // A failing hook counts as a failure too (its title says which hook).
      if (t.type === 'test') tests.push({ fullTitle: t.fullTitle(), state: 'failed', duration: t.duration });
      failures.push({ fullTitle: t.fullTitle(), message: err?.message ?? String(err), stack: err?.stack });
    });
  });
}
