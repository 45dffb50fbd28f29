// Development cases for the local detector, built from every category of BFCL in ../shared/data:
// the reference call (the answer key's first acceptable filling), hard negatives (the key's OTHER
// acceptable fillings — real alternatives, not perturbations chosen here), and positives with one
// injected fault each (a made-up tool, parameter, enum value, or a value nothing in the
// conversation supports). Made-up values avoid the conversation's words but may be words of some
// tool's schema: a detector that grounds in every tool's schema at once should miss those.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Conversation, Message, ToolDefinition } from '../common/schema';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface BfclFunction {
  name: string;
  description?: string;
  parameters: JsonObject;
  /** what the tool returns (the multi-turn documents declare it) */
  response?: JsonObject;
}

export type CaseGroup = 'reference' | 'hard_negative' | 'positive';
export interface Expected {
  tool: string;
  /** dotted path; null for a made-up tool */
  param: string | null;
  label: string;
}
export interface Case {
  id: string;
  category: string;
  group: CaseGroup;
  kind: string;
  conversation: Conversation;
  /** the first message judged: every message from it to the last is a response of the case */
  judgeFrom: number;
  expected?: Expected;
}

const repoRoot = path.resolve(__dirname, '..');
export const dataRoot = path.resolve(repoRoot, '..', 'shared', 'data');

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- one call of an answer key: every parameter with its acceptable values ----------------------

/** `{param: [acceptable…]}`; nested dicts hold the same shape inside a value. */
type Acceptable = Record<string, Json[]>;

/** The filling that takes the `pick`-th acceptable value at `at` (a dotted path) and the first elsewhere. */
function fill(acc: Acceptable, at: string | null, pick: number, prefix = ''): JsonObject {
  const out: JsonObject = {};
  for (const [k, allowed] of Object.entries(acc)) {
    const p = prefix === '' ? k : `${prefix}.${k}`;
    const list = Array.isArray(allowed) ? allowed : [allowed];
    const v = p === at ? list[pick] : list[0];
    if (v === undefined || v === '') continue; // "" = the parameter is left out
    out[k] = expand(v, at, pick, p);
  }
  return out;
}
function expand(v: Json, at: string | null, pick: number, p: string): Json {
  // a nested dict of the answer key is itself {key: [acceptable…]}
  if (isObject(v) && Object.values(v).every((x) => Array.isArray(x))) return fill(v as Acceptable, at, pick, p);
  if (Array.isArray(v))
    return v.map((x) => (isObject(x) && Object.values(x).every((y) => Array.isArray(y)) ? fill(x as Acceptable, null, 0) : x));
  return v;
}
/** Every (path, index) of an acceptable value other than the first, "" excluded. */
function alternatives(acc: Acceptable, prefix = ''): { at: string; pick: number }[] {
  const out: { at: string; pick: number }[] = [];
  for (const [k, allowed] of Object.entries(acc)) {
    const p = prefix === '' ? k : `${prefix}.${k}`;
    const list = Array.isArray(allowed) ? allowed : [];
    list.forEach((v, i) => {
      if (i > 0 && v !== '' && JSON.stringify(v) !== JSON.stringify(list[0])) out.push({ at: p, pick: i });
    });
    const first = list[0];
    if (isObject(first) && Object.values(first).every((x) => Array.isArray(x))) out.push(...alternatives(first as Acceptable, p));
  }
  return out;
}

// ---- multi-turn answer keys are Python call strings -------------------------------------------

