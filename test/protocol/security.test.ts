// Security through the real server: workspace trust (results can be viewed, nothing runs, no key
// is read), the API key (never on disk, in logs, errors, the store or results), and paths (the
// store writes only inside .hallucination-lab/, whatever the names and ids; trace files outside
// the workspace are refused).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as P from '../../common/protocol';
import { startMockOpenAI, type MockServer } from '../support/mockOpenAIServer';
import { startServer, until, type TestServer } from '../support/lspClient';
import {
  allFiles,
  conversationOf,
  modelOf,
  createExperiment,
  lastSummary,
  qConversation,
  request,
  scriptedAnswer,
  tmpWorkspace,
  waitIdle,
  writeJsonl,
} from './safetyFixtures';

let mock: MockServer;
const GOOD = 'hlk-good-4b1d7e9a2c';
const WRONG = 'hlk-wrong-8f0c3a6d51';
const started: TestServer[] = [];

before(async () => {
  mock = await startMockOpenAI({
    apiKey: GOOD,
    script: (req) => {
      if (modelOf(req) === 'judge') return { kind: 'ok', content: '{"annotations": []}' };
      const c = conversationOf(req);
      return c ? { ...scriptedAnswer(c), latencyMs: 150 } : undefined;
    },
  });
});
after(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  await mock.close();
});

async function start(
  root: string,
  options: Partial<P.InitializationOptions> = {},
  apiKeys: Record<string, string> = {},
): Promise<TestServer> {
  const s = await startServer(root, options, { apiKeys });
  started.push(s);
  return s;
}

const settings = () =>
  P.settingsSchema.parse({
    models: [
      { model: 'good-model', baseURL: mock.url, apiKeyName: 'GOOD_KEY' },
      { model: 'wrong-model', baseURL: mock.url, apiKeyName: 'WRONG_KEY' },
    ],
    judgeModel: { model: 'judge', baseURL: mock.url, apiKeyName: 'GOOD_KEY' },
    concurrency: 4,
  });

/** Every file under `dir` with its size and modification time: to see that nothing was written. */
function snapshot(dir: string): string {
  return allFiles(dir)
    .map((f) => {
      const st = fs.statSync(f);
      return `${f} ${st.size} ${st.mtimeMs}`;
    })
    .sort()
    .join('\n');
}

