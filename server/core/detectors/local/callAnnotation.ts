// One finding on a tool call's arguments string: the call it is about and the annotation built
// for a span of its arguments (calibrated confidence, local detector).
import type { Annotation, BuiltInLabel } from '../../../../common/schema';
import { calibrated } from './confidence';

export interface CallTarget {
  messageIndex: number;
  partIndex: number;
  args: string;
  toolName: string;
}

export function annotation(
  t: CallTarget,
  label: BuiltInLabel,
  start: number,
  end: number,
  parameterName: string | null,
  confidence: number,
  explanation: string,
): Annotation {
  return {
    label,
    text: t.args.slice(start, end),
    explanation,
    message_index: t.messageIndex,
    message_part_index: t.partIndex,
    start_offset: start,
    end_offset: end,
    tool_name: t.toolName,
    parameter_name: parameterName,
    detector: 'local',
    confidence: calibrated(label, confidence),
  };
}
