// Text normalisation shared by the context index, argument grounding and the answer checks:
// folding (case, accents, punctuation) and stemming. Applied identically to values and to
// context, so that "is this value in the context" becomes a substring or set lookup. Numbers,
// dates and times, and URLs are read in numbers.ts, datesAndTimes.ts and urlsAndEmails.ts.

/**
 * Lower-cases, strips accents, splits letters from digits ("6cm" → "6 cm"), keeps a decimal
 * point between digits and scientific notation ("1e-9"), and turns every other character into
 * a single space. The result has no leading/trailing space.
 */
export function fold(input: string): string {
  let s = input;
  // Accent stripping is the only costly step; ASCII input (the common case) skips it.
  if (/[\u0080-\uffff]/.test(s)) s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.toLowerCase();
  // Appends whole runs of kept characters (not one character at a time): far fewer string pieces.
  let out = '';
  let runStart = -1;
  // 0 = space/start, 1 = letter, 2 = digit
  let prev = 0;
  let numHasExp = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isLetter = (c >= 97 && c <= 122) || (c >= 0x80 && isUnicodeWordChar(s[i]!));
    if (isDigit) {
      if (prev === 1) {
        if (runStart >= 0) out += s.slice(runStart, i);
        runStart = -1;
        out += ' ';
      }
      if (runStart < 0) runStart = i;
      prev = 2;
    } else if (isLetter) {
      if (prev === 2) {
        // Keep "1e-9" / "2e5" together as one number token.
        if (c === 101 /* e */ && !numHasExp) {
          const next = s.charCodeAt(i + 1);
          if (isDigitCode(next)) {
            numHasExp = true;
            continue;
          }
          if ((next === 43 || next === 45) && isDigitCode(s.charCodeAt(i + 2))) {
            numHasExp = true;
            i++;
            continue;
          }
        }
        if (runStart >= 0) out += s.slice(runStart, i);
        runStart = -1;
        out += ' ';
      }
      if (runStart < 0) runStart = i;
      prev = 1;
      numHasExp = false;
    } else if (c === 46 /* . */ && prev === 2 && isDigitCode(s.charCodeAt(i + 1)) && !numHasExp) {
      // decimal point: part of the run
    } else if (c === 37 /* % */) {
      // "5%" and "5 percent" must fold alike
      if (runStart >= 0) out += s.slice(runStart, i);
      runStart = -1;
      out += prev === 0 ? 'percent ' : ' percent ';
      prev = 0;
      numHasExp = false;
    } else {
      if (runStart >= 0) out += s.slice(runStart, i);
      runStart = -1;
      if (prev !== 0) out += ' ';
      prev = 0;
      numHasExp = false;
    }
  }
  if (runStart >= 0) out += s.slice(runStart, n);
  return out.endsWith(' ') ? out.slice(0, -1) : out;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

const unicodeWord = /[\p{L}\p{N}]/u;
function isUnicodeWordChar(ch: string): boolean {
  return unicodeWord.test(ch);
}

/**
 * A crude suffix stripper, enough to match "books"/"book", "opens"/"opening"/"opened",
 * "cities"/"city". Applied to both sides, so over-stemming only merges near-identical words.
 */
const IRREGULAR: ReadonlyMap<string, string> = new Map([
  ['women', 'woman'],
  ['men', 'man'],
  ['children', 'child'],
  ['people', 'person'],
  ['feet', 'foot'],
  ['teeth', 'tooth'],
  ['mice', 'mouse'],
  ['geese', 'goose'],
  ['data', 'datum'],
  ['criteria', 'criterion'],
]);

export function stem(token: string): string {
  let t = token;
  const irregular = IRREGULAR.get(t);
  if (irregular !== undefined) return irregular;
  if (t.length <= 3 || /\d/.test(t)) return t;
  if (t.endsWith('ies') && t.length > 4) return t.slice(0, -3) + 'y';
  if (t.endsWith('ing') && t.length > 5) t = t.slice(0, -3);
  else if (t.endsWith('ed') && t.length > 4) t = t.slice(0, -2);
  else if (t.endsWith('es') && t.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(t)) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
  if (t.endsWith('e') && t.length > 3) t = t.slice(0, -1);
  return t;
}
