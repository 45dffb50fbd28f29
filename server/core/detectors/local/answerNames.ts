// Capitalised names in answer text (places, people, businesses) that the context does not contain:
// runs of capitalised words, connectors inside them ("Bank of America"), introduced or not, with
// sentence-initial ordinary words, headings and list labels left alone.
import type { ContextIndex } from './context';
import { analyse } from './grounding';
import { fold, stem } from './normalize';
import type { Claims } from './specificClaims';
import { isCommonStem, isStopword } from './words';

const NAME_INTRODUCERS = new Set([
  'in',
  'at',
  'from',
  'to',
  'with',
  'by',
  'via',
  'near',
  'visit',
  'visiting',
  'called',
  'named',
  'mr',
  'mrs',
  'ms',
  'dr',
  'contact',
  'ask',
]);
const CONNECTORS = new Set(['of', 'the', 'de', 'del', 'da', 'di', 'du', 'van', 'von', 'der', 'la', 'le', 'and', '&', 'for', 'y']);

interface Word {
  start: number;
  end: number;
  text: string;
  capital: boolean;
}

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’&.-]*/gu;

export function findEntities(text: string, ctx: ContextIndex, claims: Claims): void {
  // Headings and title-case lines are capitalised for style, not because they name things.
  const lines = text.split('\n');
  // A whole answer that is one short phrase ("Marie Curie.", "Paris") is the answer itself, not a
  // heading: its capitals name something even at the start.
  const bare =
    text.length <= 80 &&
    lines.filter((l) => l.trim() !== '').length === 1 &&
    lineWords(text, 0).length <= 6 &&
    !/[.!?]\s+\S/.test(text.trim());
  let lineOffset = 0;
  for (const line of lines) {
    const words = lineWords(line, lineOffset);
    lineOffset += line.length + 1;
    if (/^\s*#/.test(line) || words.length === 0) continue;
    const capitals = words.filter((w) => w.capital).length;
    if (!bare && words.length >= 3 && capitals / words.length >= 0.7) continue;

    let i = 0;
    while (i < words.length) {
      if (!words[i]!.capital) {
        i++;
        continue;
      }
      // grow a run of capitalised words, allowing connectors between two capitalised words
      let j = i + 1;
      while (j < words.length) {
        const gap = text.slice(words[j - 1]!.end, words[j]!.start);
        if (!/^[ \t]+$/.test(gap)) break;
        if (words[j]!.capital) {
          j++;
          continue;
        }
        const w = words[j]!;
        const next = words[j + 1];
        if (CONNECTORS.has(w.text.toLowerCase()) && next?.capital && /^[ \t]+$/.test(text.slice(w.end, next.start))) {
          j += 2;
          continue;
        }
        break;
      }
      // the bare-answer reading only where the run is the whole answer
      checkRun(words.slice(i, j), text, ctx, claims, bare && i === 0 && j === words.length);
      i = j;
    }
  }
}

function lineWords(line: string, offset: number): Word[] {
  const out: Word[] = [];
  WORD_RE.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = WORD_RE.exec(line)) !== null;) {
    let w = m[0];
    // trailing punctuation and possessive "'s" are not part of the name
    let end = w.length;
    while (end > 0 && ".'’&-".includes(w[end - 1]!)) end--;
    if (end > 2 && w[end - 1] === 's' && (w[end - 2] === "'" || w[end - 2] === '’')) end -= 2;
    if (end === 0) continue;
    if (end < w.length) w = w.slice(0, end);
    const start = offset + m.index;
    out.push({ start, end: start + w.length, text: w, capital: isCapitalised(w) });
  }
  return out;
}

/** Starts with an upper-case letter and has no digit ("Denver", "O’Brien"; not "A320"). */
function isCapitalised(w: string): boolean {
  const c = w.charCodeAt(0);
  if (!(c >= 65 && c <= 90) && !(c >= 0x80 && /^\p{Lu}/u.test(w))) return false;
  for (let i = 1; i < w.length; i++) {
    const d = w.charCodeAt(i);
    if (d >= 48 && d <= 57) return false;
  }
  return true;
}

