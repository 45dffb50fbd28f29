// A JSON path as people read it in messages: `resourceSpans[0].scopeSpans[2].spans`, `items[3].name`.
// The trace readers (a record that is not valid JSON, not of the expected family) and the
// structured-output check (a field the reply got wrong) both name places this way.
import type { JsonPath } from './locate';

/** `path` written as a property access; `root` names the empty path (what the whole value is called). */
export function pathText(path: JsonPath, root: string): string {
  if (path.length === 0) return root;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
