// `check` in bounded memory: the writers give, from the findings spilled to disk, the very documents
// the in-memory writers gave (golden files made by them at commit 4402cf0, before streaming); the
// baseline is read as a stream; and the scan keeps nothing per conversation of an OpenAI chat file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Annotation } from '../../common/schema';
import type { Detector } from '../../server/core/detectors/detector';
import { baselineFingerprintsOfFile } from '../../server/core/check/baseline';
import { FindingSpill } from '../../server/core/check/findingSpill';
import type { CheckedConversation, FindingSink } from '../../server/core/check/findings';
import { checkJsonText } from '../../server/core/check/jsonReport';
import { junitText } from '../../server/core/check/junit';
import { markdownSummary } from '../../server/core/check/markdown';
import { baselineFingerprints, sarifText } from '../../server/core/check/sarif';
import { scanTraceFiles } from '../../server/core/check/scan';
import { SeenIds } from '../../server/core/check/seenIds';
import { evaluateRules, parseRule } from '../../server/core/check/thresholds';
import { readTraceFile } from '../../server/core/check/traceFileReader';
import { goldenCase, GOLDEN_RULES } from './checkGoldenCase';

const golden = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'check-golden', name), 'utf8');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hl-check-stream-'));

function spillOf(result: ReturnType<typeof goldenCase>): FindingSpill {
  const spill = new FindingSpill();
  spill.checked = result.checked;
  for (const s of result.skipped) spill.skip(s);
  for (const c of result.conversations) spill.add(c);
  return spill;
}

test('from the spill file, SARIF, JUnit, Markdown, --json and the rules are the documents the in-memory writers wrote', () => {
  const spill = spillOf(goldenCase());
  try {
    const outcomes = evaluateRules(GOLDEN_RULES.map(parseRule), spill);
    assert.equal([...sarifText(spill, { toolVersion: '0.1.0' })].join(''), golden('check.sarif'));
    assert.equal([...junitText(spill)].join(''), golden('check.junit.xml'));
    assert.equal(markdownSummary(spill, outcomes), golden('check.md'));
    assert.equal([...checkJsonText(spill, outcomes)].join(''), golden('check.json'));
    // Read twice (every writer reads it again): the same conversations, in order.
    assert.deepEqual([...spill.conversations()], goldenCase().conversations);
  } finally {
    spill.dispose();
  }
  const empty = spillOf({ checked: 0, conversations: [], skipped: [] });
  try {
    assert.equal([...sarifText(empty, { toolVersion: '0.1.0' })].join(''), golden('empty.sarif'));
    assert.equal([...junitText(empty)].join(''), golden('empty.junit.xml'));
    assert.equal(markdownSummary(empty, evaluateRules(GOLDEN_RULES.map(parseRule), empty)), golden('empty.md'));
  } finally {
    empty.dispose();
  }
});

test('the spill file lives in a private temporary folder, removed on dispose', () => {
  const spill = new FindingSpill();
  spill.add({ id: 'c1', file: 'a.jsonl', findings: [] });
  const dirs = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('hallucination-lab-check-'));
  const mine = dirs.map((d) => path.join(os.tmpdir(), d)).filter((d) => fs.existsSync(path.join(d, 'conversations.jsonl')));
  assert.ok(mine.length >= 1);
  const before = new Set(mine);
  assert.equal(fs.statSync(mine[0]!).mode & 0o077, 0, 'only its owner may enter the folder');
  spill.dispose();
  spill.dispose();
  const after = fs.readdirSync(os.tmpdir()).map((d) => path.join(os.tmpdir(), d));
  assert.equal(after.filter((d) => before.has(d)).length, mine.length - 1);
  assert.throws(() => [...spill.conversations()], /disposed/);
});

