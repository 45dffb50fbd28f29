// GenAI events — span events, events kept as one JSON attribute (Pydantic AI / Logfire) and OTLP
// log records — read as messages; a log record is paired with the span it names when the trace is
// assembled.
import type { SourceAnchor } from '../../../../common/schema';
import {
  get,
  getAny,
  isObj,
  items,
  jsonish,
  type Loc,
  lv,
  type LV,
  num,
  parseJsonIn,
  str,
  type Text,
  withChildLocations,
} from '../located';
import { mergeResponse, normalizeRole, readInput, readMessage, type ReadOptions, readOutput } from '../normalize';
import { emptySpan, type IRMessage, type SpanRecord, timeMs } from '../types';
import { Attrs, unwrapAnyValue } from './attributes';
import { idString } from './readHelpers';
import { systemTexts } from './requestAttributes';

/** A GenAI event, from a span's `events` or an OTLP log record. */
export interface GenAIEvent {
  name: string;
  attrs: Attrs;
  /** The event body (a log record's `body`, an event's `body`), unwrapped. */
  body: LV | null;
}

/**
 * GenAI events kept as one JSON attribute (Pydantic AI / Logfire `events`,
 * `all_messages_events`): `[{"event.name": "gen_ai.user.message", "content": …, "role": …}, …]`.
 */
export function attributeEvents(a: Attrs): GenAIEvent[] {
  const out: GenAIEvent[] = [];
  for (const key of ['events', 'all_messages_events', 'gen_ai.events']) {
    for (const e of items(jsonish(a.get(key)))) {
      if (!isObj(e.v)) continue;
      const name = e.v['event.name'] ?? e.v.event_name ?? e.v.name;
      if (typeof name === 'string') out.push({ name, attrs: new Attrs(lv({}, null)), body: e });
    }
    if (out.length) break;
  }
  return out;
}

export function spanEvent(e: LV): GenAIEvent {
  const v = isObj(e.v) ? e.v : {};
  return {
    name: typeof v.name === 'string' ? v.name : '',
    attrs: new Attrs(get(e, 'attributes')),
    body: isObj(v.body) ? get(e, 'body') : null,
  };
}

export function readGenAIEvents(
  events: readonly GenAIEvent[],
  o: ReadOptions,
): { input: IRMessage[]; output: IRMessage[]; finishReasons: string[]; system: Text[] } {
  const input: IRMessage[] = [];
  const outputs: IRMessage[] = [];
  const finishReasons: string[] = [];
  const system: Text[] = [];
  for (const { name, attrs, body: eventBody } of events) {
    if (name === 'gen_ai.client.inference.operation.details') {
      const i = attrs.get('gen_ai.input.messages');
      const fromBody = (key: string) => (eventBody ? get(eventBody, key) : lv(undefined, null));
      const inLv = i.v !== undefined ? i : fromBody('gen_ai.input.messages');
      if (inLv.v !== undefined) input.push(...readInput(inLv, o).messages);
      const out =
        attrs.get('gen_ai.output.messages').v !== undefined ? attrs.get('gen_ai.output.messages') : fromBody('gen_ai.output.messages');
      if (out.v !== undefined) outputs.push(...readOutput(out, o));
      const sys =
        attrs.get('gen_ai.system_instructions').v !== undefined
          ? attrs.get('gen_ai.system_instructions')
          : fromBody('gen_ai.system_instructions');
      if (sys.v !== undefined) system.push(...systemTexts(sys));
      continue;
    }
    // Older semantic conventions (Semantic Kernel…): the whole prompt and completion as JSON.
    if (name === 'gen_ai.content.prompt') {
      input.push(...readInput(attrs.get('gen_ai.prompt'), o).messages);
      continue;
    }
    if (name === 'gen_ai.content.completion') {
      outputs.push(...readOutput(attrs.get('gen_ai.completion'), o));
      continue;
    }
    const m = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(name);
    if (!m && name !== 'gen_ai.choice') continue;
    // The body: `gen_ai.event.content` (a JSON string), a `body` object, or the attributes themselves.
    let body: LV = attrs.get('gen_ai.event.content');
    if (body.v !== undefined) body = jsonish(body);
    else if (eventBody && isObj(eventBody.v)) body = eventBody;
    else body = attributesAsBody(attrs);
    if (m) {
      const role = m[1]!;
      const msgs = readMessage(body, role, o);
      for (const msg of msgs) {
        msg.role =
          role === 'tool'
            ? 'tool'
            : normalizeRole(
                typeof (body.v as Record<string, unknown>)?.role === 'string' ? ((body.v as Record<string, unknown>).role as string) : role,
              );
        if (role === 'tool' && msg.toolCallId === undefined) {
          const id = str(get(body, 'id'));
          if (id !== undefined) msg.toolCallId = id;
        }
      }
      input.push(...msgs);
    } else {
      const fr = str(get(body, 'finish_reason'));
      if (fr) finishReasons.push(fr);
      const index = num(get(body, 'index')) ?? 0;
      if (index !== 0 && outputs.length) continue; // another choice of the same request
      let msg = get(body, 'message');
      if (typeof msg.v === 'string') msg = parseJsonIn(msg) ?? msg;
      // A message given as its content blocks alone (Strands Agents: Bedrock blocks).
      if (Array.isArray(msg.v)) msg = lv(withChildLocations({ role: 'assistant', content: msg.v }, new Map([['content', msg.loc]])), null);
      outputs.push(...readMessage(msg.v !== undefined ? msg : body, 'assistant', o).map((x) => ({ ...x, role: 'assistant' })));
    }
  }
  return { input, output: mergeResponse(outputs), finishReasons, system };
}