describe('workspace trust', () => {
  let root: string;
  let trace: string;
  let stored: string;

  before(async () => {
    root = tmpWorkspace('hl-trust-');
    trace = writeJsonl(path.join(root, 'traces', 'q.jsonl'), [qConversation(0, 'Paris has 37 bridges.'), qConversation(3)]);
    // Results made while the workspace was trusted.
    const trusted = await start(root, { settings: settings() }, { GOOD_KEY: GOOD });
    await request(trusted, P.SetTraceFiles, { files: [trace] });
    stored = (
      await createExperiment(trusted, {
        name: 'made while trusted',
        model: 'traced',
        pass_through: true,
        conversation_ids: ['q000', 'q003'],
      })
    ).id;
    await waitIdle(trusted, stored);
    await trusted.stop();
  });

  test('untrusted: stored results can be viewed, nothing runs, and no key is ever asked for', async () => {
    const before = snapshot(path.join(root, '.hallucination-lab'));
    const server = await start(root, { settings: settings(), trusted: false }, { GOOD_KEY: GOOD });
    await request(server, P.SetTraceFiles, { files: [trace] });
    // Viewing works.
    const list = await request(server, P.ListExperiments, {});
    assert.deepEqual(
      list.experiments.map((e) => e.name),
      ['made while trusted'],
    );
    const res = await request(server, P.GetExperiment, { id: stored });
    assert.equal(res.status_summary.completed, 2);
    assert.ok(res.metrics.total_hallucinations > 0);
    // Markers of stored results are shown too.
    await until('markers', () =>
      server.diagnostics.get(pathToUri(trace))?.diagnostics.some((d) => d.source === 'hallucination-lab' && d.code !== 'trace-format'),
    );
    // Nothing runs: pass-through, inference and the judge are refused with a clear message.
    for (const config of [
      { name: 'p', model: 'traced', pass_through: true, conversation_ids: ['q000'] },
      { name: 'i', model: 'good-model', pass_through: false, conversation_ids: ['q000'] },
      { name: 'j', model: 'traced', pass_through: true, conversation_ids: ['q000'], detectors: ['judge'] },
    ]) {
      const r = await request(server, P.CreateExperiment, { config });
      assert.equal(r.ok, false, config.name);
      assert.ok(
        !r.ok && r.errors.some((e) => /this workspace is not trusted: experiments cannot run here/.test(e.message)),
        JSON.stringify(r),
      );
    }
    await assert.rejects(
      server.connection.sendRequest(P.ResumeExperiment.method, { id: stored, failedOnly: true }),
      /this workspace is not trusted: experiments cannot run here \(results can still be viewed\)/,
    );
    await assert.rejects(server.connection.sendRequest(P.ResumeExperiment.method, { id: stored }), /not trusted/);
    assert.deepEqual(server.keyRequests, [], 'no key was asked for');
    assert.equal((await request(server, P.ListExperiments, {})).experiments.length, 1);
    assert.equal(snapshot(path.join(root, '.hallucination-lab')), before, 'nothing was written');
  });

  test('trust withdrawn mid-run: the run stops, finished items stay, no key is asked for afterwards', async () => {
    const slow = await startMockOpenAI({ apiKey: GOOD, latencyMs: 400 });
    try {
      const server = await start(
        root,
        {
          settings: P.settingsSchema.parse({
            models: [{ model: 'good-model', baseURL: slow.url, apiKeyName: 'GOOD_KEY' }],
            concurrency: 1,
          }),
        },
        { GOOD_KEY: GOOD },
      );
      await request(server, P.SetTraceFiles, { files: [trace] });
      const exp = await createExperiment(server, {
        name: 'withdrawn',
        model: 'good-model',
        pass_through: false,
        conversation_ids: ['q000', 'q003'],
        num_samples: 3,
      });
      await until('one item completed', () => (lastSummary(server, exp.id)?.status_summary.completed ?? 0) >= 1);
      const asked = server.keyRequests.length;
      await server.connection.sendNotification(P.UpdateSettings.method, { settings: P.settingsSchema.parse({}), trusted: false });
      const res = await waitIdle(server, exp.id, 5000);
      assert.ok(res.status_summary.completed >= 1 && res.status_summary.completed < 6, JSON.stringify(res.status_summary));
      assert.equal(res.status_summary.failed, 0);
      assert.equal(server.keyRequests.length, asked);
      assert.ok(server.logs.some((l) => /no longer trusted: 1 running experiment\(s\) cancelled/.test(l.message)));
      await assert.rejects(server.connection.sendRequest(P.ResumeExperiment.method, { id: exp.id }), /not trusted/);
    } finally {
      await slow.close();
    }
  });
});

