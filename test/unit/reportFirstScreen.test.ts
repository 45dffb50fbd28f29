// The report's first screen travels as static HTML inside the page the extension writes
// (extension/webviews/html.ts): the first page of rows and the header figures are in it, in the
// order the page shows them, and trace text in it can neither end an element nor add one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReportInitResult } from '../../common/webviewProtocol';
import { FIRST_SCREEN_ELEMENT_ID, FIRST_SCREEN_STYLE_ID, renderWebviewHtml } from '../../extension/webviews/html';
import { buildRows, defaultSort, sortRows } from '../../webview/lib/items';
import { toStaticHtml } from '../../webview/lib/staticHtml';
import { h } from '../../webview/lib/vnode';
import { reportFirstScreenHtml } from '../../webview/report/firstScreen';
import { takeEarlyReportState } from '../../webview/report/initialState';
import { FIRST_ROWS } from '../../webview/report/itemNodes';
import { conversationContexts, experimentFixture, XSS_TEXT } from '../webview-harness/fixtures';

const NONCE = 'TestNonce0123456789abcdefABCDEFgh';
const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)><!-- </style>';

/** A report state whose first rows carry hostile text in every place trace text reaches. */
function hostileInit(): ReportInitResult {
  const experiment = experimentFixture({ live: false });
  const conversations = conversationContexts(100);
  const first = sortRows(buildRows(experiment, conversations), defaultSort)[0]!.item;
  conversations[first.conversation_id] = { ...conversations[first.conversation_id]!, firstUserMessage: hostile, file: hostile };
  experiment.name = `${hostile} name`;
  return {
    experimentId: experiment.id,
    snapshot: { experiment, running: false, active: false },
    error: null,
    conversations,
    labels: [{ name: 'fabricated_number', description: hostile }],
  };
}

function pageFor(init: ReportInitResult, scriptUri = 'https://x.test/dist/webview/report.js'): string {
  const first = reportFirstScreenHtml(init);
  assert.ok(first, 'a first screen is made from a state with an experiment');
  return renderWebviewHtml({
    cspSource: 'https://x.test',
    nonce: NONCE,
    scriptUri,
    module: true,
    preloadUris: ['https://x.test/dist/webview/chunks/a.js'],
    codiconCssUri: 'https://x.test/codicon.css',
    title: 'Report',
    app: 'report',
    firstScreen: { html: first.html, css: first.css },
  });
}

const scriptOpenings = (html: string) => html.match(/<script\b/gi)?.length ?? 0;

describe('report first screen in the webview HTML', () => {
  it('holds the first page of rows in the order the page shows them, and the header figures', () => {
    const init = hostileInit();
    const html = pageFor(init);
    const expected = sortRows(buildRows(init.snapshot!.experiment, init.conversations), defaultSort)
      .slice(0, FIRST_ROWS)
      .map((r) => r.item.id);
    const ids = [...html.matchAll(/<div class="row" role="row" tabindex="0" data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(expected.length, FIRST_ROWS);
    assert.deepEqual(ids, expected);
    assert.ok(html.includes(`id="${FIRST_SCREEN_ELEMENT_ID}"`) && html.includes(' inert'), 'the first screen is one inert element');
    const rate = init.snapshot!.experiment.metrics.hallucination_rate;
    assert.ok(rate !== null && html.includes(`${(rate * 100).toFixed(1)}%`), 'the hallucination rate card is filled');
    assert.match(html, /300 of 300 items done/);
  });

  it('escapes trace text: no element, no end of the page’s script or style elements comes from it', () => {
    const html = pageFor(hostileInit());
    // Ours only: the deferred-load plan (JSON) and the loader.
    assert.equal(scriptOpenings(html), 2);
    assert.equal(html.match(/<\/style/gi)?.length, 1, 'one style element, ended once');
    assert.ok(!/<img/i.test(html), 'no <img> element');
    assert.ok(!html.includes('<!--'), 'no comment opened');
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'));
    // The same for the harness's fixture text, wherever the fixture puts it.
    const conversations = conversationContexts(100);
    for (const c of Object.values(conversations)) c.firstUserMessage = XSS_TEXT;
    const plain = pageFor({ ...hostileInit(), conversations });
    assert.equal(scriptOpenings(plain), 2);
    assert.ok(!/<img/i.test(plain));
  });

  it('puts the page’s nonce on its inline script and stylesheet, and keeps the CSP without unsafe-inline', () => {
    const html = pageFor(hostileInit());
    assert.ok(html.includes(`<style id="${FIRST_SCREEN_STYLE_ID}" nonce="${NONCE}">`));
    assert.ok(html.includes(`<script nonce="${NONCE}">`));
    const csp = /content="([^"]+)"/.exec(html)![1]!;
    assert.ok(csp.includes(`script-src &#39;nonce-${NONCE}&#39;`), csp);
    assert.ok(!csp.includes('unsafe-inline'), csp);
  });

  it('cannot be broken out of by the URLs it loads later (they are JSON in a data block)', () => {
    const html = pageFor(hostileInit(), 'https://x.test/report.js?</script><script>alert(3)</script>');
    assert.equal(scriptOpenings(html), 2);
    const plan = /<script type="application\/json" id="hl-deferred">([^<]*)<\/script>/.exec(html);
    assert.ok(plan, 'the plan is one data block up to its own end tag');
    assert.equal((JSON.parse(plan[1]!) as { script: string }).script, 'https://x.test/report.js?</script><script>alert(3)</script>');
  });

  it('refuses CSS that would end its style element', () => {
    assert.throws(
      () =>
        renderWebviewHtml({
          cspSource: 'https://x.test',
          nonce: NONCE,
          scriptUri: 'https://x.test/report.js',
          codiconCssUri: 'https://x.test/codicon.css',
          title: 'Report',
          app: 'report',
          firstScreen: { html: '<p>x</p>', css: 'p{color:red}</style><script>alert(1)</script>' },
        }),
      /<\/style/,
    );
  });

  it('is not made without an experiment (the page shows the error from its embedded state)', () => {
    assert.equal(reportFirstScreenHtml({ ...hostileInit(), snapshot: null, error: 'gone' }), null);
  });
});

describe('the state sent along with a first screen', () => {
  it('is taken from the messages the inline loader kept, once, and the list is dropped', () => {
    const init = hostileInit();
    const win: Record<string, unknown> = {
      __hlEarlyMessages: [
        { type: 'notification', method: 'report/snapshot', params: {} },
        { type: 'notification', method: 'report/firstState', params: { experimentId: 'x' } },
        { type: 'notification', method: 'report/firstState', params: init },
      ],
    };
    assert.equal(takeEarlyReportState(win), init);
    assert.equal(win.__hlEarlyMessages, null);
    assert.equal(takeEarlyReportState(win), null);
    assert.equal(takeEarlyReportState({}), null);
  });
});

describe('static HTML of a view tree (style attributes are refused by the CSP)', () => {
  it('turns each element’s CSS properties into a rule that selects it', () => {
    const page = toStaticHtml(h('div', { class: 'a', style: { 'flex-grow': 3 } }, h('span', { style: { width: '10px' } }, 'x')));
    assert.equal(page.html, '<div class="a" data-static-style="0"><span data-static-style="1">x</span></div>');
    assert.equal(page.css, '[data-static-style="0"]{flex-grow:3 !important}\n[data-static-style="1"]{width:10px !important}');
  });

  it('refuses a value that would end its rule or the style element', () => {
    assert.throws(() => toStaticHtml(h('div', { style: { width: '1px}</style><script>' } })), /unsafe style/);
  });
});
