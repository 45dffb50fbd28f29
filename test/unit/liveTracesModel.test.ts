// What the editor shows of the trace receiver: the status bar text, the Live node's rows (newest
// first, bounded, a re-judged conversation replacing its row) and the receiver settings' checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LiveTracesModel,
  MAX_LIVE_CONVERSATIONS,
  liveConversationDescription,
  liveNodeDescription,
  statusBarText,
  statusTooltip,
  tracesEndpoint,
} from '../../extension/liveTracesModel';
import { parseReceiverSettings } from '../../extension/receiverSettings';
import type { ReceiverStatus } from '../../common/protocol';

const status: ReceiverStatus = {
  listening: true,
  port: 4318,
  folder: '/ws/traces/live',
  traces: 12,
  spans: 40,
  hallucinations: 3,
  judge: false,
  lastError: null,
};

const conversation = (id: string, hallucinations = 0) => ({
  id,
  file: '/ws/traces/live/traces-2026-12-03.jsonl',
  line: 0,
  status: 'completed' as const,
  failureReason: null,
  hallucinations,
  model: 'gpt-4o',
  firstUserMessage: 'Weather in\nOslo for 5 days',
});

test('the status bar reads as the issue shows it; the tooltip says where to point an exporter', () => {
  assert.equal(statusBarText(status), '$(radio-tower) Receiving on :4318 · 12 traces · 3 hallucinations');
  assert.equal(statusBarText({ ...status, traces: 1, hallucinations: 1 }), '$(radio-tower) Receiving on :4318 · 1 trace · 1 hallucination');
  assert.equal(tracesEndpoint(4318), 'http://127.0.0.1:4318/v1/traces');
  const tooltip = statusTooltip({ ...status, lastError: 'HTTP 415: unsupported Content-Type' }, 'traces/live');
  assert.match(tooltip[0]!, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318$/);
  assert.equal(tooltip[1], 'Writing to traces/live');
  assert.equal(tooltip[2], '40 spans · 12 traces judged by the local detector · 3 hallucinations');
  assert.equal(
    statusTooltip({ ...status, judge: true }, null)[2],
    '40 spans · 12 traces judged by the local detector and the LLM judge · 3 hallucinations',
  );
  assert.ok(tooltip.includes('Last refused: HTTP 415: unsupported Content-Type'));
  assert.deepEqual(statusTooltip({ ...status, listening: false, port: null }, null), ['Trace receiver stopped']);
  assert.equal(liveNodeDescription(null), 'stopped');
  assert.equal(liveNodeDescription({ ...status, listening: false }), 'stopped · 12 traces · 3 hallucinations');
  assert.equal(liveNodeDescription(status), 'receiving on :4318 · 12 traces · 3 hallucinations');
});

test('live conversations: newest first, a re-judged one replaces its row, at most MAX_LIVE_CONVERSATIONS', () => {
  const model = new LiveTracesModel();
  assert.equal(model.active, false, 'no Live node before the receiver ran');
  model.addTrace({ traceId: 't1', files: [], hallucinations: 1, conversations: [conversation('a', 1)] }, 1);
  model.addTrace({ traceId: 't2', files: [], hallucinations: 0, conversations: [conversation('b')] }, 2);
  model.addTrace({ traceId: 't1', files: [], hallucinations: 2, conversations: [conversation('a', 2)] }, 3);
  assert.equal(model.active, true);
  assert.deepEqual(
    model.conversations.map((c) => [c.id, c.hallucinations, c.judgedAt]),
    [
      ['a', 2, 3],
      ['b', 0, 2],
    ],
  );
  assert.equal(liveConversationDescription(model.conversations[0]!), '2 hallucinations · Weather in Oslo for 5 days');
  assert.equal(liveConversationDescription({ ...model.conversations[1]!, status: 'failed' }), 'not judged · Weather in Oslo for 5 days');
  for (let i = 0; i < MAX_LIVE_CONVERSATIONS + 5; i++)
    model.addTrace({ traceId: `x${i}`, files: [], hallucinations: 0, conversations: [conversation(`c${i}`)] });
  assert.equal(model.conversations.length, MAX_LIVE_CONVERSATIONS);
  assert.equal(model.conversations[0]!.id, `c${MAX_LIVE_CONVERSATIONS + 4}`);
});

test('receiver settings: defaults, and a wrong value falls back with a warning naming the setting', () => {
  const warnings: string[] = [];
  const none = { port: undefined, folder: undefined, autoStart: undefined, judge: undefined };
  assert.deepEqual(
    parseReceiverSettings(none, (m) => warnings.push(m)),
    { port: 4318, folder: 'traces/live', autoStart: false, judge: false },
  );
  const set = { port: 70000, folder: 'out/otel', autoStart: true, judge: 'yes' };
  assert.deepEqual(
    parseReceiverSettings(set, (m) => warnings.push(m)),
    { port: 4318, folder: 'out/otel', autoStart: true, judge: false },
  );
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^hallucinationLab\.receiver\.port is invalid .*using 4318$/);
  assert.match(warnings[1]!, /^hallucinationLab\.receiver\.judge is invalid .*using false$/);
});
