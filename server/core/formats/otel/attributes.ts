// OTLP attribute values: an AnyValue unwrapped to plain JSON that keeps its locations, and `Attrs`,
// one span's attributes read by key whichever way they are written (OTLP `{key, value}` list, flat
// map, nested objects, indexed `prefix.N.…` families).
import { get, isObj, items, type Loc, lv, type LV, num, str, withChildLocations } from '../located';

/** Unwraps an OTLP AnyValue to plain JSON whose strings keep their locations. */
export function unwrapAnyValue(x: LV): LV {
  const v = x.v;
  if (!isObj(v)) return x;
  if ('stringValue' in v) return get(x, 'stringValue');
  if ('intValue' in v) return lv(Number(v.intValue), null);
  if ('doubleValue' in v) return lv(Number(v.doubleValue), null);
  if ('boolValue' in v) return lv(v.boolValue === true || v.boolValue === 'true', null);
  if ('bytesValue' in v) return get(x, 'bytesValue');
  if ('arrayValue' in v) {
    const values = items(get(get(x, 'arrayValue'), 'values')).map(unwrapAnyValue);
    const locs = new Map<string | number, Loc | null>(values.map((u, i) => [i, u.loc]));
    return lv(
      withChildLocations(
        values.map((u) => u.v),
        locs,
      ),
      null,
    );
  }
  if ('kvlistValue' in v) {
    const out: Record<string, unknown> = {};
    const locs = new Map<string | number, Loc | null>();
    for (const kv of items(get(get(x, 'kvlistValue'), 'values'))) {
      const key = str(get(kv, 'key'));
      if (key === undefined) continue;
      const u = unwrapAnyValue(get(kv, 'value'));
      out[key] = u.v;
      locs.set(key, u.loc);
    }
    return lv(withChildLocations(out, locs), null);
  }
  return x;
}

/** A span's attributes, whichever way they are written: OTLP list, flat map or nested objects. */
export class Attrs {
  private readonly list: Map<string, number> | null = null;
  private readonly attributes: LV;
  private readonly map: LV | null = null;
  /** The map nests objects ({llm: {…}}): dotted keys may have to be walked. */
  private readonly nested: boolean = false;

  constructor(attributes: LV) {
    this.attributes = attributes;
    const v = attributes.v;
    if (Array.isArray(v)) {
      this.list = new Map();
      for (let i = 0; i < v.length; i++) {
        const kv = v[i];
        if (isObj(kv) && typeof kv.key === 'string') this.list.set(kv.key, i);
      }
    } else if (isObj(v)) {
      this.map = attributes;
      for (const k in v) {
        const x = v[k];
        if (typeof x === 'object' && x !== null) {
          this.nested = true;
          break;
        }
      }
    }
  }

  keys(): string[] {
    if (this.list) return [...this.list.keys()];
    if (this.map) return Object.keys(this.map.v as object);
    return [];
  }

  has(key: string): boolean {
    const v = this.get(key).v;
    return v !== undefined && v !== null;
  }

  get(key: string): LV {
    if (this.list) {
      const i = this.list.get(key);
      return i === undefined ? lv(undefined, null) : unwrapAnyValue(get(get(this.attributes, i), 'value'));
    }
    if (!this.map) return lv(undefined, null);
    const direct = get(this.map, key);
    if (direct.v !== undefined || !this.nested) return direct;
    return walkDotted(this.map, key.split('.'));
  }

  str(key: string): string | undefined {
    const v = this.get(key).v;
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  num(key: string): number | undefined {
    return num(this.get(key));
  }

  private counts: Map<string, number> | null = null;

  /** Number of entries of an indexed attribute family `prefix.N.…` (or a nested array). */
  count(prefix: string): number {
    const whole = this.get(prefix).v;
    if (Array.isArray(whole)) return whole.length;
    if (!this.counts) {
      // One pass over the keys: for every `a.b.N.c`, the family `a.b` has at least N + 1 entries.
      this.counts = new Map();
      for (const k of this.keys()) {
        const segs = k.split('.');
        for (let i = 1; i < segs.length; i++) {
          const seg = segs[i]!;
          if (seg.length === 0 || seg.length > 6 || !/^\d+$/.test(seg)) continue;
          const family = segs.slice(0, i).join('.');
          const n = Number(seg) + 1;
          if ((this.counts.get(family) ?? 0) < n) this.counts.set(family, n);
        }
      }
    }
    return this.counts.get(prefix) ?? 0;
  }
}

/** Nested attribute objects ({llm: {input_messages: [...]}}): longest key match first. */
export function walkDotted(x: LV, segs: string[]): LV {
  if (segs.length === 0) return x;
  if (Array.isArray(x.v)) {
    const i = Number(segs[0]);
    return Number.isInteger(i) ? walkDotted(get(x, i), segs.slice(1)) : lv(undefined, null);
  }
  if (!isObj(x.v)) return lv(undefined, null);
  for (let n = segs.length; n >= 1; n--) {
    const key = segs.slice(0, n).join('.');
    if (Object.prototype.hasOwnProperty.call(x.v, key)) {
      const r = walkDotted(get(x, key), segs.slice(n));
      if (r.v !== undefined) return r;
    }
  }
  return lv(undefined, null);
}
