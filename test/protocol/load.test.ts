// Load and faults through the real server (a test, not a benchmark): 100 conversations × 4 model
// configurations × 3 samples = 1,200 items at concurrency 32 against the mock endpoint, which
// answers 10% of requests 429 (small retry-after-ms), 5% 500, 2% never (past the 1.5 s timeout)
// and 2% with malformed JSON. Meanwhile a second experiment runs on the same endpoint.
// Checked: every item ends completed or failed with its reason, none lost or duplicated (the
// mock's well-formed answers per conversation and model equal the completed items), metrics
// consistent with the items (also after a reload from the store), the rate limit never exceeded
// at the mock, the server's peak RSS bounded, and the second experiment unaffected.
// The rate limit's window is shortened to 1 s through the test-only `rateLimitWindowMs` setting
// (the real one is a minute), so that the limit binds within the test's ~20 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { computeMetrics, metricsByModel, statusSummary } from '../../server/core/experiments/metrics';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { startMockOpenAI, type Behaviour, type MockServer } from '../support/mockOpenAIServer';
import { startServer, type TestServer } from '../support/lspClient';
import {
  conversationOf,
  createExperiment,
  modelOf,
  qConversation,
  request,
  scriptedAnswer,
  tmpWorkspace,
  waitIdle,
  writeJsonl,
} from './safetyFixtures';

const CONVERSATIONS = 100;
const MODELS = ['m1', 'm2', 'm3', 'm4'];
const SAMPLES = 3;
const CONCURRENCY = 32;
const TIMEOUT_MS = 1500;
const RATE = 150; // requests per window at the endpoint
const WINDOW_MS = 1000;
const RSS_BOUND = 400 * 1024 * 1024;

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'ok' | '429' | '500' | 'hang' | 'malformed';
let mock: MockServer;
let server: TestServer;
let root: string;
const answered: Array<{ conversation: string; model: string; outcome: Outcome }> = [];

before(async () => {
  const random = prng(20261122);
  mock = await startMockOpenAI({
    script: (req): Behaviour | undefined => {
      const conversation = conversationOf(req);
      const model = modelOf(req);
      if (!conversation) return undefined;
      const r = random();
      const latencyMs = 30 + Math.floor(random() * 170);
      // The second experiment's model is never faulted: its results must be exact.
      const outcome: Outcome =
        model === 'solo' ? 'ok' : r < 0.1 ? '429' : r < 0.15 ? '500' : r < 0.17 ? 'hang' : r < 0.19 ? 'malformed' : 'ok';
      answered.push({ conversation, model, outcome });
      switch (outcome) {
        case '429':
          return {
            kind: 'error',
            status: 429,
            latencyMs: 5,
            headers: { 'retry-after-ms': '50' },
            message: 'Rate limit reached for requests',
          };
        case '500':
          return { kind: 'error', status: 500, latencyMs, message: 'The server had an error while processing your request' };
        case 'hang':
          return { kind: 'hang' };
        case 'malformed':
          return { kind: 'malformed', latencyMs };
        default:
          return { ...scriptedAnswer(conversation, model), latencyMs };
      }
    },
  });
  root = tmpWorkspace('hl-load-');
  const settings = P.settingsSchema.parse({
    models: [...MODELS, 'solo'].map((model) => ({ model, baseURL: mock.url, input_price_per_1m: 0.5, output_price_per_1m: 1.5 })),
    concurrency: CONCURRENCY,
    requestTimeoutMs: TIMEOUT_MS,
    maxRetries: 4,
    requestsPerMinute: RATE,
    rateLimitWindowMs: WINDOW_MS,
  });
  server = await startServer(root, { settings });
  const trace = writeJsonl(
    path.join(root, 'traces', 'load.jsonl'),
    Array.from({ length: CONVERSATIONS }, (_, i) => qConversation(i)),
  );
  await request(server, P.SetTraceFiles, { files: [trace] });
});
after(async () => {
  await server.stop();
  await mock.close();
});

const key = (conversation: string, model: string) => `${conversation}|${model}`;

