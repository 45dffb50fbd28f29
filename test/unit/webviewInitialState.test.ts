// The report's initial state travels inside its HTML (no request before the first paint). What
// is embedded cannot end its element or open a comment, whatever the trace text holds, and the
// page reads back exactly what the host put in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_STATE_ELEMENT_ID, jsonForScriptElement, renderWebviewHtml } from '../../extension/webviews/html';
import { readReportBootstrap } from '../../webview/report/initialState';

const hostile = '</script><script>alert(1)</script><!-- \u2028\u2029 </SCRIPT > <\\/script>';

/** The text content of the data block, as an HTML parser sees it: up to the first `</script`. */
function dataBlock(html: string): string {
  const open = `<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, 'the HTML has the data block');
  const rest = html.slice(start + open.length);
  return rest.slice(0, rest.search(/<\/script/i));
}

/** A document holding the data block; `removed` tells whether the page took the element out after reading it. */
function fakeDocument(html: string) {
  const doc = {
    removed: false,
    getElementById: (id: string) =>
      id === INITIAL_STATE_ELEMENT_ID && !doc.removed
        ? ({ textContent: dataBlock(html), remove: () => (doc.removed = true) } as unknown as HTMLElement)
        : null,
  };
  return doc;
}

const bootstrap = {
  experimentId: 'exp-1',
  snapshot: null,
  error: hostile,
  conversations: { c1: { id: 'c1', file: 'traces/a.jsonl', line: 3, messageCount: 2, firstUserMessage: hostile } },
  labels: [{ name: 'x', description: hostile }],
};

describe('initial state embedded in the webview HTML', () => {
  it('has no "<" left, so the block cannot be closed or commented out from inside', () => {
    const json = jsonForScriptElement(bootstrap);
    assert.ok(!json.includes('<'));
    assert.ok(!/[\u2028\u2029]/.test(json));
    assert.deepEqual(JSON.parse(json), bootstrap);
  });

  it('is a JSON data block beside the one nonce-carrying script, and the page reads it back unchanged', () => {
    const nonce = 'N0nceN0nceN0nceN0nce';
    const html = renderWebviewHtml({
      cspSource: 'src',
      nonce,
      scriptUri: 'src/report.js',
      codiconCssUri: 'src/codicon.css',
      title: 't',
      app: 'report',
      initialState: bootstrap,
    });
    assert.equal(html.match(/<script nonce=/g)?.length, 1, 'the only executable script is the bundle');
    assert.equal(html.match(/<script/gi)?.length, 2, 'the data block is the only other script element');
    const doc = fakeDocument(html);
    assert.deepEqual(readReportBootstrap(doc), bootstrap);
    assert.ok(doc.removed, 'the data block is removed once read (its text is not kept twice)');
    assert.equal(readReportBootstrap(doc), null);
  });

  it('a page without an embedded state (or with a broken one) asks the host instead', () => {
    const html = renderWebviewHtml({
      cspSource: 'src',
      nonce: 'N0nceN0nceN0nceN0nce',
      scriptUri: 's',
      codiconCssUri: 'c',
      title: 't',
      app: 'report',
    });
    assert.ok(!html.includes(INITIAL_STATE_ELEMENT_ID));
    assert.equal(readReportBootstrap({ getElementById: () => null }), null);
    assert.equal(
      readReportBootstrap({ getElementById: () => ({ textContent: '{"experimentId": 1}', remove() {} }) as unknown as HTMLElement }),
      null,
    );
    assert.equal(
      readReportBootstrap({ getElementById: () => ({ textContent: '{not json', remove() {} }) as unknown as HTMLElement }),
      null,
    );
  });
});
