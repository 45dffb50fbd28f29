// Inputs left out that must be listed later than they are met: a file of spans names its unread
// LLM calls before its conversations' failures, and none of them when the file gives no
// conversation at all — known only at its end. A few are kept in memory; past that they go to a
// spill file (the sink's folder), so that a file of a million unread calls stays in bounded memory.
import * as fs from 'node:fs';
import type { FindingSink, SkippedInput } from './findings';
import { JsonLinesSpill } from './jsonLinesSpill';

const KEPT_IN_MEMORY = 4096;

export class SkipBuffer {
  private kept: SkippedInput[] = [];
  private spill: { file: string; lines: JsonLinesSpill<SkippedInput> } | null = null;

  constructor(private readonly sink: FindingSink) {}

  add(input: SkippedInput): void {
    if (this.spill) return this.spill.lines.add(input);
    this.kept.push(input);
    const file = this.kept.length > KEPT_IN_MEMORY ? this.sink.scratchFile?.() : undefined;
    if (file === undefined) return;
    this.spill = { file, lines: new JsonLinesSpill(file) };
    for (const k of this.kept) this.spill.lines.add(k);
    this.kept = [];
  }

  /** Hands every input to the sink, in the order added, and forgets them. */
  flushInto(sink: FindingSink): void {
    for (const k of this.kept) sink.skip(k);
    if (this.spill) for (const k of this.spill.lines.values()) sink.skip(k);
    this.discard();
  }

  discard(): void {
    this.kept = [];
    if (!this.spill) return;
    this.spill.lines.close();
    fs.rmSync(this.spill.file, { force: true });
    this.spill = null;
  }
}
