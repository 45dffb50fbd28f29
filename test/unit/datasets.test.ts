// Datasets: saved from reviewed items and read back with the same gold spans; only fully reviewed
// responses saved; a hand-edited line with an error named; detectors scored by span overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Annotation, Conversation, ExperimentItem } from '../../common/schema';
import { pendingItem } from '../../server/core/experiments/experimentItems';
import { DATASET_KEY, DatasetError, datasetVersion, parseDataset, type GoldSpan } from '../../server/core/datasets/datasetFormat';
import { datasetTarget, readDataset, writeDataset } from '../../server/core/datasets/datasetFile';
import { datasetOrigin } from '../../server/core/datasets/datasetOrigin';
import { datasetRecords, datasetText } from '../../server/core/datasets/datasetSave';
import { scoreDetector } from '../../server/core/datasets/datasetScore';
import { readOpenAIConversation } from '../../server/core/formats/openai';

const REPLY = 'Your refund of 250 EUR reaches you on Friday in Paris.';
const conversation: Conversation = {
  id: 'c1',
  file: '/t/a.jsonl',
  line: 0,
  position: 0,
  sourcePath: [],
  messages: [
    { role: 'user', content: 'Refund please' },
    { role: 'assistant', content: 'old answer' },
    { role: 'user', content: 'and?' },
  ],
  tools: [],
  toolsKnown: false,
};
type Review = NonNullable<Annotation['review']>;
function ann(text: string, detector: string, review?: Review['verdict'], label = 'fabricated_number'): Annotation {
  const start = REPLY.indexOf(text);
  return {
    label,
    text,
    explanation: '',
    message_index: 1,
    message_part_index: 0,
    start_offset: start,
    end_offset: start + text.length,
    tool_name: null,
    parameter_name: null,
    detector,
    confidence: 0.9,
    ...(review
      ? {
          review: {
            verdict: review,
            author: 'ann',
            at: '2026-12-03T10:00:00.000Z',
            ...(review === 'relabelled' ? { label: 'fabricated_date' } : {}),
          },
        }
      : {}),
  };
}
function item(id: string, annotations: Annotation[]): ExperimentItem {
  return {
    ...pendingItem(id, 'c1', 'gpt', Number(id) - 1),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: REPLY } }],
    annotations,
  };
}
const conversations = new Map([['c1', conversation]]);

test('round trip: saved gold spans read back the same; the record is a conversation the trace reader takes', () => {
  const reviewed = [
    item('1', [
      ann('250', 'local', 'confirmed'),
      ann('Friday', 'judge', 'relabelled'),
      ann('EUR', 'local', 'dismissed'),
      ann('Paris', 'human'),
    ]),
    item('2', [ann('250', 'local')]), // unreviewed: left out
    item('3', []), // nothing flagged: left out unless people looked
  ];
  const saved = datasetRecords('refunds', { id: 'e1', pass_through: false }, reviewed, conversations);
  assert.deepEqual(saved.leftOut, { unreviewed: 1, untouched: 1 });
  assert.equal(saved.records.length, 1);
  const back = parseDataset(datasetText(saved.records), 'refunds.jsonl');
  const gold = back[0]!.metadata[DATASET_KEY].gold_spans;
  assert.deepEqual(
    gold.map((g) => [g.text, g.gold, g.source, g.label, g.detector]),
    [
      ['250', 'hallucination', 'confirmed', 'fabricated_number', 'local'],
      ['Friday', 'hallucination', 'relabelled', 'fabricated_date', 'judge'],
      ['EUR', 'not_hallucination', 'dismissed', 'fabricated_number', 'local'],
      ['Paris', 'hallucination', 'added', 'fabricated_number', 'human'],
    ],
  );
  assert.deepEqual(back, saved.records);
  // The generated response is in place and ends the conversation; pass-through judges from it.
  assert.deepEqual(
    back[0]!.messages.map((m) => m.content),
    ['Refund please', REPLY],
  );
  assert.equal(back[0]!.metadata.response_message_index, 1);
  const read = readOpenAIConversation(
    back[0],
    { file: 'f', displayName: 'f', where: () => 'f:1', line: 0, sourcePath: [], position: 0, anchor: { path: [], line: 0, character: 0 } },
    null,
  );
  assert.equal(read?.id, 'c1');
  const clean = datasetRecords('refunds', { id: 'e1', pass_through: false }, reviewed, conversations, true);
  assert.equal(clean.records.length, 2, 'with includeClean the response nothing flagged is saved, with no gold span');
  assert.equal(clean.records[1]!.metadata[DATASET_KEY].gold_spans.length, 0);
  assert.equal(clean.records[0]!.id, 'c1~gpt~0', 'two responses of one conversation are told apart');
});

