// One esbuild context per bundle. `--watch` rebuilds on change, `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// zod's locales cannot be tree-shaken (264 KB minified); every bundle shows English messages only.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(a.importer) ? { path: path.resolve('webview/lib/zodLocales.ts') } : undefined,
    );
  },
};

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};
/**
 * The report page imports shared chunks statically; the browser would find them only once
 * report.js is parsed (one more round trip through VS Code's webview service worker). The host
 * names them in <link rel="modulepreload"> instead, from this list (dist/webview/report.preload.json).
 */
const reportPreloadManifest = {
  name: 'report-preload-manifest',
  setup(b) {
    b.onEnd((result) => {
      if (!result.metafile) return;
      const outputs = result.metafile.outputs;
      const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === 'webview/report.ts');
      if (!entry) return;
      const chunks = outputs[entry].imports.filter((i) => i.kind === 'import-statement').map((i) => path.relative('dist/webview', i.path));
      writeFileSync('dist/webview/report.preload.json', JSON.stringify(chunks));
    });
  },
};

const browser = { ...common, platform: 'browser', target: 'chrome120', loader: { '.css': 'text' }, plugins: [zodEnglishOnly] };
// The extension host writes the report's first screen with the report's stylesheets (as text).
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', loader: { '.css': 'text' }, plugins: [zodEnglishOnly] };

const bundles = [
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'server/server.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'server/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  ...(existsSync('webview/form.ts')
    ? [{ ...browser, format: 'iife', entryPoints: { form: 'webview/form.ts' }, outdir: 'dist/webview' }]
    : []),
  // The report (and compare) page is an ES module (<script type="module">): what its first paint
  // does not need (the charts, the compare panel) is split into chunks it imports afterwards.
  ...(existsSync('webview/report.ts')
    ? [
        {
          ...browser,
          format: 'esm',
          splitting: true,
          entryPoints: { report: 'webview/report.ts' },
          outdir: 'dist/webview',
          chunkNames: 'chunks/[name]-[hash]',
          metafile: true,
          plugins: [...browser.plugins, reportPreloadManifest],
        },
      ]
    : []),
  // The extension-host test suite (mocha inside VS Code), built beside the extension.
  ...(existsSync('test/editor/suite/index.ts')
    ? [{ ...node, entryPoints: { index: 'test/editor/suite/index.ts' }, outdir: 'out/test/editor/suite', external: ['vscode', 'mocha'] }]
    : []),
].filter((b) => Object.keys(b.entryPoints).length > 0);

// Codicons ship beside the webview bundles: the packaged extension has no node_modules.
mkdirSync('dist/webview', { recursive: true });
// Chunk names carry a content hash: those of an earlier build would pile up (and be packaged).
rmSync('dist/webview/chunks', { recursive: true, force: true });
// A production build leaves no source map of an earlier development build beside its bundles.
if (production)
  for (const dir of ['dist', 'dist/webview']) for (const f of readdirSync(dir)) if (f.endsWith('.js.map')) rmSync(path.join(dir, f));
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);

const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`esbuild: watching ${contexts.length} bundles`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
