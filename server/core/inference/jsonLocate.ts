// Where a value sits inside a JSON text: a small position-keeping JSON parser, so that schema
// violations and tool-argument annotations can point at the exact characters of a field.

export interface JsonNode {
  kind: 'object' | 'array' | 'string' | 'number' | 'literal';
  /** Offsets of the whole value (for strings: including the quotes). */
  start: number;
  end: number;
  /** Object members in order, with the offsets of the key (including quotes). */
  members?: { key: string; keyStart: number; keyEnd: number; value: JsonNode }[];
  items?: JsonNode[];
}

class ParseError extends Error {}

/** Parses `text` as one JSON document (surrounding whitespace allowed). Null when invalid. */
export function parseJsonWithPositions(text: string): JsonNode | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw new ParseError();
  };
  const str = (): { value: string; start: number; end: number } => {
    const start = i;
    if (text[i] !== '"') fail();
    i++;
    let value = '';
    for (;;) {
      if (i >= text.length) fail();
      const c = text[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const n = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (n !== undefined && n in simple) {
          value += simple[n];
          i += 2;
        } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail();
        continue;
      }
      if (c < ' ') fail();
      value += c;
      i++;
    }
    return { value, start, end: i };
  };
  const val = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: NonNullable<JsonNode['members']> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, end: i, members };
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        const v = val();
        members.push({ key: k.value, keyStart: k.start, keyEnd: k.end, value: v });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', start, end: i, members };
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(val());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', start, end: i, items };
        }
        fail();
      }
    }
    if (c === '"') {
      const s = str();
      return { kind: 'string', start: s.start, end: s.end };
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0].length > 0) {
      i += m[0].length;
      return { kind: 'number', start, end: i };
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { kind: 'literal', start, end: i };
      }
    }
    return fail();
  };
  try {
    const root = val();
    ws();
    return i === text.length ? root : null;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

export interface JsonPathSpan {
  start: number;
  end: number;
  /** False when the path is not all there: the span is then its deepest existing ancestor. */
  found: boolean;
}

/** The characters of a value: strings without their quotes (unless empty), others whole. */
export function valueSpan(node: JsonNode): { start: number; end: number } {
  if (node.kind === 'string' && node.end - node.start > 2) return { start: node.start + 1, end: node.end - 1 };
  return { start: node.start, end: node.end };
}

/**
 * The span of the value at `path` (keys and array indices) in the JSON `text`. Null when the
 * text is not valid JSON. The first member wins when a key repeats.
 */
export function locateJsonPath(text: string, path: readonly (string | number)[]): JsonPathSpan | null {
  const root = parseJsonWithPositions(text);
  if (!root) return null;
  let node = root;
  for (const step of path) {
    let next: JsonNode | undefined;
    if (typeof step === 'number' && node.items) next = node.items[step];
    else if (node.members) next = node.members.find((m) => m.key === String(step))?.value;
    if (!next) return { ...valueSpan(node), found: false };
    node = next;
  }
  return { ...valueSpan(node), found: true };
}
