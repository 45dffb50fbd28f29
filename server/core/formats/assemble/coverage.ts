// What a file's reading covered: how many LLM calls became conversations, and why each other did not.
import type { FileCoverage } from '../../../../common/protocol';

/** How many LLM calls of a file became conversations, and each one that did not, with why. */
export type Coverage = FileCoverage;

export function emptyCoverage(): Coverage {
  return { llmCalls: 0, read: 0, unread: [] };
}