/** Reads `name(a, k=v, …)` with Python literals; positional arguments take the declared order. */
export function parsePythonCall(src: string, fns: BfclFunction[]): { name: string; args: JsonObject } | null {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][\w.]*/.exec(src.slice(i));
    if (!m) throw new Error(`identifier expected at ${i} in ${src}`);
    i += m[0].length;
    return m[0];
  };
  const literal = (): Json => {
    ws();
    const c = src[i]!;
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const n = src[i + 1]!;
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else s += src[i++];
      }
      i++;
      return s;
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const out: Json[] = [];
      ws();
      while (src[i] !== close) {
        out.push(literal());
        ws();
        if (src[i] === ',') i++;
        ws();
      }
      i++;
      return out;
    }
    if (c === '{') {
      i++;
      const out: JsonObject = {};
      ws();
      while (src[i] !== '}') {
        const k = literal();
        ws();
        i++; // ':'
        out[String(k)] = literal();
        ws();
        if (src[i] === ',') i++;
        ws();
      }
      i++;
      return out;
    }
    const m = /^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(src.slice(i));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    const w = ident();
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    return w;
  };
  try {
    const name = ident();
    const fn = fns.find((f) => f.name === name);
    const order = fn && isObject(fn.parameters['properties']) ? Object.keys(fn.parameters['properties']) : [];
    ws();
    i++; // '('
    const args: JsonObject = {};
    let pos = 0;
    ws();
    while (i < src.length && src[i] !== ')') {
      const save = i;
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(src.slice(i));
      if (kw) {
        i += kw[0].length;
        args[kw[1]!] = literal();
      } else {
        i = save;
        const v = literal();
        const k = order[pos++];
        if (k !== undefined) args[k] = v;
      }
      ws();
      if (src[i] === ',') i++;
      ws();
    }
    return { name, args };
  } catch {
    return null;
  }
}

// ---- conversations ----------------------------------------------------------------------------

export function toolsOf(fns: BfclFunction[]): ToolDefinition[] {
  return fns.map((f) => ({
    type: 'function',
    function: {
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      parameters: f.parameters,
      // the declared output goes along as the data set gives it (as MCP's outputSchema would)
      ...(f.response !== undefined ? { response: f.response } : {}),
    },
  }));
}

interface Call {
  name: string;
  args: JsonObject | string;
}
function assistantCalls(calls: Call[], step: string): Message {
  return {
    role: 'assistant',
    content: null,
    tool_calls: calls.map((c, k) => ({
      id: `call_${step}_${k}`,
      type: 'function',
      function: { name: c.name, arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args) },
    })),
  };
}

/** One request: the context messages, the tools, and the calls that answer it (the message judged). */
interface Request {
  id: string;
  category: string;
  context: Message[];
  fns: BfclFunction[];
  /** per call of the judged message: the name and its acceptable values */
  calls: { name: string; acc: Acceptable }[];
  /**
   * The calls are steps made one after another (multi-turn: the key lists a turn's calls in the
   * order they ran, a later one may use what an earlier one returned), each its own message;
   * otherwise they are one message's parallel calls.
   */
  stepwise?: boolean;
}

function conversationOf(r: Request, calls: Call[]): { conversation: Conversation; judgeFrom: number } {
  const judged = r.stepwise ? calls.map((c, k) => assistantCalls([c], `judged_${k}`)) : [assistantCalls(calls, 'judged')];
  const messages = [...r.context.map((m) => ({ ...m })), ...judged];
  const conversation = { id: r.id, file: r.category, line: 0, position: 0, sourcePath: [], messages, tools: toolsOf(r.fns) };
  return { conversation, judgeFrom: r.context.length };
}

function singleTurnRequests(category: string, questionsFile: string, answersFile: string): Request[] {
  interface Q {
    id: string;
    question: { role: string; content: string }[][];
    function: BfclFunction[];
  }
  interface A {
    id: string;
    ground_truth: Record<string, Acceptable>[];
  }
  const answers = new Map(readJsonl<A>(answersFile).map((a) => [a.id, a]));
  const out: Request[] = [];
  for (const q of readJsonl<Q>(questionsFile)) {
    const gt = answers.get(q.id)?.ground_truth;
    if (!gt || gt.length === 0) continue;
    const calls = gt.map((c) => {
      const name = Object.keys(c)[0]!;
      return { name, acc: c[name]! };
    });
    if (calls.some((c) => !q.function.some((f) => f.name === c.name))) continue;
    out.push({ id: q.id, category, context: q.question.flat().map((m) => ({ role: m.role, content: m.content })), fns: q.function, calls });
  }
  return out;
}

