// The report's exports: JSON resource, items CSV, self-contained HTML with every trace string escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, csvLine, experimentJson, exportFileName, itemCsvColumns, itemsCsv, reportHtml } from '../../webview/lib/exportFormats';
import { labelDescriptions } from '../../webview/lib/reportViews';
import { conversationContexts, experimentFixture } from '../webview-harness/fixtures';

const experiment = experimentFixture({ conversations: 12, configs: ['a', 'b'] });

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(1.5), '1.5');
    assert.equal(csvField(Number.NaN), '');
    assert.equal(csvField(true), 'true');
  });

  it('defuses spreadsheet formulas in text', () => {
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField(-3), '-3', 'numbers stay numbers');
  });

  it('writes a header and one CRLF line per item', () => {
    const csv = itemsCsv(experiment, conversationContexts(12));
    const lines = csv.split('\r\n');
    assert.equal(lines[0], csvLine(itemCsvColumns));
    assert.equal(lines.length, experiment.items.length + 2, 'header + items + trailing empty');
    assert.equal(lines.at(-1), '');
    const row = lines.find((l) => l.includes('conv-001,'))!;
    assert.ok(row.includes('samples/support-agent.jsonl,1,'), 'trace file and 1-based line');
  });

  it('keeps hostile text inside one quoted field', () => {
    const csv = itemsCsv(experimentFixture({ conversations: 4, configs: ['a'] }));
    const line = csv.split('\r\n').find((l) => l.includes('conv-004'))!;
    assert.ok(line.startsWith('exp_20251121_support-a-conv-004,conv-004,'));
  });
});

describe('JSON', () => {
  it('is the resource, pretty-printed', () => {
    assert.deepEqual(JSON.parse(experimentJson(experiment)), experiment);
  });
});

describe('file names', () => {
  it('slugs the name and appends id and kind', () => {
    assert.equal(exportFileName({ id: 'exp_1', name: 'Support agent — v2 / GPT' }, 'csv'), 'support-agent-v2-gpt-exp_1-items.csv');
    assert.equal(exportFileName({ id: 'exp_1', name: '***' }, 'html'), 'exp_1-report.html');
    assert.equal(exportFileName({ id: 'exp_1', name: 'x' }, 'json'), 'x-exp_1.json');
  });
});

describe('HTML report', () => {
  const hostile = experimentFixture({ conversations: 6, configs: ['a', 'b'], name: 'Evil </title><script>alert(1)</script>' });
  const html = reportHtml(hostile, {
    css: 'body{color:red}</style><script>alert(3)</script>',
    conversations: conversationContexts(6),
    descriptions: labelDescriptions([]),
    generatedAt: new Date('2025-01-01T00:00:00Z'),
  });

  it('is a complete page without any script', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!/<script/i.test(html), 'no <script> anywhere');
    const tags = html.replace(/<style>[\s\S]*<\/style>/, '').match(/<[a-zA-Z][^>]*>/g) ?? [];
    assert.ok(tags.length > 100);
    assert.deepEqual(
      tags.filter((t) => /\son[a-z]+\s*=/i.test(t)),
      [],
      'no tag carries an event handler',
    );
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
  });

  it('escapes trace text, names and the stylesheet', () => {
    assert.ok(!html.includes('<img src=x'), 'the hostile <img> is never markup');
    assert.ok(html.includes('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;'));
    assert.ok(html.includes('<title>Evil &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; — Hallucination Lab report</title>'));
    assert.equal(html.match(/<\/style>/g)?.length, 1);
  });

  it('holds the metrics, charts, configurations and every item', () => {
    assert.ok(html.includes('Hallucination rate'));
    assert.ok(html.includes('<svg'));
    assert.ok(html.includes('Configurations'));
    assert.equal(html.match(/<details class="item-details">/g)?.length, hostile.items.length);
    assert.ok(html.includes('Exported from Hallucination Lab on 2025-01-01T00:00:00.000Z'));
  });
});

describe('HTML report: skipped items and hidden annotations', () => {
  const live = experimentFixture({ conversations: 8, configs: ['a', 'b'], live: true });
  const html = reportHtml(live, {
    css: '',
    conversations: conversationContexts(8),
    descriptions: labelDescriptions([]),
    generatedAt: new Date('2025-01-01T00:00:00Z'),
  });

  it('calls a conversation without a response skipped, with its reason', () => {
    assert.match(html, /<summary[^>]*>[\s\S]*?conv-002[\s\S]*?Skipped · /);
    assert.ok(html.includes('Skipped: the conversation has no response to judge'));
  });

  it('says how many annotations minConfidence hid, next to the metrics', () => {
    const hidden = live.items.reduce((n, i) => n + (i.hidden_annotations ?? 0), 0);
    assert.ok(hidden > 0, 'the fixture hides some');
    assert.ok(html.includes(`${hidden} annotation${hidden === 1 ? '' : 's'} hidden below the confidence threshold`));
  });
});