/**
 * An OTLP log record `{timeUnixNano, traceId, spanId, eventName | attributes['event.name'],
 * body: AnyValue, attributes}`: a GenAI event of the span it names. Its messages join that
 * span's when the trace is assembled.
 */
export function readLogRecord(x: LV, anchor: SourceAnchor, seq: number, o: ReadOptions): SpanRecord {
  const v = x.v as Record<string, unknown>;
  const attrs = new Attrs(get(x, 'attributes'));
  const name = str(getAny(x, 'eventName', 'event_name')) ?? attrs.str('event.name') ?? attrs.str('gen_ai.event.name') ?? '';
  const body = unwrapAnyValue(get(x, 'body'));
  const rec = emptySpan('otel-genai', anchor, seq);
  rec.traceId = idString(v.traceId ?? v.trace_id);
  rec.startMs = timeMs(v.timeUnixNano ?? v.time_unix_nano ?? v.observedTimeUnixNano ?? v.hrTime);
  const spanId = idString(v.spanId ?? v.span_id);
  const events = readGenAIEvents([{ name, attrs, body: body.v !== undefined ? jsonish(body) : null }], o);
  if (spanId) rec.eventOf = spanId;
  else rec.notes.push({ message: `log record "${name}" names no span; its messages are not used`, severity: 'warning' });
  rec.input = events.input.length ? events.input : null;
  rec.output = events.output.length ? events.output : null;
  if (events.system.length) rec.system = events.system;
  if (events.finishReasons.length) rec.finishReasons = events.finishReasons;
  rec.name = name || null;
  return rec;
}

/** The attributes of a log record or event as a `{content, role, id, tool_calls, …}` body. */
export function attributesAsBody(attrs: Attrs): LV {
  const out: Record<string, unknown> = {};
  const locs = new Map<string | number, Loc | null>();
  for (const k of ['content', 'role', 'id', 'tool_calls', 'message', 'finish_reason', 'index']) {
    const x = attrs.get(k);
    if (x.v === undefined) continue;
    // Calls and messages are JSON; so is a content that holds a list of blocks (Strands Agents).
    const parsed = typeof x.v === 'string' ? parseJsonIn(x) : null;
    const j =
      (k === 'tool_calls' || k === 'message') && parsed ? parsed : k === 'content' && parsed && Array.isArray(parsed.v) ? parsed : x;
    out[k] = j.v;
    locs.set(k, j.loc);
  }
  return lv(withChildLocations(out, locs), null);
}