/** BFCL's class → function-document file (the data set's own naming, used to load it). */
const MULTI_TURN_DOCS: Record<string, string> = {
  GorillaFileSystem: 'gorilla_file_system.json',
  MathAPI: 'math_api.json',
  MessageAPI: 'message_api.json',
  TwitterAPI: 'posting_api.json',
  TicketAPI: 'ticket_api.json',
  TradingBot: 'trading_bot.json',
  TravelAPI: 'travel_booking.json',
  VehicleControlAPI: 'vehicle_control.json',
  WebSearchAPI: 'web_search.json',
};

/**
 * Multi-turn: one request per turn with calls. Context = the initial state of the APIs as a tool
 * result (the key's calls read it: file names, contents, ids), then the earlier turns: the user
 * message and the calls the key makes, one message per call in the key's order. The data has no
 * execution results, so none are given: an earlier call stands unanswered, as in a trace whose
 * exporter dropped the results (nothing is invented for what a call returned).
 */
function multiTurnRequests(dir: string): Request[] {
  interface Q {
    id: string;
    question: { role: string; content: string }[][];
    initial_config?: JsonObject;
    involved_classes: string[];
    excluded_function?: string[];
  }
  interface A {
    id: string;
    ground_truth: string[][];
  }
  const docDir = path.join(dir, 'multi_turn_func_doc');
  const docs = new Map<string, BfclFunction[]>();
  const docOf = (cls: string): BfclFunction[] => {
    const file = MULTI_TURN_DOCS[cls];
    if (!file) return [];
    if (!docs.has(file)) docs.set(file, readJsonl<BfclFunction>(path.join(docDir, file)));
    return docs.get(file)!;
  };
  const answers = new Map(readJsonl<A>(path.join(dir, 'answers', 'BFCL_v4_multi_turn_base.jsonl')).map((a) => [a.id, a]));
  const out: Request[] = [];
  for (const q of readJsonl<Q>(path.join(dir, 'questions', 'BFCL_v4_multi_turn_base.jsonl'))) {
    const gt = answers.get(q.id)?.ground_truth;
    if (!gt) continue;
    const excluded = new Set(q.excluded_function ?? []);
    const fns = q.involved_classes.flatMap(docOf).filter((f) => !excluded.has(f.name));
    const context: Message[] = [];
    if (q.initial_config) context.push({ role: 'tool', tool_call_id: 'state', content: JSON.stringify(q.initial_config) });
    q.question.forEach((turn, t) => {
      for (const m of turn) context.push({ role: m.role, content: m.content });
      const parsed = (gt[t] ?? []).map((s) => parsePythonCall(s, fns));
      if (parsed.length === 0 || parsed.some((p) => p === null || !fns.some((f) => f.name === p.name))) return;
      const calls = parsed.map((p) => ({
        name: p!.name,
        acc: Object.fromEntries(Object.entries(p!.args).map(([k, v]) => [k, [v]])) as Acceptable,
      }));
      out.push({ id: `${q.id}#${t}`, category: 'multi_turn_base', context: [...context], fns, calls, stepwise: true });
      parsed.forEach((p, k) => context.push(assistantCalls([{ name: p!.name, args: p!.args }], `${t}_${k}`)));
    });
  }
  return out;
}

