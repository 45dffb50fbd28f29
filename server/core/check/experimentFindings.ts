// An experiment's annotations as a check result, so "Export as SARIF" on an experiment writes the
// same SARIF `check` writes — regions where the editor's markers are, the same fingerprints.
import type { Annotation } from '../../../common/schema';
import type { Range } from '../annotationLookup';
import { conversationFingerprints } from './fingerprint';
import type { CheckedConversation, CheckResult, FileRegion } from './findings';
import { displayPath } from './scan';

export interface PlacedAnnotation {
  file: string;
  conversationId: string;
  annotation: Annotation;
  /** Where its marker is; null when it has none (said in the SARIF result by a missing region). */
  range: Range | null;
}

export function regionOf(range: Range | null): FileRegion | null {
  if (!range) return null;
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/**
 * Groups placed annotations by file and conversation (in the order given: item order, as `check`
 * numbers repeated findings). `checked`: the completed items, for the rate.
 */
export function checkResultOfPlacements(placed: readonly PlacedAnnotation[], checked: number, root: string): CheckResult {
  const groups = new Map<string, { file: string; id: string; placed: PlacedAnnotation[] }>();
  for (const p of placed) {
    const key = `${p.file}\u0000${p.conversationId}`;
    const group = groups.get(key) ?? { file: p.file, id: p.conversationId, placed: [] };
    group.placed.push(p);
    groups.set(key, group);
  }
  const conversations: CheckedConversation[] = [...groups.values()].map((g) => {
    const fingerprints = conversationFingerprints(
      g.id,
      g.placed.map((p) => p.annotation),
    );
    return {
      id: g.id,
      file: displayPath(g.file, root),
      findings: g.placed.map((p, i) => ({
        annotation: p.annotation,
        region: regionOf(p.range),
        fingerprint: fingerprints[i]!,
        inBaseline: false,
      })),
    };
  });
  return { checked, conversations, skipped: [] };
}
