// Crash safety and limits of the experiment service and store, without processes: what a resume
// does with each stored status, the torn-line repair, the run lock, symbolic links, and the
// bounds applied before detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experimentConfigSchema, type Conversation, type ExperimentItem, type ExperimentRecord, type Message } from '../../common/schema';
import type { Detector } from '../../server/core/detectors/detector';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentLockedError, ExperimentStore } from '../../server/core/experiments/experimentStore';
import {
  MAX_DETECTION_CONTEXT_CHARS,
  MAX_DETECTION_PART_CHARS,
  MAX_PASS_THROUGH_RESPONSES,
  boundedContext,
  boundedForDetection,
} from '../../server/core/experiments/detectionLimits';
import { passThroughSource, type ResponseSource } from '../../server/core/experiments/responses';
import { TraceIndex } from '../../server/core/traceIndex';

const noDetector: Detector = { name: 'none', detect: () => [] };

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-safety-unit-'));
  const index = new TraceIndex();
  const lines = ['a', 'b', 'c', 'd'].map((id) => ({
    id,
    messages: [
      { role: 'user', content: `q ${id}` },
      { role: 'assistant', content: 'traced' },
    ],
  }));
  index.update(path.join(dir, 't.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const calls: string[] = [];
  const source: ResponseSource = async ({ conversation }) => {
    calls.push(conversation.id);
    return {
      responses: [{ message_index: 1, message: { role: 'assistant', content: `generated for ${conversation.id}` } }],
      input_tokens: 10,
      output_tokens: 5,
      reasoning_tokens: null,
      latency_ms: 1,
      time_to_first_token_ms: null,
      finish_reason: 'stop',
      cost_usd: null,
    };
  };
  const make = (detector: Detector = noDetector) =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 't',
      concurrency: () => 2,
      detectorsFor: () => [detector],
      inferenceFor: () => source,
    });
  return { dir, store, make, calls };
}

test('after a crash: in-progress items are pending again; an item whose inference completed is only detected again', async () => {
  const { store, make, calls } = setup();
  const first = make();
  const r = first.create({ name: 'x', model: 'm', pass_through: false, conversation_ids: ['a', 'b', 'c', 'd'] });
  assert.ok(r.ok);
  const id = r.ok ? r.experiment.id : '';
  await first.whenIdle(id);
  first.dispose();
  // Rewrite the store as a crash would leave it: a, completed; b, inference completed; c, in progress; d, pending.
  const items = first.items(id).map((i) => ({ ...i }));
  const file = path.join(store.dir(id), 'items.jsonl');
  const as = (i: ExperimentItem, status: ExperimentItem['status']): ExperimentItem =>
    status === 'pending'
      ? { ...i, status, response_messages: [], annotations: [], completed_at: null }
      : status === 'completed'
        ? i
        : { ...i, status, annotations: [], completed_at: null };
  fs.writeFileSync(
    file,
    [as(items[0]!, 'completed'), as(items[1]!, 'inference_completed'), as(items[2]!, 'in_progress'), as(items[3]!, 'pending')]
      .map((i) => JSON.stringify(i))
      .join('\n') + '\n',
  );
  const record = JSON.parse(fs.readFileSync(path.join(store.dir(id), 'experiment.json'), 'utf8')) as ExperimentRecord;
  fs.writeFileSync(path.join(store.dir(id), 'experiment.json'), JSON.stringify({ ...record, completed_at: null }));
  fs.writeFileSync(path.join(store.dir(id), 'run.lock'), JSON.stringify({ pid: 2 ** 22 + 99, host: os.hostname() })); // left by the dead process

  calls.length = 0;
  const flagged: number[] = [];
  const second = make({ name: 'count', detect: ({ messageIndex }) => (flagged.push(messageIndex), []) });
  assert.deepEqual(
    second.resource(id).items.map((i) => i.status),
    ['completed', 'inference_completed', 'pending', 'pending'],
  );
  second.resume(id, false);
  await second.whenIdle(id);
  assert.deepEqual(calls.sort(), ['c', 'd'], 'the model is asked again only for the items it had not answered');
  assert.equal(flagged.length, 3, 'detection runs for b (from its stored response), c and d');
  const done = second.resource(id);
  assert.deepEqual(done.status_summary, {
    pending: 0,
    in_progress: 0,
    inference_completed: 0,
    completed: 4,
    failed: 0,
    skipped: 0,
    total: 4,
  });
  assert.ok(done.completed_at);
  assert.equal(done.items[1]!.response_messages[0]!.message.content, 'generated for b');
  assert.ok(!fs.existsSync(path.join(store.dir(id), 'run.lock')));
});

