// A check result made by hand for the writers' golden documents: two files of conversations with
// findings (in and out of a baseline, dismissed, without a region), clean conversations, more
// conversations with findings than the Markdown lists, ties, inputs left out, and trace text that
// JSON, XML (CDATA ends, control characters) and Markdown must escape.
import type { Annotation } from '../../common/schema';
import type { CheckedConversation, CheckResult } from '../../server/core/check/findings';
import { conversationFingerprints } from '../../server/core/check/fingerprint';

/** One annotation of the local detector, overridden where a case needs it (also check-writers' fixtures). */
export function annotation(over: Partial<Annotation>): Annotation {
  return {
    label: 'fabricated_number',
    text: '42',
    explanation: 'appears nowhere in the context',
    message_index: 3,
    message_part_index: 0,
    start_offset: 10,
    end_offset: 12,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.85,
    ...over,
  };
}

const tricky = 'a|b`c<img> & "q" ]]> \u0007 tab\there\nnew line “é” 😀';

function conversation(
  id: string,
  file: string,
  annotations: Annotation[],
  state: (i: number) => Partial<CheckedConversation['findings'][number]> = () => ({}),
): CheckedConversation {
  const fingerprints = conversationFingerprints(id, annotations);
  return {
    id,
    file,
    findings: annotations.map((a, i) => ({
      annotation: a,
      region: i % 3 === 2 ? null : { startLine: i + 1, startColumn: 3 + i, endLine: i + 1, endColumn: 3 + i + a.text.length },
      fingerprint: fingerprints[i]!,
      inBaseline: false,
      ...state(i),
    })),
  };
}

export function goldenCase(): CheckResult {
  const conversations: CheckedConversation[] = [];
  const a = 'traces/a.jsonl';
  const b = 'traces/b & <c>.json';
  conversations.push(
    conversation('c1', a, [
      annotation({}),
      annotation({ label: 'unknown_tool', text: 'book_hotel', tool_name: 'book_hotel', confidence: 0.97, message_part_index: 1 }),
      annotation({
        label: 'ungrounded_parameter_value',
        text: tricky,
        tool_name: 'book_hotel',
        parameter_name: 'city',
        confidence: 0.6,
        explanation: tricky,
      }),
    ]),
    conversation('c2', a, [annotation({ text: '7', confidence: 0.3 }), annotation({ text: '7', confidence: 0.3 })], (i) =>
      i === 0 ? { inBaseline: true } : {},
    ),
    { id: 'c3', file: a, findings: [] },
    conversation('c4 | odd`id', a, [annotation({ label: 'custom_label', text: 'x', confidence: 0.5 })], () => ({
      suppressed: { justification: 'dismissed by ana at 2026-01-02T03:04:05Z (experiment e1): fine' },
    })),
  );
  for (let i = 0; i < 14; i++)
    conversations.push(
      conversation(
        `b${String(i).padStart(2, '0')}`,
        b,
        Array.from({ length: (i % 4) + 1 }, (_, k) =>
          annotation({
            text: `v${i}-${k}`,
            label: k % 2 ? 'fabricated_number' : 'ungrounded_parameter_value',
            tool_name: k % 2 ? null : `tool_${i % 3}`,
            confidence: 0.5 + k / 10,
          }),
        ),
      ),
    );
  conversations.push({ id: 'b-clean', file: b, findings: [] });
  return {
    checked: conversations.length + 3,
    conversations,
    skipped: [
      { file: 'traces/c.json', conversationId: null, reason: 'not a trace file: no conversation found' },
      { file: a, conversationId: 'span-9', reason: `line 9: LLM call not read: ${tricky}` },
    ],
  };
}

/** The rules the golden documents were evaluated with. */
export const GOLDEN_RULES = ['count>0', 'rate>0.5', 'label:unknown_tool>0', 'tool:tool_1>2', 'confidence>=0.9', 'confidence<0.2'];
