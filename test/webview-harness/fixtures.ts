// Deterministic sample data for the webview harness, the bench and the unit tests: conversation
// summaries and experiment resources with realistic responses, tool calls and annotations
// (offsets computed by locating the quoted text, as the detectors do). Includes hostile trace
// content (`<img onerror>`, `</script>`) to prove it renders as text.
import type { ConversationSummary, ExperimentSummary } from '../../common/protocol';
import {
  isSkippedItem,
  type Annotation,
  type ExperimentItem,
  type ExperimentResource,
  type ItemStatus,
  type Message,
  type Metrics,
} from '../../common/schema';

/** mulberry32: small, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const XSS_TEXT = 'Your refund <img src=x onerror="window.__xss=1"> is on its way </script><script>window.__xss=2</script> & done.';

interface Scenario {
  file: string;
  user: string;
  answer: string;
  /** Substrings of `answer` that detectors flag, with labels. */
  flags: { text: string; label: string; explanation: string }[];
  tool?: { name: string; args: Record<string, unknown>; flags: { param: string; label: string; explanation: string }[] };
}

const scenarios: Scenario[] = [
  {
    file: 'samples/support-agent.jsonl',
    user: 'Hi, my order A-1043 has not arrived yet. Can you check where it is?',
    answer:
      'I checked order A-1043: it left our Rotterdam warehouse on 12 March and is now with DHL under tracking number 7781 2290 114. Delivery is expected by Friday, 15 March before 18:00. You can follow it at https://track.example.com/7781229011.',
    flags: [
      { text: 'Rotterdam warehouse', label: 'fabricated_entity', explanation: 'No warehouse location appears in the order record.' },
      { text: '12 March', label: 'fabricated_date', explanation: 'The order history has no dispatch date.' },
      { text: '7781 2290 114', label: 'fabricated_number', explanation: 'The tool result has no tracking number.' },
      { text: 'Friday, 15 March before 18:00', label: 'fabricated_date', explanation: 'The delivery estimate is not in the context.' },
      { text: 'https://track.example.com/7781229011', label: 'fabricated_url', explanation: 'This URL appears nowhere in the context.' },
    ],
    tool: {
      name: 'get_order_status',
      args: { order_id: 'A-1043', include_history: true, region: 'EU-West' },
      flags: [{ param: 'region', label: 'unknown_parameter', explanation: 'get_order_status declares no "region" parameter.' }],
    },
  },
  {
    file: 'samples/booking-flow.jsonl',
    user: 'Book me a flight from Tel Aviv to Paris next Tuesday, economy, one adult.',
    answer:
      'Done! I booked Air France AF 1621 from Tel Aviv (TLV) to Paris (CDG) on Tuesday, departing 06:40 and arriving 10:55. The fare is €289 including one checked bag, and your confirmation code is QX7PLM.',
    flags: [
      { text: 'AF 1621', label: 'fabricated_entity', explanation: 'The search results list no such flight.' },
      { text: '€289', label: 'fabricated_number', explanation: 'The quoted fare was €241.' },
      { text: 'including one checked bag', label: 'unsupported_claim', explanation: 'Economy light fares exclude checked bags.' },
    ],
    tool: {
      name: 'create_booking',
      args: { origin: 'Tel Aviv, Israel', destination: 'Paris', date: '2025-03-18', cabin: 'economy', passengers: 1, seat: '14C' },
      flags: [
        {
          param: 'date',
          label: 'ungrounded_parameter_value',
          explanation: '"next Tuesday" was not resolved from any date in the context.',
        },
        { param: 'seat', label: 'ungrounded_parameter_value', explanation: 'The user never chose a seat.' },
      ],
    },
  },
  {
    file: 'samples/rag-answers.json',
    user: 'According to the handbook, how many vacation days do new employees get?',
    answer:
      'New employees get 24 vacation days per year, rising to 30 after five years of service. Unused days can be carried over until 31 March of the following year, as stated in section 4.2 of the 2023 handbook.',
    flags: [
      { text: '24 vacation days', label: 'context_contradiction', explanation: 'The handbook excerpt says 20 days.' },
      { text: 'rising to 30 after five years', label: 'unsupported_claim', explanation: 'The excerpt says nothing about seniority.' },
      { text: 'section 4.2', label: 'fabricated_number', explanation: 'The excerpt is from section 3.' },
      { text: '31 March', label: 'fabricated_date', explanation: 'The carry-over deadline is not in the excerpt.' },
      { text: '2023 handbook', label: 'unsupported_claim', explanation: 'The excerpt does not give the handbook year.' },
    ],
  },
  {
    file: 'samples/support-agent.jsonl',
    user: 'Please refund my last payment, it was charged twice.',
    answer: XSS_TEXT + ' I refunded 2 × $49.90 to your Visa ending 4417; it will show within 3–5 business days.',
    flags: [
      { text: 'Visa ending 4417', label: 'fabricated_number', explanation: 'The payment record shows a Mastercard.' },
      { text: '3–5 business days', label: 'unsupported_claim', explanation: 'Refund timing is not in the policy given.' },
    ],
    tool: {
      name: 'issue_refund',
      args: { payment_id: 'pay_88123', amount: 99.8, currency: 'usd', reason: '</script><img src=x onerror=alert(1)>' },
      flags: [{ param: 'amount', label: 'invalid_parameter_value', explanation: 'Only one charge of 49.90 may be refunded.' }],
    },
  },
  {
    file: 'samples/booking-flow.jsonl',
    user: 'What hotels near the Louvre have a pool and cost under 200 a night?',
    answer:
      'Hôtel Lumière Louvre has a heated rooftop pool and rooms from €185 a night; Le Marais Spa Hotel is 600 m from the Louvre with an indoor pool at €179. Both have free cancellation until 48 hours before arrival.',
    flags: [
      { text: 'heated rooftop pool', label: 'unsupported_claim', explanation: 'The search results list no pool for this hotel.' },
      { text: '600 m', label: 'fabricated_number', explanation: 'No distance was returned.' },
      { text: 'Le Marais Spa Hotel', label: 'fabricated_entity', explanation: 'Not among the search results.' },
      { text: '€179', label: 'fabricated_number', explanation: 'No price was returned for this hotel.' },
      { text: 'free cancellation until 48 hours', label: 'unsupported_claim', explanation: 'Cancellation terms are not in the results.' },
    ],
    tool: {
      name: 'search_hotels',
      args: { near: 'Louvre Museum', max_price: 200, amenities: ['pool'], currency: 'EUR', stars: 4 },
      flags: [{ param: 'stars', label: 'ungrounded_parameter_value', explanation: 'The user asked for no star rating.' }],
    },
  },
  {
    file: 'samples/rag-answers.json',
    user: 'Summarise the incident report from last night.',
    answer:
      'At 02:14 UTC the payments API returned errors for 11 minutes after a certificate expired. About 3,200 requests failed; the on-call engineer, Dana Levi, rotated the certificate and the service recovered at 02:25.',
    flags: [
      { text: '3,200 requests', label: 'fabricated_number', explanation: 'The report gives no request count.' },
      { text: 'Dana Levi', label: 'fabricated_entity', explanation: 'The report does not name the engineer.' },
      { text: '11 minutes', label: 'context_contradiction', explanation: 'The report says the outage lasted 14 minutes.' },
      { text: '02:25', label: 'fabricated_date', explanation: 'Recovery time is not stated.' },
    ],
  },
];