test('written crash-safely under datasets/<name>.jsonl; the version is the content hash; an experiment on it records name, id and version', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-ds-'));
  const target = datasetTarget('refunds', cwd);
  assert.deepEqual(target, { file: path.join(cwd, 'datasets', 'refunds.jsonl'), name: 'refunds' });
  assert.throws(() => datasetTarget('sub/out.json', cwd), /ends in \.jsonl/);
  const { records } = datasetRecords(
    'refunds',
    { id: 'e1', pass_through: false },
    [item('1', [ann('250', 'local', 'confirmed')])],
    conversations,
  );
  const text = datasetText(records);
  const version = writeDataset(target.file, text);
  assert.equal(version, datasetVersion(text));
  assert.deepEqual(fs.readdirSync(path.dirname(target.file)), ['refunds.jsonl'], 'no temporary file left');
  assert.equal(readDataset(target.file, 'datasets/refunds.jsonl').version, version);
  const asRead = { ...conversation, file: target.file, metadata: records[0]!.metadata };
  assert.deepEqual(datasetOrigin([asRead]), {
    dataset_name: 'refunds',
    dataset_id: records[0]!.metadata[DATASET_KEY].id,
    dataset_version_id: version,
  });
  assert.deepEqual(datasetOrigin([asRead, conversation]), {}, 'not every conversation from the dataset: not on a dataset');
});

test('a hand-edited dataset with an error: the message names the file, the line and the field', () => {
  const { records } = datasetRecords(
    'd',
    { id: 'e1', pass_through: false },
    [item('1', [ann('250', 'local', 'confirmed')])],
    conversations,
  );
  const good = JSON.stringify(records[0]);
  const second = JSON.stringify({ ...records[0], id: 'c2' });
  const fails = (text: string) => {
    try {
      parseDataset(text, 'd.jsonl');
    } catch (e) {
      assert.ok(e instanceof DatasetError);
      return e.message;
    }
    assert.fail('accepted');
  };
  assert.match(fails(`${good}\n{"id": "x", "messages": [}\n`), /^d\.jsonl:2: not valid JSON/);
  assert.match(
    fails(`${good}\n\n${second.replace('"gold":"hallucination"', '"gold":"maybe"')}`),
    /^d\.jsonl:3: not a dataset record: metadata\.hallucination_lab_dataset\.gold_spans\[0\]\.gold/,
  );
  assert.match(
    fails(second.replace('"start_offset":15', '"start_offset":14')),
    /^d\.jsonl:1: .*gold_spans\[0\]: text "250" is not at 14-18 of messages\[1\] part 0 \(found " 250"\)/,
  );
  assert.match(fails(`${good}\n${good}`), /^d\.jsonl:2: id "c1" was already used on line 1/);
  assert.match(fails('\n'), /no dataset record/);
});

function gold(start: number, end: number, label = 'fabricated_number', kind: GoldSpan['gold'] = 'hallucination'): GoldSpan {
  return {
    message_index: 1,
    message_part_index: 0,
    start_offset: start,
    end_offset: end,
    text: REPLY.slice(start, end),
    label,
    gold: kind,
    source: kind === 'hallucination' ? 'confirmed' : 'dismissed',
    detector: 'local',
    author: 'ann',
    at: '',
  };
}
function finding(start: number, end: number, label = 'fabricated_number', part = 0): Annotation {
  return { ...ann('250', 'local'), start_offset: start, end_offset: end, text: REPLY.slice(start, end), label, message_part_index: part };
}

test('scoring: overlap is at least one shared character in the same part; misses, false positives, known negatives, response level, per label', () => {
  const s = scoreDetector('local', [
    {
      id: 'r1',
      gold: [gold(14, 17), gold(18, 21, 'fabricated_number', 'not_hallucination'), gold(35, 41, 'fabricated_date')],
      findings: [
        finding(15, 16), // inside 14-17: found
        finding(17, 18), // touches 14-17 and 18-21, shares no character: a false positive
        finding(19, 20, 'fabricated_entity'), // on the dismissed span: a known negative
        finding(14, 17, 'fabricated_number', 1), // same offsets, another part: a false positive
      ],
    },
    { id: 'r2', gold: [], findings: [] }, // clean and silent
    { id: 'r3', gold: [gold(0, 4)], findings: [] }, // missed
  ]);
  assert.deepEqual([s.span.tp, s.span.fp, s.span.fn], [1, 3, 2]);
  assert.equal(s.span.precision, 1 / 4);
  assert.equal(s.span.recall, 1 / 3);
  assert.equal(s.span.f1, (2 * (1 / 4) * (1 / 3)) / (1 / 4 + 1 / 3));
  assert.deepEqual([s.response.tp, s.response.fp, s.response.fn, s.response.precision, s.response.recall], [1, 0, 1, 1, 1 / 2]);
  assert.deepEqual(
    s.false_positives.map((f) => [f.start_offset, f.message_part_index, f.known_negative ?? false]),
    [
      [17, 0, false],
      [19, 0, true],
      [14, 1, false],
    ],
  );
  assert.deepEqual(
    s.misses.map((m) => [m.record, m.label]),
    [
      ['r1', 'fabricated_date'],
      ['r3', 'fabricated_number'],
    ],
  );
  assert.deepEqual(Object.keys(s.by_label), ['fabricated_date', 'fabricated_entity', 'fabricated_number']);
  assert.deepEqual([s.by_label.fabricated_number!.precision, s.by_label.fabricated_number!.recall], [1 / 3, 1 / 2]);
  assert.equal(s.by_label.fabricated_date!.f1, null, 'no finding of that label: no precision, no F1');
  assert.equal(s.label_agreement, 1);
  const point = scoreDetector('local', [{ id: 'p', gold: [gold(14, 17)], findings: [finding(17, 17)] }]);
  assert.equal(point.span.recall, 1, 'an empty span (a point) touching a gold span overlaps it');
  const none = scoreDetector('judge', []);
  assert.deepEqual([none.span.precision, none.span.recall, none.span.f1], [null, null, null]);
});
