// Scoring a detector's findings against a dataset's gold spans (datasetFormat.ts).
// Span level (overlap as in review/spanOverlap.ts, same message and part):
//   a finding is a true positive when it overlaps a gold hallucination span, else a false positive
//   (the response was fully reviewed: text outside the gold spans is clean; a false positive on a
//   dismissed span is marked "known negative");
//   a gold hallucination span is found when some finding overlaps it, else it is a miss.
//   precision = true-positive findings ÷ findings, recall = found gold spans ÷ gold spans,
//   F1 = 2PR ÷ (P + R). Null when its denominator is 0.
// Response level: a response is positive when it has a gold hallucination span, predicted
//   positive when the detector has a finding on it; precision/recall/F1 over responses.
// Per label: precision over findings of that label, recall over gold spans of that label (a gold
//   span is found by an overlapping finding of any label: the label is scored separately as
//   label_agreement = found spans whose overlapping finding has the gold label ÷ found spans).
import type { Annotation } from '../../../common/schema';
import { spansOverlap } from '../review/spanOverlap';
import type { GoldSpan } from './datasetFormat';

export interface ScoredResponse {
  /** The dataset record id. */
  id: string;
  gold: readonly GoldSpan[];
  findings: readonly Annotation[];
}

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface SpanRef {
  record: string;
  message_index: number;
  message_part_index: number;
  start_offset: number;
  end_offset: number;
  text: string;
  label: string;
  /** False positives: the finding hit a span people dismissed. */
  known_negative?: boolean;
}

export interface DetectorScore {
  detector: string;
  span: Prf;
  response: Prf;
  label_agreement: number | null;
  by_label: Record<string, Prf>;
  false_positives: SpanRef[];
  misses: SpanRef[];
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** tp: gold spans (responses) found; fp: findings (predicted responses) with no gold hallucination; fn: gold spans missed. */
export function prf(tpFindings: number, findings: number, found: number, gold: number): Prf {
  const precision = ratio(tpFindings, findings);
  const recall = ratio(found, gold);
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp: found, fp: findings - tpFindings, fn: gold - found, precision, recall, f1 };
}

const ref = (record: string, s: GoldSpan | Annotation, extra: Partial<SpanRef> = {}): SpanRef => ({
  record,
  message_index: s.message_index,
  message_part_index: s.message_part_index,
  start_offset: s.start_offset,
  end_offset: s.end_offset,
  text: s.text,
  label: s.label,
  ...extra,
});

export function scoreDetector(detector: string, responses: readonly ScoredResponse[]): DetectorScore {
  let tpFindings = 0;
  let findingsN = 0;
  let found = 0;
  let goldN = 0;
  let labelMatch = 0;
  const labels = new Map<string, { tpFindings: number; findings: number; found: number; gold: number }>();
  const lab = (l: string) => {
    let c = labels.get(l);
    if (!c) labels.set(l, (c = { tpFindings: 0, findings: 0, found: 0, gold: 0 }));
    return c;
  };
  const resp = { tp: 0, predicted: 0, positive: 0 };
  const false_positives: SpanRef[] = [];
  const misses: SpanRef[] = [];
  for (const r of responses) {
    const positives = r.gold.filter((g) => g.gold === 'hallucination');
    const negatives = r.gold.filter((g) => g.gold === 'not_hallucination');
    for (const f of r.findings) {
      findingsN++;
      lab(f.label).findings++;
      if (positives.some((g) => spansOverlap(f, g))) {
        tpFindings++;
        lab(f.label).tpFindings++;
      } else false_positives.push(ref(r.id, f, negatives.some((g) => spansOverlap(f, g)) ? { known_negative: true } : {}));
    }
    for (const g of positives) {
      goldN++;
      lab(g.label).gold++;
      const overlapping = r.findings.filter((f) => spansOverlap(f, g));
      if (overlapping.length > 0) {
        found++;
        lab(g.label).found++;
        if (overlapping.some((f) => f.label === g.label)) labelMatch++;
      } else misses.push(ref(r.id, g));
    }
    const isPositive = positives.length > 0;
    const predicted = r.findings.length > 0;
    if (isPositive) resp.positive++;
    if (predicted) resp.predicted++;
    if (isPositive && predicted) resp.tp++;
  }
  const by_label: Record<string, Prf> = {};
  for (const [l, c] of [...labels].sort(([x], [y]) => x.localeCompare(y)))
    Object.defineProperty(by_label, l, {
      value: prf(c.tpFindings, c.findings, c.found, c.gold),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return {
    detector,
    span: prf(tpFindings, findingsN, found, goldN),
    response: prf(resp.tp, resp.predicted, resp.tp, resp.positive),
    label_agreement: ratio(labelMatch, found),
    by_label,
    false_positives,
    misses,
  };
}
