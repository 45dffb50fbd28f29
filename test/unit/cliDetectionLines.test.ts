// The CLI's run/show summary: one line per detection note, one for what minConfidence hid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentItem } from '../../common/schema';
import { detectionLines } from '../../server/cliReport';

const items = (xs: Array<Pick<ExperimentItem, 'conversation_id' | 'hidden_annotations' | 'detection_notes'>>) => xs;

describe('CLI detection lines', () => {
  it('names the conversation of each note and sums the hidden annotations', () => {
    assert.deepEqual(
      detectionLines(
        items([
          { conversation_id: 'c1', detection_notes: ['the trace records no tool definitions'], hidden_annotations: 2 },
          { conversation_id: 'c2', hidden_annotations: 1 },
        ]),
      ),
      ['note: c1: the trace records no tool definitions', '3 annotations hidden below minConfidence'],
    );
  });

  it('prints nothing when there is nothing to say', () => {
    assert.deepEqual(detectionLines(items([{ conversation_id: 'c1' }, { conversation_id: 'c2', hidden_annotations: 0 }])), []);
    assert.deepEqual(detectionLines(items([{ conversation_id: 'c1', hidden_annotations: 1 }])), [
      '1 annotation hidden below minConfidence',
    ]);
  });
});
