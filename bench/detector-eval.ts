// Evaluates the local detector on tool calls built from BFCL "simple" (../shared/data/bfcl-simple, see docs/data.md):
//   (a) the reference calls as they are,
//   (b) calls that are grounded but not literal (a schema default, an enum member, a value quoted in
//       a description, a place with its country/state appended, a number written differently, a
//       different letter case),
//   (c) hallucinated calls of each kind (unknown tool, unknown parameter, invalid value, missing
//       required parameter, ungrounded value).
// Run: node --import tsx bench/detector-eval.ts [--verbose]
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Annotation, Conversation, Message, ToolDefinition } from '../common/schema';
import { detectLocal } from '../server/core/detectors/local/index';

const repoRoot = path.resolve(__dirname, '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'bfcl-simple');
const verbose = process.argv.includes('--verbose');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface BfclFunction {
  name: string;
  description?: string;
  parameters: JsonObject;
}
interface BfclQuestion {
  id: string;
  question: { role: string; content: string }[][];
  function: BfclFunction[];
}
interface BfclAnswer {
  id: string;
  ground_truth: Record<string, Record<string, Json[]>>[];
}

type Group = 'a' | 'b' | 'c';
interface Expected {
  tool: string;
  param: string | null;
  label: string;
}
interface Item {
  id: string;
  group: Group;
  kind: string;
  conversation: Conversation;
  expected?: Expected;
  /** for (b): the parameter the variant changed */
  changed?: string;
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function loadData(): { questions: BfclQuestion[]; answers: Map<string, BfclAnswer> } {
  const q = path.join(dataDir, 'questions.jsonl');
  const a = path.join(dataDir, 'answers.jsonl');
  if (!fs.existsSync(q) || !fs.existsSync(a)) {
    console.error(`BFCL data not found: expected ${q} and ${a}.\nThe evaluation needs ../shared/data/bfcl-simple beside the repository (${repoRoot}).`);
    process.exit(2);
  }
  return { questions: readJsonl<BfclQuestion>(q), answers: new Map(readJsonl<BfclAnswer>(a).map((x) => [x.id, x])) };
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Ground-truth values: objects map each key to a list of allowed values; take the first ("" =
 * leave the parameter out).
 */
function firstAllowed(v: Json): Json {
  if (Array.isArray(v)) return v.map(firstAllowed);
  if (isObject(v)) {
    const o: JsonObject = {};
    for (const [k, allowed] of Object.entries(v)) {
      const first = Array.isArray(allowed) ? allowed[0] : allowed;
      if (first === undefined || first === '') continue;
      o[k] = firstAllowed(first);
    }
    return o;
  }
  return v;
}

function conversationOf(q: BfclQuestion, fnName: string, args: JsonObject | string, userText?: string): Conversation {
  const messages: Message[] = q.question[0]!.map((m) => ({ role: m.role, content: m.content }));
  if (userText !== undefined) {
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    if (lastUser) lastUser.content = userText;
  }
  messages.push({
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_0', type: 'function', function: { name: fnName, arguments: typeof args === 'string' ? args : JSON.stringify(args) } }],
  });
  const tools: ToolDefinition[] = q.function.map((f) => ({
    type: 'function',
    function: { name: f.name, ...(f.description !== undefined ? { description: f.description } : {}), parameters: f.parameters },
  }));
  return { id: q.id, file: 'bfcl-simple', line: 0, position: 0, sourcePath: [], messages, tools };
}

function props(fn: BfclFunction): Record<string, JsonObject> {
  const p = fn.parameters['properties'];
  const out: Record<string, JsonObject> = {};
  if (isObject(p)) for (const [k, v] of Object.entries(p)) if (isObject(v)) out[k] = v;
  return out;
}
function required(fn: BfclFunction): string[] {
  const r = fn.parameters['required'];
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}
function typeName(schema: JsonObject): string {
  return typeof schema['type'] === 'string' ? schema['type'] : 'any';
}
function userTextOf(q: BfclQuestion): string {
  return q.question[0]!.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}
/** Words of a text, for choosing donor values that share nothing with a question (eval side only). */
function words(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2));
}
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const QUALIFIERS = ['Israel', 'USA', 'California', 'United Kingdom', 'Japan', 'France', 'NY', 'Texas', 'Germany', 'Australia'];
const PLACE_PARAM = /(?:^|_)(location|city|place|destination|origin|start|end|from|to|region|area|town|venue|address|country|state|county|loc)(?:_|$)/i;
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

function buildItems(): Item[] {
  const { questions, answers } = loadData();
  const items: Item[] = [];
  const allFunctions = questions.flatMap((q) => q.function);
  // donor string values for swaps, from all reference calls
  const donors: { qid: string; param: string; value: string }[] = [];
  const bases: { q: BfclQuestion; fn: BfclFunction; args: JsonObject }[] = [];
  for (const q of questions) {
    const gt = answers.get(q.id)?.ground_truth[0];
    if (!gt) continue;
    const fnName = Object.keys(gt)[0]!;
    const fn = q.function.find((f) => f.name === fnName);
    if (!fn) continue;
    const args = firstAllowed(gt[fnName] as Json) as JsonObject;
    // A few answers allow leaving out a parameter the schema marks required; a call that does so
    // violates the schema, so the reference call takes the first non-empty allowed value there.
    for (const r of required(fn)) {
      const allowed = (gt[fnName] as Record<string, Json[]>)[r];
      const firstValue = allowed?.find((x) => x !== '');
      if (!(r in args) && firstValue !== undefined) args[r] = firstAllowed(firstValue);
    }
    bases.push({ q, fn, args });
    for (const [param, v] of Object.entries(args)) if (typeof v === 'string' && /[a-z]{4}/i.test(v)) donors.push({ qid: q.id, param, value: v });
  }

  for (const { q, fn, args } of bases) {
    const base = conversationOf(q, fn.name, args);
    items.push({ id: q.id, group: 'a', kind: 'a:reference', conversation: base });
    const ps = props(fn);
    const user = userTextOf(q);
    const allText = user + ' ' + JSON.stringify(q.function);
    const h = hash(q.id);

    // ---- (b) grounded but not literal ----
    const variant = (kind: string, param: string, newArgs: JsonObject | string, userText?: string): void => {
      items.push({ id: q.id, group: 'b', kind, conversation: conversationOf(q, fn.name, newArgs, userText), changed: param });
    };
    for (const [name, schema] of Object.entries(ps)) {
      const d = schema['default'];
      const t = typeName(schema);
      const typeOk = (typeof d === 'string' && t === 'string') || (typeof d === 'number' && ['integer', 'float', 'number'].includes(t)) || (typeof d === 'boolean' && t === 'boolean');
      if (d !== undefined && d !== null && typeOk && JSON.stringify(args[name]) !== JSON.stringify(d) && typeof d !== 'boolean') {
        variant('b:default', name, { ...args, [name]: d });
        break;
      }
    }
    for (const [name, schema] of Object.entries(ps)) {
      const e = schema['enum'];
      if (!Array.isArray(e) || e.length < 2) continue;
      const other = e.find((x) => JSON.stringify(x) !== JSON.stringify(args[name]));
      if (other !== undefined) {
        variant('b:enum', name, { ...args, [name]: other });
        break;
      }
    }
    for (const [name, schema] of Object.entries(ps)) {
      if (typeName(schema) !== 'string' || schema['enum'] !== undefined) continue;
      const desc = typeof schema['description'] === 'string' ? schema['description'] : '';
      const m = /['"]([^'"]{2,40})['"]/.exec(desc) ?? /\b(?:e\.g\.,?|such as|for example,?|defaults? (?:to|is))\s+([A-Za-z][\w/-]*(?: [A-Z][\w-]*)*)/.exec(desc);
      if (m && args[name] !== m[1]) {
        variant('b:description', name, { ...args, [name]: m[1]! });
        break;
      }
    }
    for (const [name, value] of Object.entries(args)) {
      if (typeof value !== 'string' || !PLACE_PARAM.test(name) || !/^[A-Z]/.test(value) || ps[name]?.['enum'] !== undefined) continue;
      if (!user.includes(value)) continue;
      const qual = QUALIFIERS.filter((x) => !value.includes(x) && !user.includes(x))[h % 8]!;
      variant('b:fuller-form', name, { ...args, [name]: `${value}, ${qual}` });
      break;
    }
    for (const [name, value] of Object.entries(args)) {
      if (typeof value !== 'number' || !new RegExp(`(?<![\\d.])${String(value).replace('.', '\\.')}(?![\\d.])`).test(user)) continue;
      const json = JSON.stringify(args);
      if (Number.isInteger(value) && Math.abs(value) >= 1000) {
        // the user writes 1,000; the call says 1000
        const grouped = value.toLocaleString('en-US');
        variant('b:number-format', name, args, user.replace(new RegExp(`(?<![\\d.,])${value}(?![\\d.,])`), grouped));
      } else if (Number.isInteger(value) && value >= 2 && value <= 12 && new RegExp(`(?<![\\d.,$])\\b${value}\\b(?![.,]\\d)`).test(user)) {
        // the user writes "five"; the call says 5
        variant('b:number-format', name, args, user.replace(new RegExp(`(?<![\\d.,$])\\b${value}\\b(?![.,]\\d)`), NUMBER_WORDS[value]!));
      } else {
        // the call writes 5.0 (or 0.50) where the user wrote 5 (or 0.5)
        const token = JSON.stringify(value);
        const re = new RegExp(`("${name}":\\s*)${token.replace('.', '\\.')}`);
        const written = Number.isInteger(value) ? token + '.0' : token.includes('e') ? token.replace(/^(-?\d+)e/, '$1.0e') : token + '0';
        variant('b:number-format', name, json.replace(re, `$1${written}`));
      }
      break;
    }
    for (const [name, value] of Object.entries(args)) {
      if (typeof value !== 'string' || ps[name]?.['enum'] !== undefined || !/[a-z]/i.test(value) || !user.includes(value)) continue;
      const changed = value === value.toLowerCase() ? value.toUpperCase() : value.toLowerCase();
      variant('b:case', name, { ...args, [name]: changed });
      break;
    }

    // ---- (c) hallucinated ----
    const hallucinated = (kind: string, expected: Expected, newArgs: JsonObject | string, fnName = fn.name): void => {
      items.push({ id: q.id, group: 'c', kind, conversation: conversationOf(q, fnName, newArgs), expected });
    };
    {
      const own = new Set(q.function.map((f) => f.name.replace(/[.\-/ ]/g, '_')));
      // half: the name of a tool from another question; half: this tool's name, slightly wrong
      let other: string;
      if (h % 2 === 0) {
        let k = h % allFunctions.length;
        while (own.has(allFunctions[k]!.name.replace(/[.\-/ ]/g, '_'))) k = (k + 1) % allFunctions.length;
        other = allFunctions[k]!.name;
      } else other = fn.name.endsWith('s') ? fn.name.slice(0, -1) : `${fn.name}s`;
      if (!own.has(other.replace(/[.\-/ ]/g, '_')))
        hallucinated('c:unknown_tool', { tool: other, param: null, label: 'unknown_tool' }, args, other);
    }
    {
      let k = h % allFunctions.length;
      let extra: string | undefined;
      for (let tries = 0; tries < allFunctions.length && extra === undefined; tries++, k = (k + 1) % allFunctions.length)
        extra = Object.keys(props(allFunctions[k]!)).find((p) => !(p in ps));
      if (extra !== undefined) hallucinated('c:unknown_parameter', { tool: fn.name, param: extra, label: 'unknown_parameter' }, { ...args, [extra]: true });
    }
    {
      const name = Object.keys(args).find((n) => ps[n] !== undefined);
      if (name !== undefined) {
        const schema = ps[name]!;
        const t = typeName(schema);
        let bad: Json;
        if (Array.isArray(schema['enum'])) bad = 'unsupported_option';
        else if (t === 'integer' || t === 'float' || t === 'number') bad = 'several';
        else if (t === 'boolean') bad = 'maybe';
        else if (t === 'string') bad = 12345;
        else if (t === 'array' || t === 'tuple') bad = 'all of them';
        else bad = 42;
        hallucinated('c:invalid_value', { tool: fn.name, param: name, label: 'invalid_parameter_value' }, { ...args, [name]: bad });
      }
    }
    {
      const name = required(fn).find((r) => r in args);
      if (name !== undefined) {
        const rest = { ...args };
        delete rest[name];
        hallucinated('c:missing_required', { tool: fn.name, param: name, label: 'missing_required_parameter' }, rest);
      }
    }
    {
      const mentioned = words(allText);
      const others = donors.filter((d) => d.qid !== q.id);
      for (const want of ['number', 'string'] as const) {
        const change = pickLeafToChange(args, ps, allText, mentioned, others, h, want);
        if (change) hallucinated(`c:ungrounded_${want}`, { tool: fn.name, param: change.path, label: 'ungrounded_parameter_value' }, change.args);
      }
    }
  }
  return items;
}

/**
 * Change one value so that nothing before the call supports it: a number that appears nowhere in
 * the question or schema, or a string from another question that shares no word with this one.
 */
function pickLeafToChange(
  args: JsonObject,
  ps: Record<string, JsonObject>,
  allText: string,
  mentioned: Set<string>,
  donors: { param: string; value: string }[],
  h: number,
  want: 'number' | 'string',
): { path: string; args: JsonObject } | null {
  const wantNumber = want === 'number';
  let param = '';
  const freshNumber = (v: number): number => {
    let n = Number.isInteger(v) ? v * 3 + 17 : Math.round((v * 3 + 1.7) * 1000) / 1000;
    while (allText.includes(String(n))) n += Number.isInteger(n) ? 13 : 0.113;
    return n;
  };
  // prefer a value another question gave the same parameter ("Tokyo" for a location), as a
  // model that confuses requests would
  const freshString = (): string | null => {
    // nor the initials of something the question abbreviates ("Los Angeles" where it says "LA")
    const initials = (d: string): string => d.split(/\s+/).map((w) => w[0] ?? '').join('').toUpperCase();
    const usable = (d: string): boolean =>
      words(d).size > 0 && [...words(d)].every((w) => !mentioned.has(w)) && !new RegExp(`\\b${initials(d)}\\b`).test(allText.replace(/"[^"]*":/g, ''));
    const same = donors.filter((d) => d.param === param);
    for (const pool of [same, donors])
      for (let i = 0; i < pool.length; i++) {
        const d = pool[(h + i * 7919) % pool.length]!.value;
        if (usable(d)) return d;
      }
    return null;
  };
  for (const [name, value] of Object.entries(args)) {
    const schema = ps[name];
    if (schema?.['enum'] !== undefined) continue;
    param = name;
    if (wantNumber && typeof value === 'number' && value !== 0 && value !== 1) return { path: name, args: { ...args, [name]: freshNumber(value) } };
    if (!wantNumber && typeof value === 'string' && value.length > 0) {
      const s = freshString();
      if (s !== null) return { path: name, args: { ...args, [name]: s } };
    }
    if (Array.isArray(value) && value.length > 0) {
      const first = value[0]!;
      if (wantNumber && typeof first === 'number' && first !== 0 && first !== 1) return { path: name, args: { ...args, [name]: [freshNumber(first), ...value.slice(1)] } };
      if (!wantNumber && typeof first === 'string') {
        const s = freshString();
        if (s !== null) return { path: name, args: { ...args, [name]: [s, ...value.slice(1)] } };
      }
    }
    if (isObject(value)) {
      for (const [k, inner] of Object.entries(value)) {
        if (wantNumber && typeof inner === 'number' && inner !== 0 && inner !== 1) return { path: `${name}.${k}`, args: { ...args, [name]: { ...value, [k]: freshNumber(inner) } } };
        if (!wantNumber && typeof inner === 'string') {
          const s = freshString();
          if (s !== null) return { path: `${name}.${k}`, args: { ...args, [name]: { ...value, [k]: s } } };
        }
      }
    }
  }
  return null;
}

// ---- scoring ----------------------------------------------------------------------------------

function detect(item: Item): Annotation[] {
  const c = item.conversation;
  const messageIndex = c.messages.length - 1;
  return detectLocal({ conversation: c, messageIndex, message: c.messages[messageIndex]! });
}

function pct(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}

function main(): void {
  const items = buildItems();
  const results = items.map((item) => ({ item, anns: detect(item) }));

  // every annotation's text must be exactly the slice its offsets name
  let offsetErrors = 0;
  for (const { item, anns } of results) {
    const msg = item.conversation.messages[item.conversation.messages.length - 1]!;
    const args = msg.tool_calls?.[0]?.function.arguments ?? '';
    for (const a of anns) if (args.slice(a.start_offset, a.end_offset) !== a.text || a.end_offset > args.length) offsetErrors++;
  }

  const byKind = new Map<string, { n: number; flagged: number; named: number }>();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let named = 0;
  let labelled = 0;
  let strictTp = 0;
  let bAttributable = 0;
  const examples: string[] = [];
  if (process.argv.includes('--samples'))
    for (const kind of ['b:default', 'b:enum', 'b:description', 'b:fuller-form', 'b:number-format', 'b:case', 'c:unknown_tool', 'c:ungrounded_string', 'c:ungrounded_number'])
      for (const it of items.filter((i) => i.kind === kind).slice(0, 4)) {
        const m = it.conversation.messages;
        console.log(`${kind} ${it.id}: ${JSON.stringify(m.find((x) => x.role === 'user')?.content)} → ${m.at(-1)!.tool_calls![0]!.function.name}(${m.at(-1)!.tool_calls![0]!.function.arguments})`);
      }
  for (const { item, anns } of results) {
    const flagged = anns.length > 0;
    const k = byKind.get(item.kind) ?? { n: 0, flagged: 0, named: 0 };
    byKind.set(item.kind, k);
    k.n++;
    if (flagged) k.flagged++;
    if (item.group === 'c') {
      const exp = item.expected!;
      const isNamed = anns.some((a) => a.tool_name === exp.tool && a.parameter_name === exp.param);
      if (flagged) {
        tp++;
        if (isNamed) named++;
        if (anns.some((a) => a.tool_name === exp.tool && a.parameter_name === exp.param && a.label === exp.label)) labelled++;
        else if (verbose) examples.push(`LABEL ${item.kind} ${item.id} expected ${exp.label}: ${anns.map((a) => `${a.label}:${a.parameter_name}=${JSON.stringify(a.text)}`).join(', ')}`);
      } else fn++;
      if (isNamed) {
        strictTp++;
        k.named++;
      }
      if (!isNamed && verbose) examples.push(`MISS ${item.kind} ${item.id} expected ${exp.label} ${exp.tool}/${exp.param}: ${item.conversation.messages.at(-1)!.tool_calls![0]!.function.arguments} → ${anns.map((a) => `${a.label}:${a.parameter_name}`).join(', ')}`);
    } else if (flagged) {
      fp++;
      if (item.group === 'b' && anns.some((a) => a.parameter_name === item.changed || a.parameter_name?.startsWith(`${item.changed}.`))) bAttributable++;
      if (verbose) for (const a of anns) examples.push(`FP ${item.kind} ${item.id} ${a.label} ${a.parameter_name}=${JSON.stringify(a.text)} (${a.confidence}) — ${a.explanation}`);
    }
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  const f1 = (2 * precision * recall) / (precision + recall);
  const count = (g: Group): number => items.filter((i) => i.group === g).length;
  const flaggedIn = (g: Group): number => results.filter((r) => r.item.group === g && r.anns.length > 0).length;

  console.log(`BFCL simple → ${items.length} tool calls (data: ${path.relative(repoRoot, dataDir)})`);
  console.log('\nitems per kind (flagged / total):');
  for (const [kind, k] of [...byKind.entries()].sort()) {
    const extra = kind.startsWith('c:') ? `   recall ${pct(k.flagged / k.n)}  named ${pct(k.named / k.n)}` : `   flagged rate ${pct(k.flagged / k.n)}`;
    console.log(`  ${kind.padEnd(22)} ${String(k.flagged).padStart(4)} / ${String(k.n).padEnd(4)}${extra}`);
  }
  console.log('\nitem level (hallucinated call = positive; detected if ≥ 1 annotation on it):');
  console.log(`  precision ${pct(precision)}   recall ${pct(recall)}   F1 ${pct(f1)}   (TP ${tp}, FP ${fp}, FN ${fn})`);
  console.log(`  detected hallucinations naming the right tool and parameter: ${pct(named / tp)} (${named}/${tp}); with the right label too: ${pct(labelled / tp)}`);
  console.log(`  strict recall (an annotation names the expected tool/parameter): ${pct(strictTp / (tp + fn))}`);
  console.log(`  false-positive rate on (a) reference calls:  ${pct(flaggedIn('a') / count('a'))} (${flaggedIn('a')}/${count('a')})`);
  console.log(`  false-positive rate on (b) grounded, not literal: ${pct(flaggedIn('b') / count('b'))} (${flaggedIn('b')}/${count('b')}); on the changed parameter itself: ${pct(bAttributable / count('b'))}`);
  console.log(`  annotations whose text ≠ arguments.slice(start, end): ${offsetErrors}`);

  // throughput: the whole set repeated to ~20k conversations, one core (CPU time shown too: the
  // machine may be shared, and CPU-seconds are what "on one core" means)
  const reps = Math.max(1, Math.ceil(20000 / items.length));
  const convs = items.map((i) => i.conversation);
  console.log('');
  throughput('BFCL set repeated', reps, convs, (c) => [c.messages.length - 1]);
  const typical = Array.from({ length: 2000 }, (_, i) => typicalConversation(i));
  console.log(`  (typical: ${typical[0]!.messages.length} messages, 2 tool calls, ~${(JSON.stringify(typical[0]).length / 1024).toFixed(1)} KB each, every text unique)`);
  throughput('typical multi-turn, last response', 10, typical, (c) => [c.messages.length - 1]);
  throughput('typical multi-turn, every response', 5, typical, (c) => c.messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : [])));
  // calibration: how fast this machine is at something unrelated, to read the figures above by
  const json = typical.map((c) => JSON.stringify(c));
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < 10; r++) for (const j of json) JSON.parse(j);
  const cpu = process.cpuUsage(cpu0);
  console.log(`calibration: JSON.parse of those conversations runs at ${Math.round(json.length * 10 / ((cpu.user + cpu.system) / 1e6))} per CPU-second on this machine`);
  if (verbose) console.log('\n' + examples.join('\n'));
}

