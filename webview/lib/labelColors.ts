// Label colours: one palette slot per label name, the same in every chart, chip and highlight.

/** A stable palette slot for a label name (labels keep their colour across charts and reports). */
export function labelColorIndex(label: string, slots = 8): number {
  let hash = 0;
  for (let i = 0; i < label.length; i++) hash = (hash * 31 + label.charCodeAt(i)) >>> 0;
  return hash % slots;
}