const configs3 = ['gpt-4.1', 'gpt-4.1-mini', 'traced'];

function toolMessage(s: Scenario): Message {
  const message: Message = { role: 'assistant', content: s.answer };
  if (s.tool)
    message.tool_calls = [{ id: 'call_1', type: 'function', function: { name: s.tool.name, arguments: JSON.stringify(s.tool.args) } }];
  return message;
}

function annotate(
  s: Scenario,
  message: Message,
  keep: (i: number) => boolean,
  detector: () => string,
  confidence: () => number,
): Annotation[] {
  const out: Annotation[] = [];
  const content = typeof message.content === 'string' ? message.content : '';
  s.flags.forEach((f, i) => {
    if (!keep(i)) return;
    const start = content.indexOf(f.text);
    if (start < 0) return;
    out.push({
      label: f.label,
      text: f.text,
      explanation: f.explanation,
      message_index: 2,
      message_part_index: 0,
      start_offset: start,
      end_offset: start + f.text.length,
      tool_name: null,
      parameter_name: null,
      detector: detector(),
      confidence: confidence(),
    });
  });
  const args = message.tool_calls?.[0]?.function.arguments;
  if (s.tool && args) {
    s.tool.flags.forEach((f, i) => {
      if (!keep(100 + i)) return;
      const value = JSON.stringify(s.tool!.args[f.param]);
      const key = `"${f.param}":`;
      const at = args.indexOf(key);
      if (at < 0) return;
      const start = args.indexOf(value, at + key.length);
      out.push({
        label: f.label,
        text: value,
        explanation: f.explanation,
        message_index: 2,
        message_part_index: 1,
        start_offset: start,
        end_offset: start + value.length,
        tool_name: s.tool!.name,
        parameter_name: f.param,
        detector: 'local',
        confidence: 1,
      });
    });
  }
  return out;
}

