// Entry of the report bundle (dist/webview/report.js, an ES module; its lazy chunks are in
// dist/webview/chunks/): the report panel, or the compare panel when the host's page says so
// (<body data-app="compare">). Dynamic imports name the `.js` file (TypeScript's NodeNext
// resolution asks for it; esbuild finds the .ts).
import baseCss from './base.css';
import reportCss from './report.css';
import './lib/elements';
import { adoptStyles } from './lib/dom';
import { ReportApp } from './report/reportApp';
import { FIRST_SCREEN_STYLE_ID } from '../extension/webviews/html';

// A page written with its first screen has these stylesheets already (in the <style> the host
// wrote, kept): adopting them again would double every rule the page matches from then on.
if (!document.getElementById(FIRST_SCREEN_STYLE_ID)) adoptStyles(baseCss, reportCss);
// The compare panel's code is a chunk of its own: the report does not load it.
if (document.body.dataset.app === 'compare') void import('./report/compareApp.js').then(({ CompareApp }) => new CompareApp().start());
else void new ReportApp(`${baseCss}\n${reportCss}`).start();
