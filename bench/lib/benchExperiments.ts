// A store of finished experiments for the benches (experiment-list.ts, experiment-resource.ts):
// `count` experiments of `itemsPer` completed items each, every item with a realistic response, two
// annotations and the conversation snapshot, each record carrying its summary as a run's end writes it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Annotation, Conversation, ExperimentItem, ExperimentRecord } from '../../common/schema';
import { experimentConfigSchema } from '../../common/schema';
import { summarize } from '../../server/core/experiments/experimentSummary';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';

const toolResult = JSON.stringify({
  orders: Array.from({ length: 20 }, (_, i) => ({ id: `A-${1000 + i}`, status: 'shipped', carrier: 'DHL', eta: '2025-03-15' })),
});

export function conversation(i: number): Conversation {
  return {
    id: `conv-${i}`,
    file: 'bench.jsonl',
    line: i,
    position: i,
    sourcePath: [],
    messages: [
      { role: 'system', content: 'You are a support agent. Answer from the tool results only.' },
      { role: 'user', content: `Where is my order A-${1000 + (i % 20)}?` },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find_orders', arguments: '{"customer":"c-1"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: toolResult },
      { role: 'assistant', content: `Order A-${1000 + (i % 20)} left our Rotterdam warehouse on 12 March and arrives by Friday.` },
    ],
    tools: [],
  };
}

export function item(n: number, conv: Conversation): ExperimentItem {
  const text = String(conv.messages[4]!.content);
  const annotation = (label: string, quote: string): Annotation => ({
    label,
    text: quote,
    explanation: `${quote} is not in the tool result.`,
    message_index: 4,
    message_part_index: 0,
    start_offset: text.indexOf(quote),
    end_offset: text.indexOf(quote) + quote.length,
    tool_name: null,
    parameter_name: null,
    detector: 'local',
    confidence: 0.9,
  });
  return {
    id: String(n + 1).padStart(4, '0'),
    conversation_id: conv.id,
    model_config: 'gpt-bench',
    sample_index: 0,
    status: 'completed',
    failure_reason: null,
    response_messages: [{ message_index: 4, message: conv.messages[4]! }],
    annotations: [annotation('fabricated_entity', 'Rotterdam warehouse'), annotation('fabricated_date', '12 March')],
    input_tokens: 420,
    output_tokens: 38,
    reasoning_tokens: null,
    latency_ms: 812,
    time_to_first_token_ms: null,
    finish_reason: 'stop',
    cost_usd: 0.0004,
    started_at: '2025-03-01T10:00:00.000Z',
    completed_at: '2025-03-01T10:00:01.000Z',
  };
}

/** A store of `count` finished experiments, each record carrying its summary as the end of its run writes it. */
export async function makeStore(count: number, itemsPer: number, prefix = 'hl-bench-list-'): Promise<string> {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), '.hallucination-lab');
  const store = new ExperimentStore(root);
  const conversations = Array.from({ length: itemsPer }, (_, i) => conversation(i));
  const config = experimentConfigSchema.parse({
    name: 'bench',
    model: 'gpt-bench',
    pass_through: true,
    conversation_ids: conversations.map((c) => c.id),
  });
  for (let e = 0; e < count; e++) {
    const id = `exp-bench-${String(e).padStart(4, '0')}`;
    const record: ExperimentRecord = {
      id,
      name: `bench ${e}`,
      model: 'gpt-bench',
      pass_through: true,
      conversation_ids: config.conversation_ids,
      created_at: new Date(Date.UTC(2025, 2, 1, 0, e)).toISOString(),
      completed_at: '2025-03-01T12:00:00.000Z',
      created_by: 'bench',
      reasoning_config: null,
      system_prompt_override: null,
      output_schema: null,
      config,
    };
    const items = conversations.map((c, i) => item(i, c));
    store.create(record, conversations, items, summarize(record, items));
  }
  return root;
}