export function conversationSummaries(count: number): ConversationSummary[] {
  return Array.from({ length: count }, (_, i) => {
    const s = scenarios[i % scenarios.length]!;
    const id = `conv-${String(i + 1).padStart(3, '0')}`;
    return {
      id,
      file: s.file,
      line: i * 3,
      position: i,
      messageCount: s.tool ? 5 : 3,
      hasToolCalls: !!s.tool,
      firstUserMessage: s.user,
      tracedResponse: s.answer,
      model: i % 4 === 0 ? null : 'gpt-4o-2024-08-06',
    };
  });
}

/** The metrics of the contract, computed from items (test-side reference). */
export function computeMetrics(items: readonly ExperimentItem[], pricePer1k: number | null): Metrics {
  const completed = items.filter((i) => i.status === 'completed');
  const total = completed.reduce((n, i) => n + i.annotations.length, 0);
  const free = completed.filter((i) => i.annotations.length === 0).length;
  const labels: Record<string, number> = {};
  const params: Record<string, Record<string, number>> = {};
  for (const i of completed) {
    for (const a of i.annotations) {
      labels[a.label] = (labels[a.label] ?? 0) + 1;
      if (a.tool_name && a.parameter_name) {
        params[a.tool_name] ??= {};
        params[a.tool_name]![a.parameter_name] = (params[a.tool_name]![a.parameter_name] ?? 0) + 1;
      }
    }
  }
  const sum = (f: (i: ExperimentItem) => number | null) => completed.reduce((n, i) => n + (f(i) ?? 0), 0);
  const lat = completed.map((i) => i.latency_ms).filter((x): x is number => x !== null);
  const n = completed.length;
  return {
    hallucination_rate: n ? (n - free) / n : null,
    total_hallucinations: total,
    hallucination_free_count: free,
    avg_hallucinations_per_prompt: n ? total / n : null,
    hallucination_labels: labels,
    parameter_hallucinations: params,
    total_input_tokens: sum((i) => i.input_tokens),
    total_output_tokens: sum((i) => i.output_tokens),
    avg_input_tokens: n ? sum((i) => i.input_tokens) / n : null,
    avg_output_tokens: n ? sum((i) => i.output_tokens) / n : null,
    cost_per_1k: pricePer1k,
    total_generation_time_ms: lat.reduce((a, b) => a + b, 0),
    avg_response_latency_ms: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : null,
    max_response_latency_ms: lat.length ? Math.max(...lat) : null,
    judge_input_tokens: 0,
    judge_output_tokens: 0,
    judge_cost_usd: null,
    total_estimated_cost: pricePer1k === null || n === 0 ? null : (pricePer1k / 1000) * n,
    total_estimated_cost_avg: pricePer1k === null || n === 0 ? null : pricePer1k / 1000,
  };
}

export interface ExperimentFixtureOptions {
  id?: string;
  name?: string;
  conversations?: number;
  configs?: string[];
  /** Target number of annotations over all items (approximate: at most what the scenarios offer). */
  annotations?: number;
  /** Fraction of items still running / pending / failed, for the live view. */
  live?: boolean;
  seed?: number;
}