test('1,200 items with 429s, 500s, hangs and malformed JSON: nothing lost or doubled, limits kept', { timeout: 120_000 }, async () => {
  const ids = Array.from({ length: CONVERSATIONS }, (_, i) => qConversation(i).id);
  const t0 = Date.now();
  const big = await createExperiment(server, {
    name: 'load',
    model: 'm1',
    models: MODELS.slice(1).map((model) => ({ model })),
    pass_through: false,
    conversation_ids: ids,
    num_samples: SAMPLES,
  });
  const solo = await createExperiment(server, {
    name: 'alongside',
    model: 'solo',
    pass_through: false,
    conversation_ids: ids.slice(0, 20),
  });
  const res = await waitIdle(server, big.id, 110_000);
  const wall = Date.now() - t0;
  const other = await waitIdle(server, solo.id, 10_000);
  const rss = server.peakRss();

  // Every item, once, ended.
  assert.equal(res.items.length, CONVERSATIONS * MODELS.length * SAMPLES);
  const combos = new Set(res.items.map((i) => `${i.conversation_id}|${i.model_config}|${i.sample_index}`));
  assert.equal(combos.size, res.items.length, 'each conversation × model × sample exactly once');
  assert.equal(new Set(res.items.map((i) => i.id)).size, res.items.length);
  for (const i of res.items) {
    assert.ok(i.status === 'completed' || i.status === 'failed', `${i.id} is ${i.status}`);
    if (i.status === 'failed')
      assert.match(i.failure_reason ?? '', /^(malformed response|request timed out|HTTP 429|HTTP 500)/, i.failure_reason ?? '');
    else assert.ok(i.response_messages.length === 1 && i.input_tokens !== null && i.latency_ms !== null);
  }

  // None lost, none doubled: each well-formed answer of the mock is one completed item, each
  // malformed one a failed item (malformed answers are not retried).
  const okAt = new Map<string, number>();
  const malformedAt = new Map<string, number>();
  for (const a of answered) {
    if (a.model === 'solo') continue;
    const m = a.outcome === 'ok' ? okAt : a.outcome === 'malformed' ? malformedAt : null;
    m?.set(key(a.conversation, a.model), (m.get(key(a.conversation, a.model)) ?? 0) + 1);
  }
  const completedAt = new Map<string, number>();
  const malformedFailedAt = new Map<string, number>();
  for (const i of res.items) {
    const k = key(i.conversation_id, i.model_config);
    if (i.status === 'completed') completedAt.set(k, (completedAt.get(k) ?? 0) + 1);
    else if (/^malformed response/.test(i.failure_reason ?? '')) malformedFailedAt.set(k, (malformedFailedAt.get(k) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries([...completedAt].sort()), Object.fromEntries([...okAt].sort()));
  assert.deepEqual(Object.fromEntries([...malformedFailedAt].sort()), Object.fromEntries([...malformedAt].sort()));

  // Metrics consistent with the items, and the store holds exactly what the server answered.
  assert.deepEqual(res.status_summary, statusSummary(res.items));
  assert.deepEqual(res.metrics, computeMetrics(res.items));
  assert.deepEqual(res.metrics_by_model, metricsByModel(res.items));
  const completed = res.items.filter((i) => i.status === 'completed');
  assert.equal(res.metrics.total_hallucinations, completed.filter((i) => Number(i.conversation_id.slice(1)) % 3 === 0).length);
  const stored = new ExperimentStore(path.join(root, '.hallucination-lab')).load(big.id);
  assert.deepEqual(stored.warnings, []);
  // The resource adds what reviews need to each annotation (its stable id, a verdict); the store keeps the rest.
  const asStored = res.items.map((i) => ({ ...i, annotations: i.annotations.map(({ id: _id, review: _review, ...a }) => a) }));
  assert.deepEqual(
    stored.items.sort((a, b) => a.id.localeCompare(b.id)),
    asStored,
  );

  // The endpoint never saw more than the limit in any window, nor more than the pools allow at once.
  const maxInWindow = mock.stats.maxInWindow(WINDOW_MS);
  assert.ok(maxInWindow <= RATE, `${maxInWindow} requests within ${WINDOW_MS} ms (limit ${RATE})`);
  assert.ok(mock.stats.maxConcurrent <= 2 * CONCURRENCY);
  if (rss !== null) assert.ok(rss < RSS_BOUND, `server peak RSS ${(rss / 1048576).toFixed(0)} MB`);

  // The experiment alongside: all completed, its own items only, the scripted answers exactly.
  assert.deepEqual(other.status_summary, {
    pending: 0,
    in_progress: 0,
    inference_completed: 0,
    completed: 20,
    failed: 0,
    skipped: 0,
    total: 20,
  });
  assert.ok(other.items.every((i) => i.model_config === 'solo'));
  assert.ok(res.items.every((i) => i.model_config !== 'solo'));
  assert.equal(other.metrics.total_hallucinations, 7);
  for (const i of other.items) assert.equal(i.response_messages[0]!.message.content, scriptedAnswer(i.conversation_id, 'solo').content);

  const calls = mock.stats.count;
  const byOutcome = (o: Outcome) => answered.filter((a) => a.outcome === o).length;
  const figures = {
    items: res.items.length + other.items.length,
    calls,
    retries: calls - res.items.length - other.items.length,
    '429': byOutcome('429'),
    '500': byOutcome('500'),
    hangs: byOutcome('hang'),
    malformed: byOutcome('malformed'),
    completed: res.status_summary.completed + other.status_summary.completed,
    failed: res.status_summary.failed,
    wall_time_s: +(wall / 1000).toFixed(1),
    max_concurrent_at_endpoint: mock.stats.maxConcurrent,
    max_requests_in_any_window: `${maxInWindow} / ${RATE} per ${WINDOW_MS} ms`,
    peak_server_rss_mb: rss === null ? 'n/a' : +(rss / 1048576).toFixed(0),
  };
  console.log(`load figures: ${JSON.stringify(figures)}`);
});
