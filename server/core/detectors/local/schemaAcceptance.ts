// What a schema accepts beyond a plain type/enum match: null for a left-out parameter, the declared
// default, enum members up to case, separators, initials and synonyms, and a string naming a
// value the user wrote (code-calling dialects).
import type { ContextIndex } from './context';
import { toPlain, type JsonNode } from '../../json/parse';
import { findGroupPhrases } from './equivalences';
import { fold } from './normalize';
import { NUMBER_WORDS } from './numbers';
import { enumOf, itemsOf, type SchemaNode } from './toolSchema';

/**
 * Schema semantics that come before type and enum checks: `null` for a parameter that is not
 * required means "left out"; the parameter's own declared default is always acceptable, even
 * where it lies outside its enum or type (real schemas declare sentinels such as "any" or
 * "dontcare"). 'settled': accepted, nothing more to check; 'check': type/enum checks apply.
 */
export function acceptedBySchema(node: JsonNode, schema: SchemaNode, required: boolean): 'settled' | 'check' {
  if (node.kind === 'null' && (!required || ('default' in schema && schema['default'] === null))) return 'settled';
  if ('default' in schema && node.kind !== 'object' && node.kind !== 'array') {
    const d = schema['default'];
    const v = toPlain(node);
    if (
      v === d ||
      (typeof v === 'string' && typeof d === 'string' && fold(v) === fold(d)) ||
      (typeof d === 'string' && typeof v !== 'string' && String(v) === d)
    )
      return 'settled';
  }
  return 'check';
}

/**
 * Whether an enum admits a value: a member itself, a member differing only in letter case, or a
 * JSON boolean where the enum lists it as a string ("True" / "False").
 */
export function enumAdmits(allowed: readonly unknown[], v: unknown): boolean {
  if (allowed.some((a) => sameLiteral(a, v))) return true;
  if (typeof v === 'string') {
    // letter case and separators ("open-hole" for "open hole") do not make another member
    const f = enumKey(v);
    if (f !== '' && allowed.some((a) => typeof a === 'string' && enumKey(a) === f)) return true;
    // a member of several words written as its initials ("GF" for "Gluten Free")
    if (/^[A-Z]{2,5}$/.test(v) && allowed.some((a) => typeof a === 'string' && initialsOf(a) === f)) return true;
    // another name of a member ("ft" for "feet", "USD" for "dollar")
    const groups = wholePhraseGroups(v);
    return groups.length > 0 && allowed.some((a) => typeof a === 'string' && wholePhraseGroups(a).some((g) => groups.includes(g)));
  }
  if (typeof v === 'boolean' || typeof v === 'number') return allowed.some((a) => typeof a === 'string' && a.toLowerCase() === String(v));
  return false;
}

/**
 * How an enum member is compared: letter case and separators aside ("open-hole" is "open hole"),
 * numbers as digits ("five_years" is "5 years"), a leading one dropped ("1 year" is "year"),
 * plurals as singulars.
 */
function enumKey(s: string): string {
  return fold(s)
    .split(' ')
    .map((t) => {
      const n = NUMBER_WORDS.get(t);
      return n !== undefined && Number.isInteger(n) ? String(n) : t.length > 3 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t;
    })
    .join(' ')
    .replace(/^1 /, '');
}

/** Equivalence groups (equivalences.ts) the whole of `s` names. */
function wholePhraseGroups(s: string): number[] {
  const tokens = fold(s).split(' ');
  return findGroupPhrases(tokens, () => true)
    .filter((g) => g.start === 0 && g.end === tokens.length)
    .flatMap((g) => g.groups);
}

function initialsOf(s: string): string {
  const words = fold(s).split(' ');
  return words.length >= 2 ? words.map((w) => w[0]).join('') : '';
}

/**
 * A string standing for a value the user named, where the schema wants the value itself: an
 * identifier or expression ("listElement", "ResultSet.CONCUR_READ_ONLY"), or — for an array or
 * object — a key or name the user wrote verbatim ("user:online:both").
 */
export function namesContextValue(v: string, types: ReadonlySet<string>, ctx: ContextIndex): boolean {
  const verbatim = (): boolean => ctx.rawIncludes(v.toLowerCase());
  if (EXPRESSION.test(v)) return verbatim();
  return (types.has('array') || types.has('object')) && v.length >= 3 && !/\s/.test(v) && verbatim();
}

/** An identifier, member access, call or index expression: "listElement", "ResultSet.CONCUR_READ_ONLY", "data['sales']". */
const EXPRESSION = /^[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*|\[[^\]]{1,40}\]|\(\))*$/;

/** The schema of an array's items, with an enum of scalars declared on the array itself moved onto them. */
export function itemsWithArrayEnum(schema: SchemaNode): SchemaNode | null {
  const items = itemsOf(schema);
  const e = enumOf(schema);
  if (!e || e.some((a) => Array.isArray(a)) || (items && enumOf(items))) return items;
  return { ...(items ?? {}), enum: e };
}

function sameLiteral(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