export function experimentFixture(opts: ExperimentFixtureOptions = {}): ExperimentResource {
  const random = rng(opts.seed ?? 7);
  const conversations = opts.conversations ?? 100;
  const configs = opts.configs ?? configs3;
  const id = opts.id ?? 'exp_20251121_support';
  const summaries = conversationSummaries(conversations);
  const items: ExperimentItem[] = [];
  const totalItems = conversations * configs.length;
  const flagsPerItem = scenarios.reduce((n, s) => n + s.flags.length + (s.tool?.flags.length ?? 0), 0) / scenarios.length;
  const cleanRates = [0.12, 0.2, 0.08];
  const avgClean = configs.reduce((n, _c, ci) => n + cleanRates[ci % 3]!, 0) / configs.length;
  const keepRate = Math.min(1, (1.055 * (opts.annotations ?? 1000)) / (totalItems * (1 - avgClean) * flagsPerItem));
  configs.forEach((config, ci) => {
    summaries.forEach((c, i) => {
      const s = scenarios[i % scenarios.length]!;
      const message = toolMessage(s);
      const clean = random() < cleanRates[ci % 3]!;
      const annotations = annotate(
        s,
        message,
        () => !clean && random() < keepRate,
        () => (random() < 0.6 ? 'local' : 'judge'),
        () => Math.round((0.55 + random() * 0.45) * 100) / 100,
      );
      let status: ItemStatus = 'completed';
      if (opts.live) {
        const r = random();
        status = r < 0.55 ? 'completed' : r < 0.62 ? 'inference_completed' : r < 0.72 ? 'in_progress' : r < 0.95 ? 'pending' : 'failed';
      }
      // The live run has one conversation skipped for having no response (stored as failed with a
      // "skipped:" reason); decided after the draws so the random sequence stays the same.
      const skipped = opts.live && ci === 0 && i === 1;
      if (skipped) status = 'failed';
      const done = status === 'completed' || status === 'inference_completed';
      const latency = done
        ? Math.round((config === 'traced' ? 0 : 600) + random() * 2600 * (ci === 1 ? 0.6 : 1) + (random() < 0.05 ? 6000 : 0))
        : null;
      const input = done ? Math.round(900 + random() * 2400) : null;
      const output = done ? Math.round(80 + random() * 520) : null;
      items.push({
        id: `${id}-${config}-${c.id}`,
        conversation_id: c.id,
        model_config: config,
        sample_index: 0,
        status,
        failure_reason: skipped
          ? 'skipped: the conversation has no response to judge (no assistant message)'
          : status === 'failed'
            ? random() < 0.5
              ? 'HTTP 429: rate limited after 4 retries'
              : 'Request timed out after 60000 ms'
            : null,
        response_messages: done ? [{ message_index: 2, message }] : [],
        annotations: status === 'completed' ? annotations : [],
        input_tokens: input,
        output_tokens: output,
        reasoning_tokens: done && ci === 0 ? Math.round(random() * 300) : null,
        latency_ms: latency,
        time_to_first_token_ms: latency !== null ? Math.round(latency * 0.3) : null,
        finish_reason: done ? (s.tool ? 'tool_calls' : 'stop') : null,
        cost_usd: done && config !== 'traced' ? Math.round(((input ?? 0) * 2 + (output ?? 0) * 8) / 10) / 1e5 : null,
        // Every fourth conversation: what the detectors say about the item, and what minConfidence hid.
        ...(status === 'completed' && i % 4 === 3
          ? {
              detection_notes: [
                'the trace records no tool definitions: tool calls were not checked against a schema',
                ...(s.tool ? [] : ['2 assistant messages without content or tool calls were not judged']),
              ],
              hidden_annotations: (i % 3) + 1,
            }
          : {}),
        started_at: status === 'pending' ? null : '2025-11-21T21:14:03.000Z',
        completed_at: status === 'completed' ? '2025-11-21T21:19:47.000Z' : null,
      });
    });
  });
  const summary = { pending: 0, in_progress: 0, inference_completed: 0, completed: 0, failed: 0, skipped: 0, total: items.length };
  for (const i of items) summary[isSkippedItem(i) ? 'skipped' : i.status]++;
  const byModel: Record<string, Metrics> = {};
  configs.forEach(
    (c, ci) =>
      (byModel[c] = computeMetrics(
        items.filter((i) => i.model_config === c),
        c === 'traced' ? null : ([4.1, 0.82, 0][ci] ?? null),
      )),
  );
  return {
    id,
    name: opts.name ?? 'Support agent — gpt-4.1 vs mini vs traced',
    model: configs[0]!,
    pass_through: false,
    conversation_ids: summaries.map((c) => c.id),
    created_at: '2025-11-21T21:14:00.000Z',
    completed_at: opts.live ? null : '2025-11-21T21:19:47.000Z',
    created_by: 'vscode',
    reasoning_config: { effort: 'medium' },
    system_prompt_override: null,
    output_schema: null,
    total_items_count: items.length,
    completed_items_count: summary.completed,
    status_summary: summary,
    metrics: computeMetrics(items, configs.includes('traced') ? null : 2.4),
    metrics_by_model: configs.length > 1 ? byModel : {},
    items,
  };
}

export function experimentSummary(e: ExperimentResource, running = false): ExperimentSummary {
  return {
    id: e.id,
    name: e.name,
    model: e.model,
    pass_through: e.pass_through,
    created_at: e.created_at,
    completed_at: e.completed_at,
    status_summary: e.status_summary,
    total_hallucinations: e.metrics.total_hallucinations,
    hallucination_rate: e.metrics.hallucination_rate,
    running,
    items: e.items.map((i) => ({
      id: i.id,
      conversation_id: i.conversation_id,
      model_config: i.model_config,
      sample_index: i.sample_index,
      status: i.status,
      failure_reason: i.failure_reason,
      hallucinations: i.annotations.length,
    })),
  };
}

export function conversationContexts(
  count: number,
): Record<string, { id: string; file: string; line: number; messageCount: number; firstUserMessage: string }> {
  const out: Record<string, { id: string; file: string; line: number; messageCount: number; firstUserMessage: string }> = {};
  for (const c of conversationSummaries(count))
    out[c.id] = { id: c.id, file: c.file, line: c.line, messageCount: c.messageCount, firstUserMessage: c.firstUserMessage };
  return out;
}

export function totalAnnotations(e: ExperimentResource): number {
  return e.items.reduce((n, i) => n + i.annotations.length, 0);
}
