// Comments that are not verdicts (issue 17: "a comment on any annotation or item"): stored as their
// own record kind in comments.jsonl, shown on the annotation (report, hover) and the item, counted
// in the resource's `comments`, and never a review: the annotation stays unreviewed, no figure moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as P from '../../common/protocol';
import type { Annotation, ExperimentItem } from '../../common/schema';
import { main } from '../../server/cli';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { COMMENTS_FILE, CommentStore } from '../../server/core/review/reviewComments';
import { commentLines } from '../../server/markerPublisher';
import { reviewWorkspace } from '../support/reviewWorkspace';
import { pendingItem } from '../../server/core/experiments/experimentItems';
import { buildRow, rowSignature } from '../../webview/lib/items';
import { itemDetail } from '../../webview/lib/reportViews';
import { textOf, toHtml } from '../../webview/lib/vnode';

async function setup() {
  const w = await reviewWorkspace('hl-review-comments-');
  const id = await w.run('traced');
  return { root: w.root, server: w.server, service: w.server.session.requireService(), id, done: w.done };
}

test('a comment on an annotation and one on an item: shown where they are, counted in comments, reviewing nothing', async () => {
  const t = await setup();
  try {
    const before = t.service.resource(t.id);
    const target = before.items.flatMap((i) => i.annotations)[0]!;
    const q1 = before.items.find((i) => i.conversation_id === 'q1')!;
    const r = t.server.review.addComment({
      experiment_id: t.id,
      annotation_id: target.id!,
      text: '  check the city guide  ',
      author: 'ann',
    });
    assert.deepEqual([r.annotation_id, r.text, r.author], [target.id, 'check the city guide', 'ann']);
    t.server.review.addComment({ experiment_id: t.id, item_id: q1.id, text: 'vague but harmless', author: 'bo' });

    const after = t.service.resource(t.id);
    const annotated = after.items.flatMap((i) => i.annotations).find((a) => a.id === target.id)!;
    assert.deepEqual(
      annotated.comments?.map((c) => [c.text, c.author]),
      [['check the city guide', 'ann']],
    );
    assert.equal(annotated.review, undefined, 'a comment is not a verdict');
    assert.deepEqual(
      after.items.find((i) => i.id === q1.id)!.comments?.map((c) => c.text),
      ['vague but harmless'],
    );
    assert.equal(after.unreviewed_count, before.unreviewed_count);
    assert.deepEqual(after.feedback_scores, before.feedback_scores);
    assert.deepEqual(
      after.comments?.map((c) => [c.text, c.annotation_id ?? null, c.item_id]),
      [
        ['check the city guide', target.id, r.item_id],
        ['vague but harmless', null, q1.id],
      ],
    );
    // The hover of the marker (markers read the reviewed items) shows it, escaped.
    const marked = t.service
      .reviewed(t.id)
      .items.flatMap((i) => i.annotations)
      .find((a) => a.id === target.id)!;
    assert.match(commentLines(marked).join('\n'), /💬 check the city guide — ann, \d{4}\\-\d{2}\\-\d{2} \d{2}\\:\d{2} UTC/);
    assert.deepEqual(commentLines({ ...marked, comments: [{ text: '**bold**', author: 'a', at: 'now' }] }), [
      '',
      '💬 \\*\\*bold\\*\\* — a, now',
    ]);

    // The list of the experiment's summaries does not change: a comment counts nothing.
    assert.equal(t.service.list()[0]!.unreviewed_count, before.unreviewed_count);
  } finally {
    t.done();
  }
});

test('a comment names exactly one annotation or item that exists; an empty one is refused', async () => {
  const t = await setup();
  try {
    assert.throws(
      () => t.server.review.addComment({ experiment_id: t.id, annotation_id: 'a-nope', text: 'x' }),
      /has no annotation "a-nope"/,
    );
    assert.throws(() => t.server.review.addComment({ experiment_id: t.id, item_id: 'nope', text: 'x' }), /has no item "nope"/);
    const params = P.AddReviewComment.params;
    assert.equal(params.safeParse({ experiment_id: t.id, text: 'x' }).success, false);
    assert.equal(params.safeParse({ experiment_id: t.id, item_id: 'i', annotation_id: 'a', text: 'x' }).success, false);
    assert.equal(params.safeParse({ experiment_id: t.id, item_id: 'i', text: '   ' }).success, false);
  } finally {
    t.done();
  }
});

