// Findings people dismissed in a review (`hallucination-lab review --dismiss`, verdicts.jsonl in the
// store) are honoured by `check`: matched as a verdict carries over — same conversation, message,
// part and text, the same occurrence of that text in the part — and reported as SARIF suppressions
// with their reason, never counted by thresholds.
import { messageParts, type Annotation, type Conversation } from '../../../common/schema';
import { annotationKey, sameAnnotatedText } from '../review/carryOver';
import type { Verdict } from '../review/verdict';

export interface Suppression {
  /** Why it is not counted: who dismissed it, when, and their comment. */
  justification: string;
}

export class Dismissals {
  private readonly byConversation = new Map<string, Verdict[]>();

  /** `verdicts`: every stored verdict in the order written; the latest per annotation decides. */
  constructor(verdicts: readonly Verdict[]) {
    for (const v of [...verdicts].sort((a, b) => b.at.localeCompare(a.at))) {
      const list = this.byConversation.get(v.annotation_key.conversation_id) ?? [];
      list.push(v);
      this.byConversation.set(v.annotation_key.conversation_id, list);
    }
  }

  get size(): number {
    return this.byConversation.size;
  }

  /** The suppression of `annotation` on `conversation`, when its latest verdict dismissed it. */
  suppressionOf(conversation: Conversation, annotation: Annotation): Suppression | null {
    const verdicts = this.byConversation.get(conversation.id);
    if (!verdicts) return null;
    const message = conversation.messages[annotation.message_index];
    const partText = message ? (messageParts(message)[annotation.message_part_index]?.text ?? null) : null;
    const key = annotationKey({ id: '', conversationId: conversation.id, annotation, partText });
    const latest = verdicts.find((v) => sameAnnotatedText(v.annotation_key, key));
    if (!latest || latest.verdict !== 'dismissed') return null;
    const why = latest.comment ? `: ${latest.comment}` : '';
    return { justification: `dismissed by ${latest.author} at ${latest.at} (experiment ${latest.experiment_id})${why}` };
  }
}
