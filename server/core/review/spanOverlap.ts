// When two annotations point at the same thing: the same message and part, and character ranges
// that share at least one character. An empty range (a point, e.g. where a missing argument
// belongs) overlaps a range that contains or touches it. Used by review figures and by dataset
// scoring (eval), so that "found" means one thing everywhere.
export interface Span {
  message_index: number;
  message_part_index: number;
  start_offset: number;
  end_offset: number;
}

export function spansOverlap(x: Span, y: Span): boolean {
  if (x.message_index !== y.message_index || x.message_part_index !== y.message_part_index) return false;
  if (x.start_offset === x.end_offset || y.start_offset === y.end_offset)
    return x.start_offset <= y.end_offset && y.start_offset <= x.end_offset;
  return x.start_offset < y.end_offset && y.start_offset < x.end_offset;
}
