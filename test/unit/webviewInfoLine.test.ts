// The report header's tags and comments line (issue 17): the tags shown with Edit, the comments on
// the experiment counted with Add comment, the inline fields (Enter sends, Escape closes), nothing
// to edit in a deleted experiment's report, and a header redrawn when the tags or the count change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportSnapshot } from '../../common/webviewProtocol';
import { ReportProtocol } from '../../common/webviewProtocol';
import { experimentComments, infoFieldValue, reportInfoLine, type InfoEditing } from '../../webview/lib/reportInfoLine';
import { textOf, toHtml, type VNode } from '../../webview/lib/vnode';
import { reportHeaderKey } from '../../webview/report/reportHeader';

const at = '2026-12-03T10:15:00.000Z';
const comments = [
  { text: 'judge prompt v3', author: 'ann', at },
  { text: 'in the price list', author: 'bo', at, annotation_id: 'a-1', item_id: 'i1' },
];

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    on: {
      edit: (mode: InfoEditing) => calls.push(`edit:${mode}`),
      saveTags: (tags: string[]) => calls.push(`tags:${JSON.stringify(tags)}`),
      addComment: (text: string) => calls.push(`comment:${text}`),
    },
  };
}

function find(node: unknown, tag: string): VNode[] {
  const out: VNode[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const v = n as VNode;
    if (v.tag === tag) out.push(v);
    v.children?.forEach(walk);
  };
  walk(node);
  return out;
}

function press(input: VNode, key: string, value: string): void {
  const event = { key, target: { value }, preventDefault: () => undefined } as unknown as Event;
  input.props.on!.keydown!(event);
}

test('shows the tags and the comments on the experiment (not those of verdicts), with Edit and Add comment', () => {
  const { on, calls } = recorder();
  const line = reportInfoLine({ tags: ['baseline', 'v2'], comments }, null, on);
  assert.match(textOf(line), /baseline.*v2.*Edit.*1 comment.*Add comment/);
  assert.equal(experimentComments({ comments }).length, 1);
  assert.match(toHtml(line), /title="ann · 2026-12-03 10:15: judge prompt v3"/);
  for (const b of find(line, 'button')) b.props.on!.click!(new Event('click'));
  assert.deepEqual(calls, ['edit:tags', 'edit:comment']);
  assert.match(textOf(reportInfoLine({}, null, on)), /no tags.*0 comments/);
});

test('the tags field starts with the tags; Enter saves them as the form reads them, Escape closes', () => {
  const { on, calls } = recorder();
  const line = reportInfoLine({ tags: ['baseline', 'v2'] }, 'tags', on);
  const [input] = find(line, 'input');
  assert.ok(input);
  assert.deepEqual(input.props.prop, { value: 'baseline, v2' });
  assert.equal(find(line, 'button').length, 1, 'only Add comment while the tags are edited');
  press(input, 'a', 'x');
  press(input, 'Enter', ' judge v3, baseline,, judge v3 ');
  press(input, 'Escape', '');
  assert.deepEqual(calls, ['tags:["judge v3","baseline"]', 'edit:null']);
  press(input, 'Enter', '  ');
  assert.equal(calls.at(-1), 'tags:[]', 'an empty field removes every tag');
});

test('the comment field: Enter adds a non-empty comment, nothing for blanks', () => {
  const { on, calls } = recorder();
  const [input] = find(reportInfoLine({ comments }, 'comment', on), 'input');
  press(input!, 'Enter', '   ');
  press(input!, 'Enter', '  what changed: judge v3 ');
  assert.deepEqual(calls, ['comment:what changed: judge v3']);
  assert.equal(infoFieldValue('comment', ' '), null);
  assert.deepEqual(infoFieldValue('tags', 'a, a'), { tags: ['a'] });
});

test('a deleted experiment (no handlers) shows its tags and count without any button or field', () => {
  const line = reportInfoLine({ tags: ['baseline'], comments }, 'tags', undefined);
  assert.equal(find(line, 'button').length + find(line, 'input').length, 0);
  assert.match(textOf(line), /baseline.*1 comment/);
});

test('the header is redrawn when the tags or the comments count change; the request is in the protocol', () => {
  const snap = (tags: string[], n: number) =>
    ({
      running: false,
      active: false,
      experiment: {
        id: 'e1',
        name: 'n',
        model: 'm',
        completed_at: null,
        status_summary: { total: 1, completed: 1, failed: 0, skipped: 0, pending: 0, in_progress: 0, inference_completed: 0 },
        metrics_by_model: {},
        tags,
        comments: comments.slice(0, n),
      },
    }) as unknown as ReportSnapshot;
  assert.equal(reportHeaderKey(snap(['a'], 1), false), reportHeaderKey(snap(['a'], 1), false));
  assert.notEqual(reportHeaderKey(snap(['a'], 1), false), reportHeaderKey(snap(['a', 'b'], 1), false));
  assert.notEqual(reportHeaderKey(snap(['a'], 0), false), reportHeaderKey(snap(['a'], 1), false));
  assert.equal(ReportProtocol.updateInfo.params.safeParse({ comment: '  ' }).success, false, 'a blank comment is refused');
  assert.deepEqual(ReportProtocol.updateInfo.params.parse({ tags: [' a ', 'a'] }).tags, ['a']);
});

test('a field rebuilt while the person types keeps the text typed so far, and reports each keystroke', () => {
  const { on, calls } = recorder();
  const [input] = find(reportInfoLine({ tags: ['baseline'] }, 'tags', on, 'baseline, jud'), 'input');
  assert.deepEqual(input!.props.prop, { value: 'baseline, jud' });
  input!.props.on!.input!({ target: { value: 'baseline, judge' } } as unknown as Event);
  assert.deepEqual(calls, [], 'typing is not an edit');
  const typed: string[] = [];
  const [again] = find(reportInfoLine({}, 'comment', { ...on, typed: (t) => typed.push(t) }), 'input');
  again!.props.on!.input!({ target: { value: 'wh' } } as unknown as Event);
  assert.deepEqual(typed, ['wh']);
});