test('comments.jsonl: a torn last line is dropped with a warning and cut off before the next comment', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-comments-'));
  try {
    fs.mkdirSync(path.join(root, 'experiments', 'e1'), { recursive: true });
    fs.writeFileSync(path.join(root, 'experiments', 'e1', 'experiment.json'), '{}');
    const comments = new CommentStore(new ExperimentStore(root));
    const c = (text: string) => ({
      kind: 'comment' as const,
      experiment_id: 'e1',
      item_id: 'i1',
      text,
      author: 'ann',
      at: '2026-12-03T10:00:00.000Z',
    });
    comments.append(c('one'));
    fs.appendFileSync(path.join(root, 'experiments', 'e1', COMMENTS_FILE), '{"kind":"comm');
    const warnings: string[] = [];
    assert.deepEqual(
      comments.read('e1', warnings).map((x) => x.text),
      ['one'],
    );
    assert.deepEqual(warnings, ['experiment e1: comments.jsonl:2: incomplete last line (interrupted write) dropped']);
    comments.append(c('two'));
    assert.deepEqual(
      comments.read('e1').map((x) => x.text),
      ['one', 'two'],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the CLI: review <experiment> --comment T <annotation or item id>, without a verdict', async () => {
  const t = await setup();
  const run = async (args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const text = { out: '', err: '' };
    out.on('data', (d: Buffer) => (text.out += d.toString('utf8')));
    err.on('data', (d: Buffer) => (text.err += d.toString('utf8')));
    const code = await main(args, { out, err } as unknown as { out: typeof process.stdout; err: typeof process.stderr });
    return { code, ...text };
  };
  try {
    const store = path.join(t.root, '.hallucination-lab');
    const a = t.service.resource(t.id).items.flatMap((i) => i.annotations)[0]!;
    const ok = await run(['review', t.id, '--comment', 'from the terminal', a.id!, '--author', 'cli', '--out', store]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, new RegExp(`${a.id}: comment by cli`));
    const item = t.service.resource(t.id).items[1]!;
    assert.equal((await run(['review', t.id, '--comment', 'on the item', item.id, '--out', store])).code, 0);
    const resource = t.service.resource(t.id);
    assert.deepEqual(
      resource.items
        .flatMap((i) => i.annotations)
        .find((x) => x.id === a.id)!
        .comments?.map((c) => c.author),
      ['cli'],
    );
    assert.equal(resource.items.flatMap((i) => i.annotations).find((x) => x.id === a.id)!.review, undefined);
    assert.deepEqual(
      resource.items[1]!.comments?.map((c) => c.text),
      ['on the item'],
    );
    // --list shows them (a line each; in --json, under comments with where they are).
    const listed = await run(['review', t.id, '--list', '--out', store]);
    assert.match(listed.out, new RegExp(`comment on ${a.id}: "from the terminal" \\(cli, `));
    assert.match(listed.out, new RegExp(`comment on item ${item.id}: "on the item"`));
    const json = JSON.parse((await run(['review', t.id, '--list', '--json', '--out', store])).out) as { comments: unknown[] };
    assert.deepEqual(
      json.comments.map((c) => (c as { text: string; annotation_id?: string; item_id: string }).text),
      ['from the terminal', 'on the item'],
    );
    // Without the id it is on, or with an id that is not there: refused, nothing written.
    assert.equal((await run(['review', t.id, '--comment', 'lost', '--out', store])).code, 2);
    const missing = await run(['review', t.id, '--comment', 'lost', 'a-0000', '--out', store]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /has no annotation or item "a-0000"/);
    // With a verdict, the id stays --confirm's / --dismiss's: a second id is refused.
    assert.equal((await run(['review', t.id, '--dismiss', a.id!, '--comment', 'x', 'extra', '--out', store])).code, 2);
  } finally {
    t.done();
  }
});

test('the report: Comment… on each annotation and on the item in the live report, the comments shown, no buttons in exports', () => {
  const a: Annotation = {
    id: 'a-1',
    label: 'fabricated_number',
    text: '250',
    explanation: 'no such price',
    message_index: 1,
    message_part_index: 0,
    start_offset: 4,
    end_offset: 7,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
    comments: [{ text: 'ask the shop', author: 'ann', at: '2026-12-03T10:15:00.000Z' }],
  };
  const item: ExperimentItem = {
    ...pendingItem('i1', 'c1', 'traced', 0),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: 'Its 250 EUR.' } }],
    annotations: [a],
    comments: [{ text: 'fine otherwise', author: 'bo', at: '2026-12-03T11:00:00.000Z' }],
  };
  const calls: string[] = [];
  const live = itemDetail(
    item,
    undefined,
    {},
    { onReview: (x, action) => calls.push(`${x.id}:${action}`), onItemComment: (i) => calls.push(`item ${i.id}`) },
  );
  const html = toHtml(live);
  assert.match(html, /class="review-btn review-add-comment"/);
  assert.match(html, /class="review-btn review-item-comment"/);
  const text = textOf(live);
  assert.match(text, /ask the shop — ann · 2026-12-03 10:15 UTC/);
  assert.match(text, /fine otherwise — bo · 2026-12-03 11:00 UTC/);
  // A new comment redraws the item's row (its signature changes), on the annotation or on the item.
  const plain = { ...item, comments: undefined, annotations: [{ ...a, comments: undefined }] };
  const signature = (i: ExperimentItem) => rowSignature(buildRow(i, undefined));
  assert.notEqual(signature(plain), signature({ ...plain, comments: item.comments }));
  assert.notEqual(signature(plain), signature({ ...plain, annotations: [a] }));
  const exported = toHtml(itemDetail(item, undefined, {}));
  assert.doesNotMatch(exported, /<button/);
  assert.match(exported, /ask the shop/);
  assert.match(exported, /fine otherwise/);
});
