// The OTLP resources of a file's spans (service name, SDK, host…), each kept once: a JSONL export
// repeats its resource on every line, and a large file must not keep a copy per line. Spans and
// records point at their resource by number; number 0 is none.
import { resourceAttributes, type ResourceContextTable } from './sniff';

export class ResourceContexts implements ResourceContextTable {
  /** Plain attributes by context number. */
  readonly list: Array<Record<string, unknown> | null> = [null];
  private readonly byText = new Map<string, number>();

  /** The number of a resource: resources with equal attributes share one. */
  add(resource: unknown): number {
    return this.addAttributes(resourceAttributes(resource));
  }

  addAttributes(attributes: Record<string, unknown> | null): number {
    let key: string | null = null;
    try {
      key = JSON.stringify(attributes);
    } catch {
      // not text (a cycle cannot come from JSON; a BigInt could): kept without sharing
    }
    const known = key === null ? undefined : this.byText.get(key);
    if (known !== undefined) return known;
    const n = this.list.length;
    this.list.push(attributes);
    if (key !== null) this.byText.set(key, n);
    return n;
  }
}