/** Whether the word at `start` opens a sentence, a line or a list item (scans back, O(1) typical). */
function opensSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && ' \t"“\'‘(*_'.includes(text[i]!)) i--;
  if (i < 0) return true;
  const c = text[i]!;
  // a sentence end, a colon, a new line, a quote block or a bullet (also "3." list markers)
  if ('.!?:;\n>•–—-'.includes(c)) return true;
  if (c === ')') {
    // "1) Item"
    let j = i - 1;
    while (j >= 0 && text[j]! >= '0' && text[j]! <= '9') j--;
    return j < i - 1 && (j < 0 || text[j] === '\n' || text[j] === ' ');
  }
  return false;
}

function checkRun(run: Word[], text: string, ctx: ContextIndex, claims: Claims, bare = false): void {
  // An ordinary word opening a sentence is capitalised for grammar: "Today", "The", "Hotels".
  while (run.length > 0) {
    const first = run[0]!;
    const folded = fold(first.text);
    const ordinary = isStopword(folded) || isCommonStem(stem(folded)) || looksLikeOrdinaryWord(folded);
    if ((ordinary && opensSentence(text, first.start)) || CONNECTORS.has(first.text.toLowerCase()) || isStopword(folded))
      run = run.slice(1);
    else break;
  }
  while (run.length > 0 && CONNECTORS.has(run[run.length - 1]!.text.toLowerCase())) run = run.slice(0, -1);
  if (run.length === 0) return;
  const s = run[0]!.start;
  const e = run[run.length - 1]!.end;
  if (!claims.isFree(s, e)) return;
  const span = text.slice(s, e);
  if (run.length === 1) {
    const w = run[0]!;
    // A lone capitalised word is often emphasis or a UI term ("check your Inbox"); only one that
    // follows a word introducing a place, organisation or person reads as a name.
    if (w.text.length < 3) return;
    // ... or the whole answer: a bare capitalised word that is not an ordinary one
    const folded = fold(w.text);
    const bareName = bare && !isStopword(folded) && !isCommonStem(stem(folded)) && !looksLikeOrdinaryWord(folded);
    if (!bareName) {
      if (opensSentence(text, w.start)) return;
      const prev = /([\p{L}]+)[ \t]+$/u.exec(text.slice(Math.max(0, w.start - 20), w.start));
      if (!prev || !NAME_INTRODUCERS.has(prev[1]!.toLowerCase())) return;
    }
  }
  const tokens = fold(span).split(' ');
  const a = analyse(tokens, ctx);
  // Title Case of ordinary words ("Priority Support", "Stable Release") names nothing specific.
  const specific = a.hard.filter((t) => !looksLikeOrdinaryWord(t));
  if (specific.length === 0) return;
  const multi = run.length > 1;
  claims.report({
    start: s,
    end: e,
    label: 'fabricated_entity',
    confidence: multi ? (a.grounded === 0 ? 0.65 : 0.55) : 0.45,
    kind: 'name',
    ...(a.grounded > 0 ? { missing: specific.join(' ') } : {}),
  });
}

/**
 * English derivational and inflectional endings: a capitalised word with one is most likely an
 * ordinary word in Title Case or at a sentence start ("Priority", "Finally", "Installing").
 */
function looksLikeOrdinaryWord(folded: string): boolean {
  return folded.length > 4 && ORDINARY_SUFFIX.test(folded);
}
const ORDINARY_SUFFIX =
  /(?:tion|sion|ment|ness|ity|able|ible|ive|ous|ful|less|ing|ed|ly|ance|ence|ship|ism|ize|ise|ure|ery|ory|ary|ency|ancy|ical)s?$/;
