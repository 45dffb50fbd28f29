// Detection time against conversation length (issue 15, cliff 3): every assistant message of one
// long agent conversation judged on what came before it, as pass-through does — 200, 800 and
// 3,200 messages. With the context built once per conversation and extended message by message,
// the time grows with the responses, not responses × context (goal: 3,200 ≤ 4× the time of 800).
// Also the throughput on typical conversations (goal ≥ 2,000 conversations/s on one core).
// Run: node --import tsx bench/detector-scaling.ts [--typical]
import type { Conversation, Message, ToolDefinition } from '../common/schema';
import { detectLocal } from '../server/core/detectors/local/index';

type JsonObject = Record<string, unknown>;

const tools: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'search_orders',
      description: 'Search the orders of a customer.',
      parameters: {
        type: 'object',
        properties: {
          customer_id: { type: 'string' },
          status: { type: 'string', enum: ['open', 'shipped', 'returned'] },
          limit: { type: 'integer', default: 10 },
        },
        required: ['customer_id'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'refund',
      description: 'Refund an order.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string' }, amount: { type: 'number' }, reason: { type: 'string' } },
        required: ['order_id', 'amount'],
      },
    },
  },
];

function call(id: string, name: string, args: JsonObject): Message {
  return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] };
}

/** An agent conversation of `n` messages: rounds of user question, tool call, long tool result, answer. */
function agentConversation(n: number, seed: number): Conversation {
  const messages: Message[] = [
    {
      role: 'system',
      content: 'You are the support agent of Northwind Outfitters. Today is 2025-03-14. Refunds above $500 need a manager.',
    },
  ];
  for (let r = 0; messages.length < n; r++) {
    const customer = `C-${seed}-${r}`;
    const order = `O-${10_000 + seed * 1000 + r}`;
    const amount = 20 + ((r * 37 + seed) % 400) + 0.99;
    messages.push({
      role: 'user',
      content: `Round ${r}: customer ${customer} wants order ${order} refunded, it arrived damaged on March ${1 + (r % 28)}.`,
    });
    messages.push(call(`s${r}`, 'search_orders', { customer_id: customer, status: 'shipped' }));
    const items = Array.from({ length: 6 }, (_, k) => ({
      order_id: k === 0 ? order : `O-${r}-${k}`,
      total: amount + k * 13,
      sku: `SKU-${r * 7 + k}`,
      shipped: `2025-02-${10 + k}`,
      carrier: ['UPS', 'DHL', 'FedEx'][k % 3],
    }));
    messages.push({
      role: 'tool',
      tool_call_id: `s${r}`,
      content: JSON.stringify({ customer, orders: items, note: `Customer since 20${10 + (r % 14)}, ${r % 5} earlier refunds.` }),
    });
    messages.push({
      ...call(`f${r}`, 'refund', { order_id: order, amount, reason: 'arrived damaged' }),
      content: `Refunded $${amount.toFixed(2)} for ${order} (shipped by ${items[0]!.carrier} on ${items[0]!.shipped}); the customer has ${r % 5} earlier refunds.`,
    });
  }
  messages.length = n;
  return { id: `agent-${n}-${seed}`, file: 'bench', line: 0, position: 0, sourcePath: [], messages, tools };
}

/** Pass-through on one conversation: each assistant message judged on a new slice before it. */
function passThrough(c: Conversation): number {
  let responses = 0;
  c.messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    responses++;
    detectLocal({ conversation: { ...c, messages: c.messages.slice(0, i) }, messageIndex: i, message: m });
  });
  return responses;
}

function cpuSeconds<T>(f: () => T): { secs: number; result: T } {
  const t0 = process.cpuUsage();
  const result = f();
  const d = process.cpuUsage(t0);
  return { secs: (d.user + d.system) / 1e6, result };
}