test('a torn last line is cut off before the next append, so it cannot swallow the line after it', () => {
  const { store, make } = setup();
  const svc = make();
  const r = svc.create({ name: 'x', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  const id = r.ok ? r.experiment.id : '';
  svc.dispose();
  const file = path.join(store.dir(id), 'items.jsonl');
  const item = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!) as ExperimentItem;
  fs.appendFileSync(file, '{"id":"0001","status":"comp');
  assert.match(store.load(id).warnings.join(), /incomplete last line/);
  store.appendItem(id, { ...item, status: 'failed', failure_reason: 'x' });
  store.close();
  const loaded = store.load(id);
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.items[0]!.status, 'failed');
});

test('the run lock: a live holder refuses, a dead one is taken over, the lock goes with the run', async () => {
  const { store, make } = setup();
  const svc = make();
  const r = svc.create({ name: 'x', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  const id = r.ok ? r.experiment.id : '';
  await svc.whenIdle(id);
  const lock = path.join(store.dir(id), 'run.lock');
  assert.ok(!fs.existsSync(lock));
  // Another live process (our parent stands in for it) holds it.
  fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
  assert.throws(
    () => svc.resume(id, true),
    (e: unknown) => e instanceof ExperimentLockedError && /being run by another process/.test((e as Error).message),
  );
  assert.throws(() => svc.delete(id), /being run by another process .*stop it first/);
  assert.ok(fs.existsSync(store.dir(id)));
  fs.writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 5, host: os.hostname() }));
  svc.resume(id, true);
  await svc.whenIdle(id);
  assert.ok(!fs.existsSync(lock));
});

