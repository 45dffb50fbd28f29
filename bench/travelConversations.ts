// The generated workload of the throughput benches: travel-agent conversations with two tool calls,
// their results and an answer (every seventh with a made-up temperature), one JSON object a line.
import * as fs from 'node:fs';
import * as path from 'node:path';

const cities = ['Paris', 'Lisbon', 'Tel Aviv', 'Berlin', 'Madrid', 'Rome', 'Oslo', 'Prague'];

export function travelConversation(i: number): string {
  const city = cities[i % cities.length]!;
  const other = cities[(i + 3) % cities.length]!;
  const nights = 1 + (i % 6);
  const args = JSON.stringify({ city: i % 5 === 0 ? other : city, check_in: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`, nights });
  return JSON.stringify({
    id: `conv-${i}`,
    model: 'gpt-4o-mini',
    tools: [
      {
        type: 'function',
        function: {
          name: 'book_hotel',
          description: 'Book a hotel room.',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              check_in: { type: 'string' },
              nights: { type: 'integer' },
              guests: { type: 'integer', default: 1 },
            },
            required: ['city', 'check_in', 'nights'],
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
            required: ['city'],
          },
        },
      },
    ],
    messages: [
      { role: 'system', content: 'You are a travel assistant for Example Travel. Be brief and accurate. Prices are in EUR.' },
      {
        role: 'user',
        content: `Please book a hotel in ${city} from December ${1 + (i % 28)} for ${nights} nights. Also, what's the weather like there? I'd like something close to the old town, with breakfast if possible.`,
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: `c${i}a`, type: 'function', function: { name: 'book_hotel', arguments: args } },
          { id: `c${i}b`, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: `c${i}a`,
        content: JSON.stringify({ confirmation: `HX-${10000 + i}`, hotel: 'Hotel Central', price_eur: 80 + (i % 50) }),
      },
      { role: 'tool', tool_call_id: `c${i}b`, content: JSON.stringify({ temp_c: 5 + (i % 15), sky: 'cloudy' }) },
      {
        role: 'assistant',
        content: `Booked Hotel Central in ${city}, confirmation HX-${10000 + i}, ${80 + (i % 50)} EUR per night. It's ${5 + (i % 15)} °C and cloudy${i % 7 === 0 ? `, and it will be ${20 + (i % 9)} °C on Friday` : ''}.`,
      },
    ],
    usage: { prompt_tokens: 420, completion_tokens: 64, total_tokens: 484 },
  });
}

/** `dataDir`/conversations-<mb>mb.jsonl (default bench/.data), written once. */
export function travelConversationsFile(targetMb: number, dataDir = path.join(__dirname, '.data')): string {
  const file = path.join(dataDir, `conversations-${targetMb}mb.jsonl`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dataDir, { recursive: true });
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  for (let i = 0; bytes < targetMb * 1024 * 1024; i++) {
    const line = travelConversation(i) + '\n';
    fs.writeSync(fd, line);
    bytes += Buffer.byteLength(line);
  }
  fs.closeSync(fd);
  return file;
}
