import type { Annotation, Conversation, LabelSet, Message } from '../../../common/schema';

/** One response to judge: `message` at `messageIndex`, judged on `conversation.messages[0..messageIndex)`. */
export interface DetectionInput {
  conversation: Conversation;
  messageIndex: number;
  message: Message;
  labelSet?: LabelSet | null;
  signal?: AbortSignal;
}

export interface Detector {
  readonly name: string;
  detect(input: DetectionInput): Annotation[] | Promise<Annotation[]>;
}