function throughput(name: string, reps: number, convs: Conversation[], targets: (c: Conversation) => number[]): void {
  const run = (c: Conversation): void => {
    for (const i of targets(c)) detectLocal({ conversation: c, messageIndex: i, message: c.messages[i]! });
  };
  for (const c of convs.slice(0, 300)) run(c);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let r = 0; r < reps; r++)
    for (const c of convs) {
      run(c);
      n++;
    }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  console.log(`throughput, ${name}: ${n} conversations in ${wall.toFixed(2)} s → ${Math.round(n / wall)} conversations/s (${Math.round(n / cpuSecs)} per CPU-second)`);
}

/**
 * A support/booking conversation of typical size: system prompt, user turns, two tool calls,
 * a JSON tool result and answers with amounts, dates, names and a URL. Each one is distinct, so
 * no text cache helps beyond what a real trace file (shared system prompt and tools) allows.
 */
function typicalConversation(i: number): Conversation {
  const city = ['Tel Aviv', 'Lisbon', 'Denver', 'Kyoto', 'Oslo'][i % 5]!;
  const day = 10 + (i % 15);
  const price = 150 + (i % 97);
  const tools: ToolDefinition[] = [
    { type: 'function', function: { name: 'search_hotels', description: 'Search hotels in a city for given dates. Returns up to 10 results sorted by price.', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name, e.g. "Berlin"' }, check_in: { type: 'string', description: 'Check-in date (YYYY-MM-DD)' }, nights: { type: 'integer', minimum: 1 }, guests: { type: 'integer', default: 2 }, sort: { type: 'string', enum: ['price', 'rating', 'distance'] } }, required: ['city', 'check_in', 'nights'] } } },
    { type: 'function', function: { name: 'book_hotel', description: 'Book a hotel room by hotel id.', parameters: { type: 'object', properties: { hotel_id: { type: 'string' }, guest_name: { type: 'string' }, email: { type: 'string' }, nights: { type: 'integer' } }, required: ['hotel_id', 'guest_name'] } } },
  ];
  const call = (id: string, name: string, args: JsonObject): Message => ({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
  const messages: Message[] = [
    { role: 'system', content: "You are a travel assistant for WanderWise. Always confirm prices in USD and never book without the user's explicit consent. Our support line is +1 (800) 555-0199." },
    { role: 'user', content: `Hi (ref ${i})! I need a hotel in ${city} for 3 nights starting March ${day}, 2025, for two adults. Budget around $${price + 30} per night. My name is Dana Levi, dana.levi${i}@example.org.` },
    call('c1', 'search_hotels', { city: `${city}, Portugal`, check_in: `2025-03-${day}`, nights: 3, guests: 2, sort: 'price' }),
    { role: 'tool', tool_call_id: 'c1', content: JSON.stringify({ query_id: i, results: [
      { id: `H-${1000 + i}`, name: 'Seaside Boutique Hotel', price_per_night: price, rating: 4.6, address: '12 Herbert Samuel St', distance_km: 0.4 },
      { id: `H-${2000 + i}`, name: 'Grand Plaza Residence', price_per_night: price + 26.5, rating: 4.3, address: '88 Rothschild Blvd', distance_km: 1.2 },
      { id: `H-${3000 + i}`, name: 'Urban Nest Suites', price_per_night: price - 30.01, rating: 4.1, address: '5 Dizengoff Sq', distance_km: 2.8 } ] }) },
    { role: 'assistant', content: `I found 3 options: Seaside Boutique Hotel at $${price}/night (rating 4.6), Grand Plaza Residence at $${price + 26.5} (4.3) and Urban Nest Suites at $${(price - 30.01).toFixed(2)} (4.1). Which one would you like?` },
    { role: 'user', content: 'Book the Seaside Boutique Hotel please.' },
    { ...call('c2', 'book_hotel', { hotel_id: `H-${1000 + i}`, guest_name: 'Dana Levi', email: `dana.levi${i}@example.org`, nights: 3 }), content: `Booked! Your stay at Seaside Boutique Hotel is confirmed: 3 nights from March ${day} for a total of $${(price * 3).toFixed(2)}. A receipt goes to dana.levi${i}@example.org; see https://wanderwise.example.com/help for changes.` },
  ];
  return { id: `typical-${i}`, file: 'typical', line: i, position: i, sourcePath: [], messages, tools };
}

main();
