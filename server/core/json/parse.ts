// The one position-keeping JSON parser: strict (RFC 8259, exactly what JSON.parse accepts), it
// records where each value sits in the source text. Annotation offsets point into raw text (tool
// arguments, structured output), so a string value's span is the characters between its quotes
// exactly as written (escapes included). Recursive, so its depth is bounded: a text nested deeper
// than `MAX_JSON_DEPTH` is refused with a clear error instead of overflowing the call stack.
import { escapeAt } from './escapes';

interface Span {
  /** offset of the first character of the token (the opening quote for strings) */
  start: number;
  /** offset just past the token */
  end: number;
}

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | (Span & { kind: 'object'; entries: JsonEntry[] })
  | (Span & { kind: 'array'; items: JsonNode[] })
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'number'; value: number })
  | (Span & { kind: 'boolean'; value: boolean })
  | (Span & { kind: 'null' });

/**
 * `syntax`: not JSON. `too_deep`: JSON (perhaps) but nested deeper than `MAX_JSON_DEPTH`, which
 * this parser does not follow — a caller may tell the two apart (JSON.parse would accept it).
 */
export type JsonParseResult = { ok: true; node: JsonNode } | { ok: false; reason: 'syntax' | 'too_deep'; error: string; offset: number };

/** Containers inside containers this deep are refused (two stack frames per level). */
export const MAX_JSON_DEPTH = 200;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Thrown by the parser at the first container past `MAX_JSON_DEPTH` (returned as `too_deep`). */
export class JsonTooDeepError extends Error {
  constructor(readonly offset: number) {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH} levels at offset ${offset}`);
  }
}

export function parseJsonWithPositions(text: string): JsonParseResult {
  const p = new Parser(text);
  try {
    p.ws();
    const node = p.value(0);
    p.ws();
    if (p.i < text.length) p.fail('unexpected text after the JSON value');
    return { ok: true, node };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, reason: 'syntax', error: e.message, offset: e.offset };
    if (e instanceof JsonTooDeepError) return { ok: false, reason: 'too_deep', error: e.message, offset: e.offset };
    throw e;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(this.i >= this.s.length ? `${message} (at end of input)` : `${message} at offset ${this.i}`, this.i);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(this.i);
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"': {
        const start = this.i;
        const value = this.string();
        return { kind: 'string', start, end: this.i, value };
      }
      case 't':
        return this.literal('true', { kind: 'boolean', value: true });
      case 'f':
        return this.literal('false', { kind: 'boolean', value: false });
      case 'n':
        return this.literal('null', { kind: 'null' });
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(c === undefined ? 'expected a value' : `unexpected character ${JSON.stringify(c)}`);
    }
  }

  literal<T extends object>(word: string, node: T): Span & T {
    const start = this.i;
    if (!this.s.startsWith(word, this.i)) this.fail(`unexpected character ${JSON.stringify(this.s[this.i])}`);
    this.i += word.length;
    return { ...node, start, end: this.i };
  }

  number(): JsonNode {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') this.i++;
    if (s[this.i] === '0') this.i++;
    else if (s[this.i]! >= '1' && s[this.i]! <= '9') while (s[this.i]! >= '0' && s[this.i]! <= '9') this.i++;
    else this.fail('invalid number');
    if (s[this.i] === '.') {
      this.i++;
      if (!(s[this.i]! >= '0' && s[this.i]! <= '9')) this.fail('invalid number');
      while (s[this.i]! >= '0' && s[this.i]! <= '9') this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (!(s[this.i]! >= '0' && s[this.i]! <= '9')) this.fail('invalid number');
      while (s[this.i]! >= '0' && s[this.i]! <= '9') this.i++;
    }
    return { kind: 'number', start, end: this.i, value: Number(s.slice(start, this.i)) };
  }

  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let chunkStart = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 34 /* " */) {
        out += s.slice(chunkStart, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 92 /* \ */) {
        out += s.slice(chunkStart, this.i);
        const escape = escapeAt(s, this.i);
        if (!escape) {
          this.i++;
          this.fail(s[this.i] === 'u' ? 'invalid \\u escape' : 'invalid escape');
        }
        out += escape.value;
        this.i += escape.length;
        chunkStart = this.i;
        continue;
      }
      this.i++;
    }
  }

  object(depth: number): JsonNode {
    const start = this.i;
    this.i++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { kind: 'object', start, end: this.i, entries };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a property name in double quotes');
      const keyStart = this.i;
      const key = this.string();
      const keyEnd = this.i;
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      const value = this.value(depth + 1);
      entries.push({ key, keyStart, keyEnd, value });
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return { kind: 'object', start, end: this.i, entries };
      }
      this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): JsonNode {
    const start = this.i;
    this.i++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { kind: 'array', start, end: this.i, items };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return { kind: 'array', start, end: this.i, items };
      }
      this.fail("expected ',' or ']'");
    }
  }
}

/** The plain JS value of a node (what JSON.parse would give, last duplicate key winning). */
export function toPlain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      // defineProperty, as JSON.parse does: a "__proto__" key is an own property, not the prototype.
      for (const e of node.entries)
        Object.defineProperty(o, e.key, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/**
 * The characters a node covers in the source: for a string, the inside of the quotes (the
 * escaped text as written); for anything else, the whole token.
 */
export function valueSpan(node: JsonNode): { start: number; end: number } {
  return node.kind === 'string' ? { start: node.start + 1, end: node.end - 1 } : { start: node.start, end: node.end };
}