describe('the API key', () => {
  test('a key the endpoint accepts and one it rejects: neither appears in any file, log, error or result', async () => {
    const root = tmpWorkspace('hl-key-');
    const trace = writeJsonl(
      path.join(root, 'traces', 'q.jsonl'),
      Array.from({ length: 4 }, (_, i) => qConversation(i)),
    );
    const server = await start(root, { settings: settings() }, { GOOD_KEY: GOOD, WRONG_KEY: WRONG });
    await request(server, P.SetTraceFiles, { files: [trace] });
    const exp = await createExperiment(server, {
      name: 'keys',
      model: 'good-model',
      models: [{ model: 'wrong-model' }],
      pass_through: false,
      conversation_ids: ['q000', 'q001', 'q002', 'q003'],
      detectors: ['local', 'judge'],
    });
    const res = await waitIdle(server, exp.id);
    // The key reached the endpoint (accepted) and the wrong one was rejected (401, echoed back).
    const good = res.items.filter((i) => i.model_config === 'good-model');
    const wrong = res.items.filter((i) => i.model_config === 'wrong-model');
    assert.ok(
      good.every((i) => i.status === 'completed'),
      JSON.stringify(good.map((i) => i.failure_reason)),
    );
    assert.ok(
      wrong.every((i) => i.status === 'failed' && /401/.test(i.failure_reason ?? '')),
      JSON.stringify(wrong.map((i) => i.failure_reason)),
    );
    assert.ok(
      mock.requests.some((r) => r.headers.authorization === `Bearer ${WRONG}`),
      'the wrong key was sent',
    );
    assert.ok(mock.requests.some((r) => r.rawBody.length > 0 && r.headers.authorization === `Bearer ${GOOD}`));
    // The server asked for each key once (not once per item).
    // The server asked for each key once per use (model, judge), not once per item.
    assert.deepEqual([...server.keyRequests].sort(), ['GOOD_KEY', 'GOOD_KEY', 'WRONG_KEY']);

    await request(server, P.DeleteExperiment, {
      id: (await createExperiment(server, { name: 'tmp', model: 'traced', pass_through: true, conversation_ids: ['q000'] })).id,
    });
    const seen = [
      JSON.stringify(res),
      JSON.stringify(await request(server, P.ListExperiments, {})),
      JSON.stringify(server.notifications),
      JSON.stringify(server.logs),
      JSON.stringify([...server.diagnostics.values()]),
    ];
    await server.stop();
    seen.push(server.stderr());
    for (const f of allFiles(root)) seen.push(`${f}\n${fs.readFileSync(f, 'utf8')}`);
    assert.ok(allFiles(path.join(root, '.hallucination-lab')).length >= 4);
    for (const text of seen) {
      assert.ok(!text.includes(GOOD), `the key appears in: ${text.slice(0, 200)}`);
      assert.ok(!text.includes(WRONG), `the wrong key appears in: ${text.slice(0, 200)}`);
    }
    assert.match(wrong[0]!.failure_reason!, /\[redacted\]/, 'the echoed key was redacted');
  });
});

