// The mock OpenAI-compatible server itself: what the other tests, the lead's protocol/editor
// tests and the benchmark rely on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Behaviour, type MockServer, exampleForSchema, startMockOpenAI } from '../support/mockOpenAIServer';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('mock OpenAI server', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockOpenAI({
      script: (req): Behaviour | undefined => {
        const last = JSON.stringify(req.body);
        if (last.includes('please 429')) return { kind: 'error', status: 429, headers: { 'retry-after': '1' } };
        if (last.includes('please raw')) return { kind: 'raw', status: 418, headers: { 'x-a': 'b' }, body: 'teapot' };
        return undefined;
      },
    });
  });
  after(() => server.close());

  it('listens on 127.0.0.1 at a random port, base URL ending in /v1, and lists a model', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]!.id, 'mock-model');
  });

  it('records requests; answers text with usage incl. reasoning tokens', async () => {
    server.reset();
    const res = await post(
      server.url,
      { model: 'm', messages: [{ role: 'user', content: 'hello there' }], reasoning_effort: 'low' },
      { authorization: 'Bearer k' },
    );
    const body = (await res.json()) as {
      choices: { message: { content: string } }[];
      usage: { completion_tokens_details: { reasoning_tokens: number } };
    };
    assert.equal(body.choices[0]!.message.content, 'Mock answer to: hello there');
    assert.equal(body.usage.completion_tokens_details.reasoning_tokens, 8);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer k');
    assert.deepEqual(server.stats.count, 1);
  });

  it('answers an object conforming to a json_schema response format', async () => {
    const schema = {
      type: 'object',
      properties: {
        s: { type: 'string' },
        n: { type: ['number', 'null'] },
        e: { type: 'string', enum: ['a', 'b'] },
        l: { type: 'array', items: { type: 'object', properties: { ok: { type: 'boolean' } } } },
        i: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
    };
    assert.deepEqual(exampleForSchema(schema), { s: 'example s', n: 1.5, e: 'a', l: [{ ok: true }], i: 1 });
    const res = await post(server.url, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    assert.deepEqual(JSON.parse(body.choices[0]!.message.content), exampleForSchema(schema));
  });

  it('scripted errors and raw bodies', async () => {
    const r429 = await post(server.url, { model: 'm', messages: [{ role: 'user', content: 'please 429' }] });
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get('retry-after'), '1');
    const raw = await post(server.url, { model: 'm', messages: [{ role: 'user', content: 'please raw' }] });
    assert.equal(raw.status, 418);
    assert.equal(raw.headers.get('x-a'), 'b');
    assert.equal(await raw.text(), 'teapot');
  });

  it('streams SSE with usage when asked', async () => {
    const res = await post(server.url, {
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me' }],
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const text = await res.text();
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ''));
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: { delta: { content?: string } }[]; usage?: unknown });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Mock answer to: stream me');
    assert.ok(chunks.at(-1)!.usage);
  });

  it('unknown routes are 404, non-JSON bodies 400; stats endpoints work', async () => {
    assert.equal((await fetch(`${server.url}/embeddings`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await fetch(`${server.url}/chat/completions`, { method: 'POST', body: 'nope' })).status, 400);
    const root = server.url.replace(/\/v1$/, '');
    const stats = (await (await fetch(`${root}/__mock/stats`)).json()) as { count: number; maxConcurrent: number };
    assert.ok(stats.count >= 1);
    await fetch(`${root}/__mock/reset`, { method: 'POST' });
    assert.equal(server.stats.count, 0);
  });

  it('close() ends hanging requests and frees the port', async () => {
    const hanging = await startMockOpenAI({ script: () => ({ kind: 'hang' }) });
    const p = post(hanging.url, { model: 'm', messages: [] }).catch((e: unknown) => e);
    for (let i = 0; i < 500 && hanging.stats.inFlight < 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(hanging.stats.inFlight, 1);
    await hanging.close();
    assert.ok((await p) instanceof Error, 'the client sees the connection end');
  });

  it('runs standalone: node --import tsx test/support/mockOpenAIServer.ts --port 0', async () => {
    const repo = path.resolve(__dirname, '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'test', 'support', 'mockOpenAIServer.ts'), '--port', '0'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        const t = setTimeout(() => reject(new Error(`no start line: ${buf}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /listening on (\S+)/.exec(buf);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
      });
      const res = await post(url, { model: 'm', messages: [{ role: 'user', content: 'standalone' }] });
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