test('a baseline is read as a stream: the same fingerprints as parsing it whole; not SARIF or cut short is refused', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'previous.sarif');
    fs.writeFileSync(file, golden('check.sarif'));
    const whole = baselineFingerprints(JSON.parse(golden('check.sarif')));
    assert.ok(whole.size > 10);
    assert.deepEqual([...baselineFingerprintsOfFile(file)].sort(), [...whole].sort());
    fs.writeFileSync(file, '{"version": "2.1.0"}');
    assert.throws(() => baselineFingerprintsOfFile(file), /no "runs" array/);
    fs.writeFileSync(file, golden('check.sarif').slice(0, 5000));
    assert.throws(() => baselineFingerprintsOfFile(file), /ends in the middle/);
    fs.writeFileSync(file, '[1, 2]');
    assert.throws(() => baselineFingerprintsOfFile(file), /no "runs" array/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('repeated ids are told by their hash: none taken for another among 200,000, every repeat seen', () => {
  const seen = new SeenIds();
  for (let i = 0; i < 200_000; i++) assert.equal(seen.add(`conv-${i}`), false);
  for (let i = 0; i < 200_000; i += 997) assert.equal(seen.add(`conv-${i}`), true);
  assert.equal(seen.add(''), false);
  assert.equal(seen.add(''), true);
  assert.equal(seen.size, 200_001);
});

/** Flags the first word of every response: a finding per conversation, placed like any other. */
const firstWord: Detector = {
  name: 'local',
  detect({ message, messageIndex }): Annotation[] {
    const text = typeof message.content === 'string' ? message.content : '';
    const word = /^\S+/.exec(text)?.[0];
    if (!word) return [];
    return [
      {
        label: 'fabricated_number',
        text: word,
        explanation: 'the first word',
        message_index: messageIndex,
        message_part_index: 0,
        start_offset: 0,
        end_offset: word.length,
        tool_name: null,
        parameter_name: null,
        detector: 'local',
        confidence: 0.9,
      },
    ];
  },
};

function chatFile(dir: string, conversations: number): string {
  const file = path.join(dir, `chat-${conversations}.jsonl`);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < conversations; i++) {
    const id = i === 7 ? 'conv-3' : `conv-${i}`; // one repeated id
    const line = {
      id,
      messages: [
        { role: 'system', content: `You help with order ${i}. Orders ship from Lisbon within two days of payment.` },
        { role: 'user', content: `Where is order ${i}? I paid on Monday and would like to know when it leaves.` },
        { role: 'assistant', content: `Shipped\u00e9 ${i} left Lisbon on Tuesday and arrives in ${2 + (i % 4)} days.` },
      ],
    };
    fs.writeSync(fd, JSON.stringify(line) + '\n');
  }
  fs.closeSync(fd);
  return file;
}

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** Scans `file` keeping nothing of what it finds; the heap in use when its last conversation is handed over. */
async function heapAtLastConversation(file: string, conversations: number, cwd: string) {
  let handed = 0;
  let heap = 0;
  let first: CheckedConversation | null = null;
  let repeated: CheckedConversation | null = null;
  const sink: FindingSink = {
    checked: 0,
    skip: () => {},
    add(c) {
      handed++;
      if (handed === 1) first = c;
      if (handed === 8) repeated = c;
      if (handed === conversations) {
        gc();
        gc();
        heap = process.memoryUsage().heapUsed;
      }
    },
  };
  await scanTraceFiles([file], { detectors: [firstWord], cwd, keepClean: true }, sink);
  return {
    handed,
    heap,
    checked: sink.checked,
    first: first as CheckedConversation | null,
    repeated: repeated as CheckedConversation | null,
  };
}

test('the scan keeps nothing per conversation: the heap while scanning 20,000 conversations is the heap of 2,000', async (t) => {
  const dir = tmp();
  try {
    const small = chatFile(dir, 2_000);
    const large = chatFile(dir, 20_000);
    // Nothing of an OpenAI chat file is indexed: every conversation is handed over as it is read.
    const fd = fs.openSync(large, 'r');
    let visited = 0;
    const read = await readTraceFile(fd, large, 'chat.jsonl', undefined, async () => void visited++);
    fs.closeSync(fd);
    assert.equal(visited, 20_000);
    assert.equal(read.file.count, 0, 'no conversation is kept in the index');
    assert.equal(read.file.coverage.llmCalls, 20_000);

    await heapAtLastConversation(small, 2_000, dir); // warm up (modules, caches)
    const a = await heapAtLastConversation(small, 2_000, dir);
    const b = await heapAtLastConversation(large, 20_000, dir);
    assert.equal(a.checked, 2_000);
    assert.equal(b.checked, 20_000);
    // Findings are placed on the file's characters, and a repeated id gets a positional one.
    const firstLine = fs.readFileSync(large, 'utf8').slice(0, 400);
    const at = firstLine.indexOf('Shipped\u00e9') + 1;
    assert.deepEqual(b.first!.findings[0]!.region, { startLine: 1, startColumn: at, endLine: 1, endColumn: at + 'Shipped\u00e9'.length });
    assert.equal(b.repeated!.id, 'chat-20000.jsonl#8');
    const grownMb = (b.heap - a.heap) / 1048576;
    t.diagnostic(
      `heap at the last conversation: ${(a.heap / 1048576).toFixed(1)} MB (2,000), ${(b.heap / 1048576).toFixed(1)} MB (20,000)`,
    );
    // Keeping even 200 bytes per conversation would add 3.4 MB; keeping the conversations, 40 MB.
    assert.ok(grownMb < 3, `the heap grew by ${grownMb.toFixed(1)} MB from 2,000 to 20,000 conversations`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