describe('paths', () => {
  test('hostile names are stored as text; hostile ids are refused; nothing is written outside .hallucination-lab/', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-paths-'));
    const root = path.join(parent, 'ws');
    fs.mkdirSync(path.join(root, 'traces'), { recursive: true });
    const trace = writeJsonl(path.join(root, 'traces', 'q.jsonl'), [qConversation(0)]);
    const server = await start(root, { settings: settings() });
    await request(server, P.SetTraceFiles, { files: [trace] });
    const names = [
      '../../escaped',
      '/etc/passwd',
      'a\u0000b',
      '..\\..\\win',
      'x/../../../y',
      '.hallucination-lab/../../z',
      '~/.ssh/id_rsa',
      '\n'.repeat(3) + 'multi\nline',
    ];
    const ids: string[] = [];
    for (const name of names) {
      const e = await createExperiment(server, { name, model: 'traced', pass_through: true, conversation_ids: ['q000'] });
      assert.match(e.id, /^exp-\d{8}-\d{6}-[0-9a-f]{6}$/);
      ids.push(e.id);
      await waitIdle(server, e.id);
      const stored = JSON.parse(fs.readFileSync(path.join(root, '.hallucination-lab', 'experiments', e.id, 'experiment.json'), 'utf8')) as {
        name: string;
      };
      assert.equal(stored.name, name.trim());
    }
    assert.deepEqual(
      (await request(server, P.ListExperiments, {})).experiments.map((e) => e.name),
      names.map((n) => n.trim()),
    );
    // Too long a name is refused like any invalid field.
    const long = await request(server, P.CreateExperiment, {
      config: { name: 'n'.repeat(256), model: 'traced', pass_through: true, conversation_ids: ['q000'] },
    });
    assert.ok(!long.ok && long.errors.some((e) => e.path === 'name'));

    // Ids from requests never reach the file system.
    fs.writeFileSync(path.join(parent, 'victim.json'), '{"keep": true}');
    for (const id of ['../../victim', '../ws', '/tmp', 'exp\u0000', '..', '.', '', ids[0] + '/../..']) {
      for (const [method, params] of [
        [P.GetExperiment.method, { id }],
        [P.DeleteExperiment.method, { id }],
        [P.ResumeExperiment.method, { id }],
        [P.CancelExperiment.method, { id }],
        [P.SetActiveExperiment.method, { id }],
        [
          P.LocateAnnotation.method,
          { experiment_id: id, conversation_id: 'q000', message_index: 0, message_part_index: 0, start_offset: 0 },
        ],
      ] as const)
        await assert.rejects(
          server.connection.sendRequest(method, params),
          /no experiment with id|invalid experiment id/,
          `${method} ${JSON.stringify(id)}`,
        );
    }
    assert.ok(fs.existsSync(path.join(parent, 'victim.json')));
    assert.equal((await request(server, P.ListExperiments, {})).experiments.length, names.length);

    // Everything the server wrote is inside .hallucination-lab/experiments/<id>/ (and its .gitignore).
    const written = allFiles(parent).map((f) => path.relative(root, f));
    const allowed = (f: string) =>
      f === path.join('traces', 'q.jsonl') ||
      f === path.join('..', 'victim.json') ||
      f === path.join('.hallucination-lab', '.gitignore') ||
      ids.some(
        (id) =>
          path.dirname(f) === path.join('.hallucination-lab', 'experiments', id) &&
          ['experiment.json', 'items.jsonl', 'conversations.jsonl'].includes(path.basename(f)),
      );
    assert.deepEqual(
      written.filter((f) => !allowed(f)),
      [],
    );
  });

  test('a .hallucination-lab that is a symbolic link is not written through', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-link-'));
    const root = path.join(parent, 'ws');
    const elsewhere = path.join(parent, 'elsewhere');
    fs.mkdirSync(path.join(root, 'traces'), { recursive: true });
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.join(root, '.hallucination-lab'));
    const trace = writeJsonl(path.join(root, 'traces', 'q.jsonl'), [qConversation(0)]);
    const server = await start(root, { settings: settings() });
    await request(server, P.SetTraceFiles, { files: [trace] });
    const r = await request(server, P.CreateExperiment, {
      config: { name: 'linked', model: 'traced', pass_through: true, conversation_ids: ['q000'] },
    });
    assert.ok(
      !r.ok &&
        r.errors.some((e) =>
          /is a symbolic link: Hallucination Lab writes results only into a real \.hallucination-lab folder/.test(e.message),
        ),
      JSON.stringify(r),
    );
    assert.deepEqual(fs.readdirSync(elsewhere), []);
  });

  test('trace files outside the workspace are refused with a problem; the others are indexed', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-outside-'));
    const root = path.join(parent, 'ws');
    fs.mkdirSync(path.join(root, 'traces'), { recursive: true });
    const inside = writeJsonl(path.join(root, 'traces', 'in.jsonl'), [qConversation(0)]);
    const outside = writeJsonl(path.join(parent, 'secret.jsonl'), [qConversation(1)]);
    const link = path.join(root, 'traces', 'link.jsonl');
    fs.symlinkSync(outside, link);
    const server = await start(root, { settings: settings() });
    const { files } = await request(server, P.SetTraceFiles, {
      files: [inside, outside, path.join(root, '..', 'secret.jsonl'), link, path.join(root, 'traces', '..', '..', 'secret.jsonl')],
    });
    const byFile = new Map(files.map((f) => [f.file, f]));
    assert.equal(byFile.get(inside)?.conversationCount, 1);
    assert.deepEqual(byFile.get(inside)?.problems, []);
    for (const f of [outside, link]) {
      const s = byFile.get(f)!;
      assert.equal(s.conversationCount, 0, f);
      assert.equal(s.problems[0]!.severity, 'error');
      assert.match(
        s.problems[0]!.message,
        /is outside the workspace folder .*: Hallucination Lab reads trace files only inside the workspace/,
      );
    }
    assert.equal(files.length, 3, 'paths are resolved before they are judged');
    // Nothing of the outside file was read.
    const conversations = (await request(server, P.ListConversations, {})).conversations.map((c) => c.id);
    assert.deepEqual(conversations, ['q000']);
    assert.equal((await request(server, P.ListTraceFiles, {})).files.length, 3);
    const r = await request(server, P.CreateExperiment, {
      config: { name: 'x', model: 'traced', pass_through: true, conversation_ids: ['q001'] },
    });
    assert.ok(!r.ok && /unknown conversation id "q001"/.test(r.errors[0]!.message));
  });
});

function pathToUri(file: string): string {
  return pathToFileURL(file).toString();
}
