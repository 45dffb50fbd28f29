// The report page's bundle: what its first paint loads carries no zod and no chart, export or
// compare code (those are chunks imported afterwards), the zod-free method tables equal the
// protocols, and the page's script is an ES module under the same nonce-only CSP.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { CompareProtocol, ReportProtocol } from '../../common/webviewProtocol';
import { compareMethods, reportMethods } from '../../common/webviewMethods';
import { contentSecurityPolicy, renderWebviewHtml, webviewBundle } from '../../extension/webviews/html';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The report entry built as esbuild.mjs builds it (ESM, split), in memory, with its metafile. */
async function buildReport(): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: { report: 'webview/report.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    loader: { '.css': 'text' },
    chunkNames: 'chunks/[name]-[hash]',
    outdir: 'out/report-bundle-test',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** The source files of the entry and of every chunk it imports statically: what loads before the first paint. */
function firstPaintInputs(meta: esbuild.Metafile): { inputs: string[]; lazy: string[] } {
  const outputs = meta.outputs;
  const entry = Object.keys(outputs).find((f) => outputs[f]!.entryPoint === 'webview/report.ts');
  assert.ok(entry, 'the report entry is among the outputs');
  const seen = new Set<string>();
  const lazy: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]!.imports) {
      if (i.kind === 'import-statement') visit(i.path);
      else if (i.kind === 'dynamic-import') lazy.push(i.path);
    }
  };
  visit(entry);
  return { inputs: [...seen].flatMap((f) => Object.keys(outputs[f]!.inputs)), lazy };
}

describe('report bundle split', () => {
  it('loads no zod and no chart, export or compare code before its first paint; those are dynamic chunks', async () => {
    const meta = await buildReport();
    const { inputs, lazy } = firstPaintInputs(meta);
    assert.ok(
      inputs.some((f) => f.endsWith('webview/report/reportApp.ts')),
      'the report app itself is loaded first',
    );
    assert.deepEqual(
      inputs.filter((f) => /node_modules\/zod\//.test(f)),
      [],
      'zod is not in the first load',
    );
    for (const lazyModule of [
      'webview/lib/charts.ts',
      'webview/lib/chartCardsView.ts',
      'webview/lib/exportFormats.ts',
      'webview/report/compareApp.ts',
    ])
      assert.ok(!inputs.includes(lazyModule), `${lazyModule} is not in the first load`);
    assert.equal(lazy.length, 3, `three dynamic chunks (charts, export, compare): ${lazy.join(', ')}`);
    const allInputs = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    assert.ok(allInputs.includes('webview/lib/charts.ts'), 'the charts are still built, in a chunk');
  });

  it('method tables without zod name the same methods as the protocols', () => {
    const strip = (p: Record<string, { kind: string; method: string }>) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { kind: v.kind, method: v.method }]));
    assert.deepEqual(strip(reportMethods), strip(ReportProtocol));
    assert.deepEqual(strip(compareMethods), strip(CompareProtocol));
  });

  it('the report page script is a nonce-bound ES module; the form stays a classic script; the CSP is unchanged', () => {
    const nonce = 'abcdefghijklmnop0123456789ABCDEF';
    const html = (app: 'form' | 'report' | 'compare') =>
      renderWebviewHtml({
        cspSource: 'https://x.vscode-cdn.net',
        nonce,
        scriptUri: `https://x.vscode-cdn.net/dist/webview/${webviewBundle(app).file}`,
        module: webviewBundle(app).module,
        codiconCssUri: 'https://x.vscode-cdn.net/codicon.css',
        title: app,
        app,
      });
    assert.match(html('report'), new RegExp(`<script type="module" nonce="${nonce}" src="[^"]+/report\\.js"></script>`));
    assert.match(html('compare'), /<script type="module" nonce="[^"]+" src="[^"]+\/report\.js"><\/script>/);
    assert.match(html('form'), new RegExp(`<script nonce="${nonce}" src="[^"]+/form\\.js"></script>`));
    const preloaded = renderWebviewHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce,
      scriptUri: 'https://x.vscode-cdn.net/dist/webview/report.js',
      module: true,
      preloadUris: ['https://x.vscode-cdn.net/dist/webview/chunks/chunk-A.js', 'https://x.vscode-cdn.net/dist/webview/chunks/chunk-"B.js'],
      codiconCssUri: 'https://x.vscode-cdn.net/codicon.css',
      title: 'report',
      app: 'report',
    });
    assert.match(preloaded, new RegExp(`<link rel="modulepreload" href="[^"]+/chunks/chunk-A\\.js" nonce="${nonce}">`));
    assert.ok(preloaded.includes('chunk-&quot;B.js'), 'a preload address is escaped');
    assert.ok(preloaded.indexOf('modulepreload') < preloaded.indexOf('<body'), 'preloads are in the head, ahead of the data block');
    assert.ok(!html('form').includes('modulepreload'), 'the form preloads nothing');
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`), 'scripts by nonce only: no host source, no strict-dynamic, no eval');
    assert.ok(html('report').includes(csp.replace(/'/g, '&#39;')), 'the page carries that CSP');
  });
});
