// Where a scan puts what it found, so that its memory does not grow with the files: each judged
// conversation (with its findings, or clean when JUnit lists every one) and each input left out is
// appended as one JSON line to a file in a private folder of the system's temporary directory,
// and read back line by line, as often as the writers ask. The folder is removed by `dispose`,
// and when the process exits; its name carries the process id, so that a later check removes it
// when the process was killed without warning (staleSpills.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CheckedConversation, CheckFindings, FindingSink, SkippedInput } from './findings';
import { JsonLinesSpill } from './jsonLinesSpill';
import { spillFolderPrefix, sweepStaleSpills } from './staleSpills';

export class FindingSpill implements FindingSink, CheckFindings {
  checked = 0;
  private readonly dir: string;
  private readonly judged: JsonLinesSpill<CheckedConversation>;
  private readonly left: JsonLinesSpill<SkippedInput>;
  private readonly removeOnExit = () => this.dispose();
  private scratchFiles = 0;

  constructor() {
    sweepStaleSpills(os.tmpdir());
    // mkdtemp makes a folder only this user can enter, with an unguessable name.
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), spillFolderPrefix(process.pid)));
    this.judged = new JsonLinesSpill(path.join(this.dir, 'conversations.jsonl'));
    this.left = new JsonLinesSpill(path.join(this.dir, 'skipped.jsonl'));
    process.once('exit', this.removeOnExit);
  }

  add(conversation: CheckedConversation): void {
    this.judged.add(conversation);
  }
  skip(input: SkippedInput): void {
    this.left.add(input);
  }
  scratchFile(): string {
    return path.join(this.dir, `scratch-${++this.scratchFiles}.jsonl`);
  }
  conversations(): Iterable<CheckedConversation> {
    return this.judged.values();
  }
  skipped(): Iterable<SkippedInput> {
    return this.left.values();
  }
  get skippedCount(): number {
    return this.left.count;
  }

  /** Closes and removes the spill files and their folder; safe to call more than once. */
  dispose(): void {
    process.removeListener('exit', this.removeOnExit);
    this.judged.close();
    this.left.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