export function loadRequests(): Request[] {
  const simple = path.join(dataRoot, 'bfcl-simple');
  const dev = path.join(dataRoot, 'bfcl-dev');
  if (!fs.existsSync(simple) || !fs.existsSync(dev)) {
    console.error(`BFCL data not found under ${dataRoot} (bfcl-simple and bfcl-dev are needed beside the repository).`);
    process.exit(2);
  }
  const out = singleTurnRequests('simple', path.join(simple, 'questions.jsonl'), path.join(simple, 'answers.jsonl'));
  for (const f of fs.readdirSync(path.join(dev, 'questions')).sort()) {
    const category = f.replace(/^BFCL_v\d+_/, '').replace(/\.jsonl$/, '');
    if (category.startsWith('multi_turn')) continue;
    out.push(...singleTurnRequests(category, path.join(dev, 'questions', f), path.join(dev, 'answers', f)));
  }
  out.push(...multiTurnRequests(dev));
  return out;
}

// ---- cases ------------------------------------------------------------------------------------

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
/** Lower-case words of a text (letters of any script; digits kept apart), for "avoids the conversation". */
function wordsOf(s: string): Set<string> {
  return new Set(
    s
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1),
  );
}
function props(schema: Json | undefined): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const p = isObject(schema) ? schema['properties'] : undefined;
  if (isObject(p)) for (const [k, v] of Object.entries(p)) if (isObject(v)) out[k] = v;
  return out;
}

/** Word pools drawn from every tool schema of the data set: made-up values may collide with them. */
interface Pools {
  toolNames: string[];
  paramNames: string[];
  /** string values of reference calls and enum members of every tool (realistic fillings of other calls) */
  strings: string[];
}

function pools(requests: Request[]): Pools {
  const toolNames = new Set<string>();
  const paramNames = new Set<string>();
  const strings = new Set<string>();
  for (const r of requests) {
    for (const f of r.fns) {
      toolNames.add(f.name);
      for (const [k, s] of Object.entries(props(f.parameters))) {
        paramNames.add(k);
        if (Array.isArray(s['enum'])) for (const e of s['enum']) if (typeof e === 'string' && /\p{L}{3}/u.test(e)) strings.add(e);
      }
    }
    for (const c of r.calls)
      for (const v of Object.values(fill(c.acc, null, 0)))
        if (typeof v === 'string' && /\p{L}{4}/u.test(v) && v.length < 40) strings.add(v);
  }
  return { toolNames: [...toolNames].sort(), paramNames: [...paramNames].sort(), strings: [...strings].sort() };
}

export function buildCases(requests: Request[] = loadRequests()): Case[] {
  const pool = pools(requests);
  const cases: Case[] = [];
  for (const r of requests) {
    const h = hash(r.id);
    const base: Call[] = r.calls.map((c) => ({ name: c.name, args: fill(c.acc, null, 0) }));
    const userText = r.context.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const heard = wordsOf(userText);
    const push = (group: CaseGroup, kind: string, calls: Call[], expected?: Expected): void => {
      cases.push({
        id: r.id,
        category: r.category,
        group,
        kind,
        ...conversationOf(r, calls),
        ...(expected ? { expected } : {}),
      });
    };
    push('reference', 'reference', base);
    r.calls.forEach((c, k) => {
      for (const alt of alternatives(c.acc)) {
        const calls = base.map((b, j) => (j === k ? { name: c.name, args: fill(c.acc, alt.at, alt.pick) } : b));
        push('hard_negative', 'other_acceptable', calls);
      }
    });
    // the faulty call: one of the message's calls, chosen by the id
    const k = h % base.length;
    const call = base[k]!;
    const args = call.args as JsonObject;
    const fn = r.fns.find((f) => f.name === call.name)!;
    const ps = props(fn.parameters);
    const replaced = (newCall: Call): Call[] => base.map((b, j) => (j === k ? newCall : b));
    const own = new Set(r.fns.map((f) => f.name));
    const avoids = (s: string): boolean => {
      const w = wordsOf(s);
      return w.size > 0 && [...w].every((x) => !heard.has(x)) && !userText.includes(s);
    };
    const pick = <T>(list: T[], ok: (t: T) => boolean, salt: number): T | undefined => {
      for (let i = 0; i < list.length; i++) {
        const t = list[(h + salt + i * 7919) % list.length]!;
        if (ok(t)) return t;
      }
      return undefined;
    };
    {
      const name = pick(pool.toolNames, (n) => !own.has(n) && !own.has(n.replace(/_/g, '.')), 1);
      if (name) push('positive', 'made_up_tool', replaced({ name, args }), { tool: name, param: null, label: 'unknown_tool' });
    }
    {
      const extra = pick(pool.paramNames, (p) => !(p in ps), 2);
      if (extra)
        push(
          'positive',
          'made_up_parameter',
          replaced({ name: call.name, args: { ...args, [extra]: args[Object.keys(args)[0] ?? ''] ?? 'yes' } }),
          { tool: call.name, param: extra, label: 'unknown_parameter' },
        );
    }
    {
      const name = Object.keys(ps).find(
        (p) => Array.isArray(ps[p]!['enum']) && (ps[p]!['enum'] as Json[]).every((e) => typeof e === 'string'),
      );
      if (name) {
        const members = new Set((ps[name]!['enum'] as string[]).map((e) => e.toLowerCase()));
        const bad = pick(pool.strings, (s) => !members.has(s.toLowerCase()) && avoids(s), 3);
        if (bad)
          push('positive', 'made_up_enum_value', replaced({ name: call.name, args: { ...args, [name]: bad } }), {
            tool: call.name,
            param: name,
            label: 'invalid_parameter_value',
          });
      }
    }
    for (const want of ['string', 'number'] as const) {
      const change = ungroundedChange(args, ps, want, userText, (salt) => pick(pool.strings, avoids, salt), h);
      if (change)
        push('positive', `ungrounded_${want}`, replaced({ name: call.name, args: change.args }), {
          tool: call.name,
          param: change.path,
          label: 'ungrounded_parameter_value',
        });
    }
  }
  return cases;
}