test('symbolic links: the store, experiments/ or an experiment folder that is a link is not written through', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-links-'));
  const elsewhere = path.join(dir, 'elsewhere');
  fs.mkdirSync(elsewhere);
  const config = experimentConfigSchema.parse({ name: 'n', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  const record = (id: string): ExperimentRecord => ({
    id,
    name: 'n',
    model: 'traced',
    pass_through: true,
    conversation_ids: ['a'],
    created_at: '',
    completed_at: null,
    created_by: 't',
    reasoning_config: null,
    system_prompt_override: null,
    output_schema: null,
    config,
  });
  // The store folder itself.
  fs.symlinkSync(elsewhere, path.join(dir, 'linked-root'));
  assert.throws(() => new ExperimentStore(path.join(dir, 'linked-root')).create(record('e1'), [], []), /is a symbolic link/);
  // Allowed only when asked for (the CLI's explicit --out).
  new ExperimentStore(path.join(dir, 'linked-root'), { allowSymlinkedRoot: true }).create(record('e1'), [], []);
  assert.ok(fs.existsSync(path.join(elsewhere, 'experiments', 'e1', 'experiment.json')));
  // experiments/ as a link.
  const root2 = path.join(dir, 'root2');
  fs.mkdirSync(root2);
  fs.symlinkSync(elsewhere, path.join(root2, 'experiments'));
  assert.throws(() => new ExperimentStore(root2).create(record('e2'), [], []), /is a symbolic link/);
  // An experiment folder replaced by a link after it was created (a hostile checkout).
  const root3 = path.join(dir, 'root3');
  const s3 = new ExperimentStore(root3);
  s3.create(record('e3'), [], []);
  fs.rmSync(s3.dir('e3'), { recursive: true });
  fs.symlinkSync(elsewhere, s3.dir('e3'));
  assert.throws(() => s3.appendItem('e3', {} as ExperimentItem), /is a symbolic link/);
  assert.throws(() => s3.writeRecord(record('e3')), /is a symbolic link/);
  // items.jsonl as a link: the append does not follow it.
  const root4 = path.join(dir, 'root4');
  const s4 = new ExperimentStore(root4);
  s4.create(record('e4'), [], []);
  const target = path.join(dir, 'target.txt');
  fs.writeFileSync(target, 'untouched\n');
  fs.rmSync(path.join(s4.dir('e4'), 'items.jsonl'));
  fs.symlinkSync(target, path.join(s4.dir('e4'), 'items.jsonl'));
  assert.throws(() => s4.appendItem('e4', {} as ExperimentItem), /ELOOP|symbolic/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'untouched\n');
  // A dangling .gitignore link is not followed either.
  const root5 = path.join(dir, 'root5');
  fs.mkdirSync(root5);
  fs.symlinkSync(path.join(dir, 'created-through-link'), path.join(root5, '.gitignore'));
  new ExperimentStore(root5).create(record('e5'), [], []);
  assert.ok(!fs.existsSync(path.join(dir, 'created-through-link')));
});

test('a store that cannot be written refuses the experiment with a message, not a crash', () => {
  const { dir, make } = setup();
  fs.writeFileSync(path.join(dir, '.hallucination-lab'), 'a file, not a folder');
  const r = make().create({ name: 'x', model: 'traced', pass_through: true, conversation_ids: ['a'] });
  assert.ok(!r.ok && /the experiment could not be stored: .*is not a folder/.test(r.errors[0]!.message), JSON.stringify(r));
});

// ---- limits ------------------------------------------------------------------------------------

test('a response part longer than the limit is scanned up to it; a long tool call is not checked', () => {
  const long = 'word '.repeat(MAX_DETECTION_PART_CHARS);
  const m: Message = {
    role: 'assistant',
    content: long,
    tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: `{"x": "${'y'.repeat(MAX_DETECTION_PART_CHARS)}"}` } }],
  };
  const b = boundedForDetection(m);
  assert.ok((b.message.content as string).length <= MAX_DETECTION_PART_CHARS);
  assert.ok(long.startsWith(b.message.content as string), 'a prefix: offsets stay valid');
  assert.equal(b.message.tool_calls![0]!.function.arguments, '{}');
  assert.deepEqual([...b.skippedParts], [1]);
  assert.equal(b.notes.length, 2);
  const small: Message = { role: 'assistant', content: 'short' };
  assert.equal(boundedForDetection(small).message, small);
});

test('a context longer than the limit: the longest messages are cut, the short ones kept whole', () => {
  const huge = 'a'.repeat(MAX_DETECTION_CONTEXT_CHARS * 2);
  const messages: Message[] = [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: huge },
    { role: 'tool', content: 'b'.repeat(1000) },
  ];
  const b = boundedContext(messages);
  const sizes = b.messages.map((m) => (m.content as string).length);
  assert.equal(sizes[0], 8);
  assert.equal(sizes[2], 1000);
  assert.ok(sizes.reduce((x, y) => x + y, 0) <= MAX_DETECTION_CONTEXT_CHARS);
  assert.match(b.note!, /messages longer than .* were cut/);
  assert.equal(boundedContext(messages.slice(0, 1)).note, null);
});

test('pass-through judges at most the last responses of a very long conversation, and notes it', async () => {
  const messages: Message[] = [];
  for (let i = 0; i < 400; i++) messages.push({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` });
  const conversation: Conversation = { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools: [] };
  const r = await passThroughSource({
    conversation,
    config: {} as never,
    modelConfig: { model: 'traced' },
    sampleIndex: 0,
    signal: new AbortController().signal,
  });
  assert.equal(r.responses.length, MAX_PASS_THROUGH_RESPONSES);
  assert.equal(r.responses.at(-1)!.message_index, 399);
  assert.match(r.notes![0]!, /200 assistant messages; pass-through judged the last 100/);
});
