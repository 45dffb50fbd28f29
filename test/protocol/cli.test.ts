// The built CLI (dist/cli.js) as a user runs it, against the local OpenAI-compatible test server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentResourceSchema } from '../../common/schema';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'dist', 'cli.js');
const samples = ['support-agent.jsonl', 'rag-answers.json', 'booking-flow.jsonl'].map((f) => path.join(repo, 'samples', f));
const KEY = 'sk-test-never-written-7f3a9c';
let mock: MockServer;

before(async () => {
  mock = await startMockOpenAI({ apiKey: KEY });
});
after(async () => mock.close());

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hl-cli-'));
}
/** Runs the CLI without blocking this process, which also serves the mock endpoint. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}
function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? d.path, d.name));
}

test('--json prints exactly one JSON document: the experiment resource with metrics and items', async () => {
  const out = tmp();
  const r = await run(['run', ...samples, '--pass-through', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(r.stdout));
  assert.equal(resource.items.length, 13);
  assert.ok(resource.items.every((i) => i.status === 'completed' && Array.isArray(i.annotations)));
  assert.ok(resource.metrics.total_hallucinations > 0);
  const labels = new Set(resource.items.flatMap((i) => i.annotations.map((a) => a.label)));
  for (const l of ['unknown_tool', 'missing_required_parameter', 'invalid_parameter_value', 'ungrounded_parameter_value'])
    assert.ok(labels.has(l), `missing ${l}`);
  // The grounded "Tel Aviv" → "Tel Aviv, Israel" call is not a hallucination.
  const telAviv = resource.items.find((i) => i.conversation_id === 'booking-001')!;
  assert.deepEqual(telAviv.annotations, []);
});

test('without --json: a summary table on stdout and a progress line on stderr', async () => {
  const r = await run(['run', samples[2]!, '--pass-through', '--out', tmp()]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /conversation\s+status\s+hallucinations/);
  assert.match(r.stdout, /hallucination_rate/);
  assert.match(r.stderr, /4\/4 done/);
});

test('more than 100 conversations is an error naming the count', async () => {
  const dir = tmp();
  const file = path.join(dir, 'many.jsonl');
  const line = (i: number) =>
    JSON.stringify({
      id: `c${i}`,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    });
  fs.writeFileSync(file, Array.from({ length: 101 }, (_, i) => line(i)).join('\n'));
  const r = await run(['run', file, '--pass-through', '--out', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /101 conversations, more than the 100/);
});

test('inference on two models with the judge: items per model, metrics per model, and the key is never written', async () => {
  const out = tmp();
  const r = await run(
    [
      'run',
      samples[2]!,
      '--model',
      'model-a',
      '--model',
      'model-b',
      '--base-url',
      mock.url,
      '--judge-model',
      'judge',
      '--detector',
      'both',
      '--samples',
      '2',
      '--json',
      '--out',
      out,
      '--system-prompt-override',
      'Be exact.',
    ],
    { OPENAI_API_KEY: KEY },
  );
  assert.equal(r.code, 0, r.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(r.stdout));
  assert.equal(resource.items.length, 4 * 2 * 2);
  assert.deepEqual(Object.keys(resource.metrics_by_model).sort(), ['model-a', 'model-b']);
  assert.ok(resource.items.every((i) => i.status === 'completed' && i.input_tokens !== null && i.latency_ms !== null));
  const chat = mock.chatRequests();
  const system = chat
    .map((c) => (c.body as { messages?: Array<{ role: string; content: unknown }> }).messages?.[0])
    .filter((m) => m?.role === 'system');
  assert.ok(
    system.some((m) => m!.content === 'Be exact.'),
    'the system prompt override reached the model',
  );
  for (const f of allFiles(out)) assert.ok(!fs.readFileSync(f, 'utf8').includes(KEY), `${f} holds the key`);
  assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
});

test('a wrong key fails each item with a reason that does not contain the key', async () => {
  const out = tmp();
  const wrong = 'sk-wrong-key-0000-abcdef';
  const r = await run(
    ['run', samples[2]!, '--conversations', 'booking-001', '--model', 'm', '--base-url', mock.url, '--json', '--out', out],
    { OPENAI_API_KEY: wrong },
  );
  assert.equal(r.code, 1);
  const resource = experimentResourceSchema.parse(JSON.parse(r.stdout));
  assert.equal(resource.items[0]!.status, 'failed');
  assert.match(resource.items[0]!.failure_reason ?? '', /401/);
  assert.ok(!r.stdout.includes(wrong) && !r.stderr.includes(wrong));
  for (const f of allFiles(out)) assert.ok(!fs.readFileSync(f, 'utf8').includes(wrong));
});

test('Ctrl-C cancels within a second, keeps finished items, and resume finishes the rest', async () => {
  const slow = await startMockOpenAI({ apiKey: KEY, latencyMs: 1500 });
  try {
    const out = tmp();
    const child = spawn(
      process.execPath,
      [cli, 'run', ...samples, '--model', 'm', '--base-url', slow.url, '--concurrency', '2', '--out', out],
      {
        env: { ...process.env, OPENAI_API_KEY: KEY },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // Interrupt once two items have completed (a fixed delay was flaky on a busy machine).
    for (const end = Date.now() + 20_000; !/\((?:[2-9]|1\d) completed/.test(stderr) && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 50));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await closed;
    assert.ok(Date.now() - sent < 1000, `took ${Date.now() - sent} ms to stop`);
    assert.equal(code, 1, stderr);
    const id = fs.readdirSync(path.join(out, 'experiments'))[0]!;
    const shown = experimentResourceSchema.parse(JSON.parse((await run(['show', id, '--json', '--out', out])).stdout));
    const s = shown.status_summary;
    assert.ok(s.completed >= 2 && s.pending > 0 && s.in_progress === 0, JSON.stringify(s));
    const requestsBefore = slow.chatRequests().length;
    const resumed = await run(['resume', id, '--json', '--out', out, '--base-url', slow.url], { OPENAI_API_KEY: KEY });
    assert.equal(resumed.code, 0, resumed.stderr);
    const done = experimentResourceSchema.parse(JSON.parse(resumed.stdout));
    assert.equal(done.status_summary.completed, 13);
    assert.equal(slow.chatRequests().length - requestsBefore, s.pending, 'resume runs only what was pending');
  } finally {
    await slow.close();
  }
});

// ---- reading trace files: --format, refused input, convert, large output through a pipe --------

const formats = path.join(repo, 'test', 'fixtures', 'formats');

test('convert writes one OpenAI chat-format conversation per line, naming file, format and span; coverage on stderr', async () => {
  const file = path.join(formats, 'otel-genai.otlp.json');
  const r = await run(['convert', file]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          id: string;
          messages: Array<{ role: string }>;
          tools?: unknown[];
          metadata: { source: { file: string; format: string; span_ids: string[] } };
        },
    );
  assert.ok(lines.length > 0);
  for (const l of lines) {
    assert.ok(l.messages.length > 1 && l.messages[l.messages.length - 1]!.role === 'assistant');
    assert.equal(l.metadata.source.format, 'otel-genai');
    assert.equal(l.metadata.source.file, path.relative(process.cwd(), file));
    assert.equal(l.metadata.source.span_ids.length, 1);
  }
  assert.ok(
    lines.some((l) => (l.tools?.length ?? 0) > 0),
    'the recorded tool definitions are written',
  );
  assert.match(
    r.stderr,
    new RegExp(`otel-genai\\.otlp\\.json: ${lines.length} conversations \\(otel-genai\\); \\d+ of \\d+ LLM calls read`),
  );
  // --out: the same lines in a file, stdout empty.
  const out = path.join(tmp(), 'out.jsonl');
  const r2 = await run(['convert', file, '--out', out]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.stdout, '');
  assert.equal(fs.readFileSync(out, 'utf8'), r.stdout);
});

test('--format forces the reader; refused or empty input exits 1 with one line and no usage text', async () => {
  const file = path.join(formats, 'otel-genai.otlp.json');
  assert.equal((await run(['convert', file, '--format', 'otel-genai'])).code, 0);
  const forced = await run(['convert', file, '--format', 'langsmith']);
  assert.equal(forced.code, 1);
  const dir = tmp();
  const empty = path.join(dir, 'empty.json');
  fs.writeFileSync(empty, '\n');
  const notTrace = path.join(dir, 'config.json');
  fs.writeFileSync(notTrace, '{"editor": {"tabSize": 2}}');
  for (const args of [
    ['convert', empty],
    ['run', empty, '--pass-through', '--out', dir],
    ['run', notTrace, '--pass-through', '--out', dir],
    ['run', path.join(dir, 'missing.jsonl'), '--pass-through', '--out', dir],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /Usage:/);
  }
  const bad = await run(['convert', file, '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of auto, openai, otel-genai/);
});

test('--json is not cut when stdout is a pipe read slowly (more than 64 KiB), and a reader that leaves ends it quietly', async () => {
  const dir = tmp();
  const file = path.join(dir, 'big.jsonl');
  const line = (i: number) =>
    JSON.stringify({
      id: `c${i}`,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'The value is 42. '.repeat(150) },
      ],
    });
  fs.writeFileSync(file, Array.from({ length: 40 }, (_, i) => line(i)).join('\n'));
  const child = spawn(process.execPath, [cli, 'run', file, '--pass-through', '--json', '--out', dir]);
  const chunks: Buffer[] = [];
  // The listener first, then paused: a slow reader, the pipe fills before the process is done.
  // (A listener added only after pause() can miss what arrived meanwhile.)
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stdout.pause();
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise((r) => setTimeout(r, 1500));
  child.stdout.resume();
  assert.equal(await closed, 0);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.length > 65536, `only ${text.length} bytes`);
  assert.equal(experimentResourceSchema.parse(JSON.parse(text)).items.length, 40);
  // A reader that stops early (`| head -c 100`).
  const early = spawn(process.execPath, [cli, 'convert', file]);
  let stderr = '';
  early.stderr.on('data', (d) => (stderr += d.toString()));
  early.stdout.once('data', () => early.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => early.on('close', resolve));
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});

test('run exits 0 when the only items that did not complete are skips (nothing to judge), and says "1 skipped"', async () => {
  const dir = tmp();
  const file = path.join(dir, 'skips.jsonl');
  const conversations = [
    { id: 'no-answer', messages: [{ role: 'user', content: 'anyone there?' }] },
    {
      id: 'answered',
      messages: [
        { role: 'user', content: 'Capital of France?' },
        { role: 'assistant', content: 'Paris.' },
      ],
    },
  ];
  fs.writeFileSync(file, conversations.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const r = await run(['run', file, '--pass-through', '--json', '--out', path.join(dir, 'store')]);
  assert.equal(r.code, 0, r.stderr);
  const resource = experimentResourceSchema.parse(JSON.parse(r.stdout));
  assert.equal(resource.status_summary.failed, 0);
  assert.equal(resource.status_summary.skipped, 1);
  assert.match(r.stderr, /1 completed, 0 failed, 1 skipped/);
});