// --typical: only the throughput on typical conversations (for profiling and side-by-side runs)
const lengths = process.argv.includes('--typical') ? [] : [200, 800, 3200];
if (lengths.length > 0) console.log('pass-through detection against conversation length (CPU seconds, median of 3 fresh conversations):');
const times = new Map<number, number>();
for (const n of lengths) {
  const runs: number[] = [];
  let responses = 0;
  for (let s = 0; s < 3; s++) {
    const c = agentConversation(n, n * 10 + s);
    const { secs, result } = cpuSeconds(() => passThrough(c));
    runs.push(secs);
    responses = result;
  }
  runs.sort((a, b) => a - b);
  times.set(n, runs[1]!);
  console.log(
    `  ${String(n).padStart(5)} messages (${responses} responses): ${runs[1]!.toFixed(3)} s  (${((runs[1]! * 1000) / responses).toFixed(2)} ms per response)`,
  );
}
if (lengths.length > 0)
  console.log(`  3,200 / 800: ${(times.get(3200)! / times.get(800)!).toFixed(2)}× (goal ≤ 4×; quadratic would be 16×)`);

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
    {
      type: 'function',
      function: {
        name: 'search_hotels',
        description: 'Search hotels in a city for given dates. Returns up to 10 results sorted by price.',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name, e.g. "Berlin"' },
            check_in: { type: 'string', description: 'Check-in date (YYYY-MM-DD)' },
            nights: { type: 'integer', minimum: 1 },
            guests: { type: 'integer', default: 2 },
            sort: { type: 'string', enum: ['price', 'rating', 'distance'] },
          },
          required: ['city', 'check_in', 'nights'],
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'book_hotel',
        description: 'Book a hotel room by hotel id.',
        parameters: {
          type: 'object',
          properties: {
            hotel_id: { type: 'string' },
            guest_name: { type: 'string' },
            email: { type: 'string' },
            nights: { type: 'integer' },
          },
          required: ['hotel_id', 'guest_name'],
        },
      },
    },
  ];
  const call = (id: string, name: string, args: JsonObject): Message => ({
    role: 'assistant',
    content: null,
    tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
  });
  const messages: Message[] = [
    {
      role: 'system',
      content:
        "You are a travel assistant for WanderWise. Always confirm prices in USD and never book without the user's explicit consent. Our support line is +1 (800) 555-0199.",
    },
    {
      role: 'user',
      content: `Hi (ref ${i})! I need a hotel in ${city} for 3 nights starting March ${day}, 2025, for two adults. Budget around $${price + 30} per night. My name is Dana Levi, dana.levi${i}@example.org.`,
    },
    call('c1', 'search_hotels', { city: `${city}, Portugal`, check_in: `2025-03-${day}`, nights: 3, guests: 2, sort: 'price' }),
    {
      role: 'tool',
      tool_call_id: 'c1',
      content: JSON.stringify({
        query_id: i,
        results: [
          {
            id: `H-${1000 + i}`,
            name: 'Seaside Boutique Hotel',
            price_per_night: price,
            rating: 4.6,
            address: '12 Herbert Samuel St',
            distance_km: 0.4,
          },
          {
            id: `H-${2000 + i}`,
            name: 'Grand Plaza Residence',
            price_per_night: price + 26.5,
            rating: 4.3,
            address: '88 Rothschild Blvd',
            distance_km: 1.2,
          },
          {
            id: `H-${3000 + i}`,
            name: 'Urban Nest Suites',
            price_per_night: price - 30.01,
            rating: 4.1,
            address: '5 Dizengoff Sq',
            distance_km: 2.8,
          },
        ],
      }),
    },
    {
      role: 'assistant',
      content: `I found 3 options: Seaside Boutique Hotel at $${price}/night (rating 4.6), Grand Plaza Residence at $${price + 26.5} (4.3) and Urban Nest Suites at $${(price - 30.01).toFixed(2)} (4.1). Which one would you like?`,
    },
    { role: 'user', content: 'Book the Seaside Boutique Hotel please.' },
    {
      ...call('c2', 'book_hotel', { hotel_id: `H-${1000 + i}`, guest_name: 'Dana Levi', email: `dana.levi${i}@example.org`, nights: 3 }),
      content: `Booked! Your stay at Seaside Boutique Hotel is confirmed: 3 nights from March ${day} for a total of $${(price * 3).toFixed(2)}. A receipt goes to dana.levi${i}@example.org; see https://wanderwise.example.com/help for changes.`,
    },
  ];
  return { id: `typical-${i}`, file: 'typical', line: i, position: i, sourcePath: [], messages, tools };
}

const typical = Array.from({ length: 2000 }, (_, i) => typicalConversation(i));
for (const [name, targets] of [
  ['last response', (c: Conversation) => [c.messages.length - 1]],
  ['every response', (c: Conversation) => c.messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []))],
] as const) {
  const reps = 5;
  const { secs } = cpuSeconds(() => {
    for (let r = 0; r < reps; r++)
      for (const c of typical) for (const i of targets(c)) detectLocal({ conversation: c, messageIndex: i, message: c.messages[i]! });
  });
  console.log(
    `typical conversations (${typical[0]!.messages.length} messages, 2 tool calls, every text unique), ${name}: ${Math.round((reps * typical.length) / secs)} conversations per CPU-second`,
  );
}
