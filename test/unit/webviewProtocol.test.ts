// The webview message protocol: the page's request client, the host's router and throttle,
// and the HTML shell with its CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompareProtocol, FormProtocol, ReportProtocol, webviewProtocols } from '../../common/webviewProtocol';
import { contentSecurityPolicy, createNonce, renderWebviewHtml } from '../../extension/webviews/html';
import { notify, serveRequests, throttle, type MessagePort } from '../../extension/webviews/messageRouter';
import { createRpcClient, RpcError, type Transport } from '../../webview/lib/rpc';

/** A page and a host wired back to back. */
function wire() {
  const toHost: ((m: unknown) => void)[] = [];
  const toPage: ((m: unknown) => void)[] = [];
  const posted: unknown[] = [];
  const transport: Transport = {
    post: (m) => {
      posted.push(m);
      const copy = structuredClone(m);
      queueMicrotask(() => toHost.forEach((l) => l(copy)));
    },
    subscribe: (l) => {
      toPage.push(l);
      return () => toPage.splice(toPage.indexOf(l), 1);
    },
  };
  const port: MessagePort = {
    onDidReceiveMessage: (l) => {
      toHost.push(l);
      return { dispose: () => toHost.splice(toHost.indexOf(l), 1) };
    },
    postMessage: async (m) => {
      const copy = structuredClone(m);
      toPage.forEach((l) => l(copy));
      return true;
    },
  };
  return { transport, port, posted };
}

describe('protocol', () => {
  it('has unique method names, namespaced per app', () => {
    const methods = Object.entries(webviewProtocols).flatMap(([app, p]) => Object.values(p).map((s) => [app, s.method] as const));
    assert.equal(new Set(methods.map(([, m]) => m)).size, methods.length);
    for (const [app, m] of methods) assert.ok(m.startsWith(`${app}/`), m);
  });

  it('validates what the page may ask', () => {
    const at = { experiment_id: 'e1', conversation_id: 'c', message_index: 1, message_part_index: 0, start_offset: 4, end_offset: 9 };
    assert.equal(ReportProtocol.openTraceLocation.params.safeParse(at).success, true);
    assert.equal(ReportProtocol.openTraceLocation.params.safeParse({ ...at, message_index: -1 }).success, false);
    assert.equal(ReportProtocol.openTraceLocation.params.safeParse({ ...at, experiment_id: undefined }).success, false);
    assert.equal(ReportProtocol.export.params.safeParse({ format: 'pdf', fileName: 'x', content: '' }).success, false);
    assert.equal(CompareProtocol.setExperiments.params.safeParse({ ids: [] }).success, false);
  });
});

