// What the answer-text finder reports: a finding (a specific the context does not contain, with
// exact offsets), and the claims of one text — which characters a specific already took (a date is
// not also a number) and one finding per distinct specific.
import type { BuiltInLabel } from '../../../../common/schema';
import { fold } from './normalize';

export interface Finding {
  start: number;
  end: number;
  label: Extract<BuiltInLabel, 'fabricated_number' | 'fabricated_date' | 'fabricated_url' | 'fabricated_entity'>;
  confidence: number;
  /** what kind of specific, for the explanation ("number", "date", …) */
  kind: string;
  /** set when only part of the span is missing from the context */
  missing?: string;
}

/** Character ranges already claimed by a specific, and the findings so far (one per distinct text). */
export class Claims {
  readonly findings: Finding[] = [];
  private readonly taken: Uint8Array;
  private readonly seen = new Set<string>();
  constructor(private readonly text: string) {
    this.taken = new Uint8Array(text.length);
  }
  isFree(s: number, e: number): boolean {
    for (let i = s; i < e; i++) if (this.taken[i]) return false;
    return true;
  }
  take(s: number, e: number): void {
    this.taken.fill(1, s, e);
  }
  report(f: Finding): void {
    // one finding per distinct specific: repeating a made-up name is still one made-up name
    const key = f.label + ':' + fold(this.text.slice(f.start, f.end));
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }
}
