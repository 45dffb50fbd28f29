// What `hallucination-lab check` found: each annotation placed on exact characters of a trace file,
// grouped by conversation. Every writer (SARIF, JUnit, Markdown, JSON) and the thresholds read this
// one shape, so they agree with each other and with the editor's markers.
import type { Annotation } from '../../../common/schema';

/** A region of a trace file, 1-based lines and columns (UTF-16 code units), as SARIF counts them. */
export interface FileRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface CheckFinding {
  annotation: Annotation;
  /** Where the annotated text is in the file; null when it could not be placed (said in the output). */
  region: FileRegion | null;
  /** Stable across runs and unrelated edits: see `fingerprint.ts`. */
  fingerprint: string;
  /** True when a baseline already held this finding: reported, but not counted by thresholds. */
  inBaseline: boolean;
  /** Set when people dismissed it in a review: reported as a SARIF suppression, not counted. */
  suppressed?: { justification: string };
}

export interface CheckedConversation {
  id: string;
  /** The trace file, relative to the working directory, with forward slashes. */
  file: string;
  findings: CheckFinding[];
}

/** A file or conversation that could not be read or judged: left out of every figure, and named. */
export interface SkippedInput {
  file: string;
  conversationId: string | null;
  reason: string;
}

export interface CheckResult {
  /** Conversations read and judged (those left out are in `skipped`). */
  checked: number;
  /**
   * The judged conversations with findings — and, when the scan was asked to keep them (JUnit
   * needs every test case), the clean ones too.
   */
  conversations: CheckedConversation[];
  skipped: SkippedInput[];
}

/**
 * What the writers and thresholds read: the figures, and the conversations and inputs left out as
 * often as asked — arrays in memory, or spill files read again from the start (a large scan keeps
 * none of them in memory).
 */
export interface CheckFindings {
  checked: number;
  conversations(): Iterable<CheckedConversation>;
  skipped(): Iterable<SkippedInput>;
  skippedCount: number;
}

/** Where a scan puts what it judged and what it left out, one by one. */
export interface FindingSink {
  checked: number;
  add(conversation: CheckedConversation): void;
  skip(input: SkippedInput): void;
  /** A new file path in the sink's own private folder, for a scan's temporary spill (none: keep it in memory). */
  scratchFile?(): string;
}

/** Findings kept in memory: for small scans and tests (a large scan spills them: findingSpill.ts). */
export class MemoryFindings implements FindingSink, CheckFindings {
  checked = 0;
  private readonly judged: CheckedConversation[] = [];
  private readonly left: SkippedInput[] = [];
  add(conversation: CheckedConversation): void {
    this.judged.push(conversation);
  }
  skip(input: SkippedInput): void {
    this.left.push(input);
  }
  conversations(): CheckedConversation[] {
    return this.judged;
  }
  skipped(): SkippedInput[] {
    return this.left;
  }
  get skippedCount(): number {
    return this.left.length;
  }
}

/** A result in memory (an experiment's export, tests) read as the writers read a spill. */
export function findingsOf(result: CheckResult | CheckFindings): CheckFindings {
  if (!isResult(result)) return result;
  return {
    checked: result.checked,
    conversations: () => result.conversations,
    skipped: () => result.skipped,
    skippedCount: result.skipped.length,
  };
}

function isResult(x: CheckResult | CheckFindings): x is CheckResult {
  return Array.isArray(x.conversations);
}

/** Findings that thresholds count: not held by a baseline, not dismissed in a review. */
export function countedFindings(conversation: CheckedConversation): CheckFinding[] {
  return conversation.findings.filter((f) => !f.inBaseline && !f.suppressed);
}
