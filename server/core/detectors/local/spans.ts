// A stretch of raw text a finder matched, and how overlapping matches are resolved (the longer
// one wins): shared by the date and URL finders.

export interface Span {
  start: number;
  end: number;
}

export function dropOverlaps<T extends { start: number; end: number }>(items: T[]): T[] {
  items.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const out: T[] = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && it.start < last.end) {
      if (it.end - it.start > last.end - last.start) out[out.length - 1] = it;
      continue;
    }
    out.push(it);
  }
  return out;
}
