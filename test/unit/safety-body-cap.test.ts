// Issue 14, item 6: a response body that never ends must not grow memory without bound; it is
// cut at MAX_RESPONSE_BODY_BYTES and the call fails with that reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatCaller } from '../../server/core/inference/chatClient';
import { boundedFetch, MAX_RESPONSE_BODY_BYTES, ResponseTooLargeError } from '../../server/core/inference/boundedFetch';

/** An endpoint whose answer never ends: a JSON string that goes on forever. */
async function endlessEndpoint(): Promise<{ url: string; sent: () => number; close: () => void }> {
  let sent = 0;
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    sent: () => sent,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('an endless answer fails with the cap as its reason, and memory stays bounded', async () => {
  const endpoint = await endlessEndpoint();
  try {
    const call = createChatCaller({ model: { model: 'm', baseURL: endpoint.url }, apiKey: null, timeoutMs: 60_000, maxRetries: 0 });
    const before = process.memoryUsage().rss;
    await assert.rejects(call({ model: 'm', messages: [{ role: 'user', content: 'q' }] }, new AbortController().signal), (e: Error) =>
      /larger than 64 MiB/.test(e.message),
    );
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 8 * MAX_RESPONSE_BODY_BYTES, `rss grew ${grown} bytes`);
    assert.ok(endpoint.sent() < 4 * MAX_RESPONSE_BODY_BYTES, `the endpoint sent ${endpoint.sent()} bytes before the read stopped`);
  } finally {
    endpoint.close();
  }
});

test('boundedFetch passes bodies under the cap through and errors past it', async () => {
  const inner: typeof fetch = async () => new Response('x'.repeat(100));
  assert.equal(await (await boundedFetch(inner, 100)('http://h')).text(), 'x'.repeat(100));
  await assert.rejects((await boundedFetch(inner, 99)('http://h')).text(), ResponseTooLargeError);
});
