// Ways a value restates the context without copying it: an abbreviation of words the context
// has (initials "GSW", a shortened word "Dec"), a corrected typo, the result of one arithmetic
// step on two numbers the context gives, text of a script written without spaces found inside a
// longer run, and a value filled into a template the parameter's description gives.
import type { ContextIndex } from './context';
import { fold } from './normalize';
import { numberKey } from './numbers';

/** Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar: scripts where a word has no spaces around it. */
const UNSPACED = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

export function hasUnspacedScript(text: string): boolean {
  return UNSPACED.test(text);
}

/** A folded token (or phrase) of an unspaced script inside the context, without word boundaries. */
export function unspacedGrounded(folded: string, ctx: ContextIndex): boolean {
  return hasUnspacedScript(folded) && ctx.foldedIncludes(folded);
}

/**
 * A token the value writes in capitals (or capitalised) standing for context words: the initials
 * of consecutive words ("GSW" for "Golden State Warriors") or the first 3–4 letters of a longer
 * word ("Dec" for "December").
 */
export function abbreviationGrounded(token: string, capitalised: boolean, ctx: ContextIndex): boolean {
  if (!capitalised || /\d/.test(token)) return false;
  if (token.length >= 2 && token.length <= 5 && ctx.initials.has(token)) return true;
  return token.length >= 3 && token.length <= 4 && ctx.prefixes.has(token);
}

/** Tokens of `raw` written with a capital first letter, folded (the value's own spelling). */
export function capitalisedTokens(raw: string): Set<string> {
  const out = new Set<string>();
  for (const m of raw.matchAll(/\p{Lu}[\p{L}]*/gu)) out.add(fold(m[0]));
  return out;
}

/**
 * A long word one edit away from a context word (two for 9+ letters): a typo the model corrected
 * ("Mississipi" → "Mississippi") or one it copied. Found through the context's one-letter
 * deletions, so the check costs a few set lookups.
 */
export function typoGrounded(token: string, ctx: ContextIndex): boolean {
  if (token.length < 6 || /\d/.test(token)) return false;
  if (ctx.deletions.has(token)) return true; // the context word has one letter more
  for (let i = 0; i < token.length; i++) {
    const del = token.slice(0, i) + token.slice(i + 1);
    // one letter fewer in the context, or one letter changed
    if (ctx.tokens.has(del) || ctx.deletions.has(del)) return true;
  }
  return false;
}

/** One-letter deletions of a word (for typoGrounded), words of 6+ letters only. */
export function deletionsOf(token: string, add: (d: string) => void): void {
  if (token.length < 6 || /\d/.test(token)) return;
  for (let i = 0; i < token.length; i++) add(token.slice(0, i) + token.slice(i + 1));
}

/** At most this many context numbers are combined pairwise (beyond, a match says little). */
const ARITHMETIC_OPERANDS = 24;

/**
 * A number that one arithmetic step on two context numbers gives: a sum, difference, product or
 * quotient ("3 nights at $120" → 360; "from 1 to 1000" → 999).
 */
export function arithmeticGrounded(n: number, ctx: ContextIndex): boolean {
  const values: number[] = [];
  const seen = new Set<number>();
  for (const list of ctx.numberValueLists)
    for (const v of list) {
      const k = numberKey(v);
      // 0 and 1 make every number one step from another
      if (seen.has(k) || v === 0 || v === 1) continue;
      seen.add(k);
      values.push(v);
      if (values.length > ARITHMETIC_OPERANDS) return false;
    }
  const target = numberKey(Math.abs(n));
  for (let i = 0; i < values.length; i++)
    for (let j = 0; j < values.length; j++) {
      const a = values[i]!;
      const b = values[j]!;
      if (j > i && (numberKey(a + b) === target || numberKey(a * b) === target || numberKey(Math.abs(a - b)) === target)) return true;
      if (i !== j && numberKey(a / b) === target) return true;
      if (i === j && numberKey(a * a) === target) return true;
    }
  return false;
}

/**
 * Placeholders a description writes into an example ("https://api.x.com/users/{user_id}",
 * "<owner>/<repo>"): the value matches the template when each placeholder is filled.
 * Returns the filled-in parts, or null when no template of the description fits.
 */
export function templateFillings(value: string, description: string): string[] | null {
  if (!/[{<]/.test(description)) return null;
  for (const m of description.matchAll(/[^\s'"`(),]*[{<][A-Za-z_][\w .-]*[}>][^\s'"`(),]*/g)) {
    const template = m[0].replace(/[.,;:]+$/, '');
    const parts = template.split(/[{<][A-Za-z_][\w .-]*[}>]/);
    const re = new RegExp('^' + parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+?)') + '$', 'i');
    const hit = re.exec(value);
    if (hit) return hit.slice(1);
  }
  return null;
}