/** Replace one string (or number) leaf, not under an enum, by a value nothing in the conversation says. */
function ungroundedChange(
  args: JsonObject,
  ps: Record<string, JsonObject>,
  want: 'string' | 'number',
  userText: string,
  freshString: (salt: number) => string | undefined,
  h: number,
): { path: string; args: JsonObject } | null {
  const freshNumber = (v: number): number => {
    let n = Number.isInteger(v) ? Math.abs(v) * 3 + 17 : Math.round((Math.abs(v) * 3 + 1.7) * 1000) / 1000;
    while (userText.includes(String(n))) n += Number.isInteger(n) ? 13 : 0.113;
    return n;
  };
  const leaf = (v: Json, schema: JsonObject | undefined): Json | undefined => {
    if (schema && (schema['enum'] !== undefined || (isObject(schema['items']) && (schema['items'] as JsonObject)['enum'] !== undefined)))
      return undefined;
    if (want === 'number' && typeof v === 'number' && v !== 0 && v !== 1 && typeof v !== 'boolean') return freshNumber(v);
    if (want === 'string' && typeof v === 'string' && v.trim() !== '') return freshString(5) ?? undefined;
    return undefined;
  };
  const names = Object.keys(args);
  for (let i = 0; i < names.length; i++) {
    const name = names[(h + i) % names.length]!;
    const v = args[name]!;
    const schema = ps[name];
    const direct = leaf(v, schema);
    if (direct !== undefined) return { path: name, args: { ...args, [name]: direct } };
    if (Array.isArray(v) && v.length > 0) {
      const items = schema && isObject(schema['items']) ? (schema['items'] as JsonObject) : undefined;
      const first = leaf(v[0]!, items);
      if (first !== undefined) return { path: name, args: { ...args, [name]: [first, ...v.slice(1)] } };
    }
    if (isObject(v)) {
      const inner = props(schema);
      for (const [k, x] of Object.entries(v)) {
        const changed = leaf(x, inner[k]);
        if (changed !== undefined) return { path: `${name}.${k}`, args: { ...args, [name]: { ...v, [k]: changed } } };
      }
    }
  }
  return null;
}
