// Stand-in for zod's locales index in the browser bundles: only English is ever used, and
// esbuild cannot tree-shake the `z.locales` namespace (264 KB minified). See esbuild.mjs.
export { default as en } from 'zod/v4/locales/en.js';