describe('request / response over the wire', () => {
  it('answers each request with the result of the same id', async () => {
    const { transport, port } = wire();
    serveRequests(port, FormProtocol, {
      init: async () => ({
        models: [],
        judgeModel: null,
        labels: [],
        labelSetSource: null,
        traceFiles: [],
        prefill: null,
        workspaceTrusted: true,
      }),
      listConversations: async () => ({ conversations: [], total: 0 }),
      lookupConversations: async () => ({ conversations: [] }),
      submit: async ({ config }) => ({ ok: false as const, errors: [{ path: 'name', message: `got ${JSON.stringify(config)}` }] }),
      browseLabelSet: async () => ({ path: 'labels.json' }),
      openSettings: async () => ({}),
      close: async () => ({}),
      estimate: async () => ({ ok: false as const, errors: [] }),
    });
    const rpc = createRpcClient(FormProtocol, transport);
    const [a, b] = await Promise.all([rpc.request('browseLabelSet', {}), rpc.request('submit', { config: { name: 'x' } })]);
    assert.deepEqual(a, { path: 'labels.json' });
    assert.deepEqual(b, { ok: false, errors: [{ path: 'name', message: 'got {"name":"x"}' }] });
  });

  it('rejects with the handler’s error, and on invalid params without calling the handler', async () => {
    const { transport, port } = wire();
    let calls = 0;
    serveRequests(port, ReportProtocol, {
      cancel: async () => {
        throw new Error('server not ready');
      },
      openTraceLocation: async () => {
        calls++;
        return {};
      },
    } as never);
    const rpc = createRpcClient(ReportProtocol, transport);
    await assert.rejects(
      rpc.request('cancel', {}),
      (e: unknown) => e instanceof RpcError && e.message === 'server not ready' && e.method === 'report/cancel',
    );
    await assert.rejects(
      rpc.request('openTraceLocation', {
        experiment_id: 'e',
        conversation_id: '',
        message_index: 0,
        message_part_index: 0,
        start_offset: 0,
      }),
      /Invalid report\/openTraceLocation params: conversation_id/,
    );
    assert.equal(calls, 0);
  });

  it('answers unknown methods with an error and ignores malformed messages', async () => {
    const { port } = wire();
    const replies: unknown[] = [];
    const logged: string[] = [];
    let listener: (m: unknown) => void = () => undefined;
    serveRequests(
      { onDidReceiveMessage: (l) => ((listener = l), { dispose() {} }), postMessage: async (m) => (replies.push(m), true) },
      FormProtocol,
      {} as never,
      { log: (m) => logged.push(m) },
    );
    void port;
    listener({ type: 'request', id: 3, method: 'form/drop-tables', params: {} });
    listener({ hello: 'world' });
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(replies, [{ type: 'response', id: 3, ok: false, error: { message: 'Unknown request: form/drop-tables' } }]);
    assert.deepEqual(logged, ['webview sent a malformed message']);
  });

  it('delivers notifications to subscribers until they unsubscribe', async () => {
    const { transport, port } = wire();
    const rpc = createRpcClient(ReportProtocol, transport);
    const seen: string[] = [];
    const off = rpc.onNotification('deleted', (p) => seen.push(p.id));
    await notify(port, ReportProtocol, 'deleted', { id: 'e1' });
    off();
    await notify(port, ReportProtocol, 'deleted', { id: 'e2' });
    assert.deepEqual(seen, ['e1']);
  });

  it('times out and rejects pending requests on dispose', async () => {
    const silent: Transport = { post: () => undefined, subscribe: () => () => undefined };
    const rpc = createRpcClient(ReportProtocol, silent, { timeoutMs: 5 });
    await assert.rejects(rpc.request('refresh', {}), /timed out/);
    const rpc2 = createRpcClient(ReportProtocol, silent);
    const pending = rpc2.request('refresh', {});
    rpc2.dispose();
    await assert.rejects(pending, /disposed/);
  });
});

describe('throttle', () => {
  it('runs at once, then at most once more per interval with the latest trigger', async () => {
    let runs = 0;
    const t = throttle(async () => {
      runs++;
    }, 20);
    t.trigger();
    t.trigger();
    t.trigger();
    assert.equal(runs, 1);
    await new Promise((r) => setTimeout(r, 35));
    assert.equal(runs, 2, 'one trailing run for the triggers during the cool-down');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, 2);
    t.trigger();
    t.dispose();
    assert.equal(runs, 3);
  });
});

describe('webview HTML', () => {
  it('has a strict CSP with the nonce and no inline script', () => {
    const nonce = createNonce();
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(nonce, createNonce());
    const html = renderWebviewHtml({
      cspSource: 'vscode-webview://abc',
      nonce,
      scriptUri: 'vscode-webview://abc/report.js',
      codiconCssUri: 'vscode-webview://abc/codicon.css',
      title: 'R "<x>"',
      app: 'compare',
    });
    assert.ok(html.includes(`content="${contentSecurityPolicy('vscode-webview://abc', nonce).replace(/'/g, '&#39;')}"`));
    assert.equal(
      contentSecurityPolicy('SRC', 'N'),
      `default-src 'none'; style-src SRC 'nonce-N'; script-src 'nonce-N'; font-src SRC; img-src SRC data:`,
    );
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="vscode-webview://abc/report.js"></script>`));
    assert.ok(html.includes('id="vscode-codicon-stylesheet"'));
    assert.ok(html.includes('<title>R &quot;&lt;x&gt;&quot;</title>'));
    assert.ok(html.includes('data-app="compare"'));
    assert.throws(() =>
      renderWebviewHtml({ cspSource: 'x', nonce: "a' 'unsafe-inline", scriptUri: '', codiconCssUri: '', title: '', app: 'form' }),
    );
  });
});
