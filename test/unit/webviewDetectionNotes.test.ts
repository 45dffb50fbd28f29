// What the report says beyond annotations: the detectors' notes on an item, the annotations the
// minConfidence setting hid, and a conversation skipped for having no response (not a failure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentItem, StatusSummary } from '../../common/schema';
import { displayStatus, failureCounts, hiddenAnnotationCount, isSkipped, statusReason, statusTooltip } from '../../webview/lib/items';
import { detectionNotes, hiddenAnnotationsLine, itemDetail, statusChip } from '../../webview/lib/reportViews';
import { finishedText, progressText } from '../../webview/lib/statusText';
import { textOf, toHtml } from '../../webview/lib/vnode';
import { pendingItem } from '../../server/core/experiments/experimentItems';

function item(patch: Partial<ExperimentItem> = {}): ExperimentItem {
  return {
    ...pendingItem('i1', 'c1', 'm1', 0),
    status: 'completed',
    response_messages: [{ message_index: 1, message: { role: 'assistant', content: 'It is 12 °C.' } }],
    ...patch,
  };
}

const NO_TOOLS = 'the trace records no tool definitions: tool calls were not checked against a schema';
const SKIP = 'skipped: the conversation has no response to judge (no assistant message)';

describe('detection notes and hidden annotations', () => {
  it('shows each note as its own muted line, and the hidden count', () => {
    const notes = detectionNotes(item({ detection_notes: [NO_TOOLS, 'second note'], hidden_annotations: 3 }))!;
    const html = toHtml(notes);
    assert.equal((html.match(/<li class="dim"/g) ?? []).length, 3);
    assert.ok(textOf(notes).includes(NO_TOOLS));
    assert.ok(textOf(notes).includes('second note'));
    assert.ok(textOf(notes).includes('3 hidden below the confidence threshold'));
  });

  it('shows nothing when there is neither a note nor a hidden annotation', () => {
    assert.equal(detectionNotes(item()), null);
    assert.equal(detectionNotes(item({ detection_notes: [], hidden_annotations: 0 })), null);
  });

  it('puts the notes in the expanded item, after the "no hallucination" line', () => {
    const text = textOf(itemDetail(item({ detection_notes: [NO_TOOLS], hidden_annotations: 1 }), undefined, {}));
    assert.ok(text.indexOf('No hallucination found') < text.indexOf(NO_TOOLS));
    assert.ok(text.includes('1 hidden below the confidence threshold'));
  });

  it('keeps trace-supplied note text as text', () => {
    const html = toHtml(detectionNotes(item({ detection_notes: ['<img src=x onerror=alert(1)>'] }))!);
    assert.ok(!html.includes('<img'));
  });

  it('sums hidden annotations over the items for the report-level line', () => {
    const items = [item({ hidden_annotations: 2 }), item(), item({ hidden_annotations: 5 })];
    assert.equal(hiddenAnnotationCount(items), 7);
    assert.equal(textOf(hiddenAnnotationsLine(7)!), '7 annotations hidden below the confidence threshold (minConfidence setting)');
    assert.equal(textOf(hiddenAnnotationsLine(1)!), '1 annotation hidden below the confidence threshold (minConfidence setting)');
    assert.equal(hiddenAnnotationsLine(0), null);
  });
});

describe('skipped items', () => {
  const skipped = item({ status: 'failed', failure_reason: SKIP, response_messages: [] });
  const failed = item({ status: 'failed', failure_reason: 'HTTP 429', response_messages: [] });

  it('tells a skip from a failure by the reason prefix only', () => {
    assert.equal(isSkipped(skipped), true);
    assert.equal(isSkipped(failed), false);
    assert.equal(isSkipped(item({ failure_reason: SKIP })), false, 'a completed item is never skipped');
    assert.equal(displayStatus(skipped), 'skipped');
    assert.equal(displayStatus(failed), 'failed');
  });

  it('shows the reason without its prefix, in the chip tooltip', () => {
    assert.equal(statusReason(skipped), 'the conversation has no response to judge (no assistant message)');
    assert.equal(statusTooltip(skipped), 'Skipped: the conversation has no response to judge (no assistant message)');
    assert.equal(statusTooltip(failed), 'Failed: HTTP 429');
    assert.equal(statusReason(item()), null);
  });

  it('renders a "Skipped" chip, not a "Failed" one', () => {
    const html = toHtml(statusChip(skipped));
    assert.match(html, /class="status st-skipped"/);
    assert.equal(textOf(statusChip(skipped)), 'Skipped');
    assert.ok(!html.includes('st-failed'));
  });

  it('explains a skip in the expanded item as information, not as an error', () => {
    const html = toHtml(itemDetail(skipped, undefined, {}));
    assert.match(html, /class="banner info"/);
    assert.ok(!html.includes('banner error'));
    assert.ok(textOf(itemDetail(skipped, undefined, {})).includes('Skipped: the conversation has no response'));
  });

  it('counts skips apart from failures in the progress and run-state texts', () => {
    const split = failureCounts([skipped, skipped, failed, item()]);
    assert.deepEqual(split, { failed: 1, skipped: 2 });
    const s: StatusSummary = { pending: 0, in_progress: 0, inference_completed: 0, completed: 1, failed: 1, skipped: 2, total: 4 };
    assert.equal(progressText(s, split, false), '4 of 4 items done (100%) · 1 failed · 2 skipped');
    assert.equal(progressText(s, { failed: 0, skipped: 3 }, false), '4 of 4 items done (100%) · 3 skipped');
    assert.equal(finishedText({ failed: 0, skipped: 2 }), 'Finished · 2 skipped');
    assert.equal(finishedText({ failed: 0, skipped: 0 }), 'Completed');
    assert.equal(finishedText(split), 'Finished · 1 failed · 2 skipped');
  });

  it('says how many are in flight while running', () => {
    const s: StatusSummary = { pending: 1, in_progress: 2, inference_completed: 1, completed: 0, failed: 0, skipped: 0, total: 4 };
    assert.equal(progressText(s, { failed: 0, skipped: 0 }, true), '0 of 4 items done (0%) · 3 in flight');
  });
});
