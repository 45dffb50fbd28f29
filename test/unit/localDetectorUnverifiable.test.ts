// Values the conversation cannot confirm or refute are not hallucinations: a date for "next
// month" when no date is stated, the current year a parameter's description asks for; and
// standard codes of what the user named ("CN" for China, "fr" for French, "EUR" for euros).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, ToolDefinition } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

function tool(properties: Record<string, unknown>): ToolDefinition {
  return { type: 'function', function: { name: 'lookup', description: 'Look something up.', parameters: { type: 'object', properties } } };
}
function detect(user: string, args: Record<string, unknown>, properties: Record<string, unknown>, system?: string): Annotation[] {
  const messages = [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    { role: 'user' as const, content: user },
    {
      role: 'assistant' as const,
      content: null,
      tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'lookup', arguments: JSON.stringify(args) } }],
    },
  ];
  const conversation = { id: 'c', file: 'f.jsonl', line: 0, position: 0, sourcePath: [], messages, tools: [tool(properties)] };
  return detectLocal({ conversation, messageIndex: messages.length - 1, message: messages[messages.length - 1]! });
}
const dateParam = { date: { type: 'string', description: 'Time frame to search.' } };

test('a date for a relative time with no date stated anywhere is unverifiable, not made up', () => {
  for (const date of ['2023-06-01', '06/01/2023', 'June 2023'])
    assert.deepEqual(detect('Get pop concerts in New York for next month.', { date }, dateParam), [], date);
  assert.deepEqual(detect('¿Qué conciertos hay mañana en Madrid?', { date: '2024-05-02' }, dateParam), []);
  assert.deepEqual(detect('明天北京的天气怎么样？', { date: '2024-05-02' }, dateParam), []);
});

test('once the context states a date, a relative date must follow from it', () => {
  const anns = detect('Get concerts for tomorrow.', { date: '2025-06-09' }, dateParam, 'Today is 2025-06-01.');
  assert.equal(anns.length, 1);
  assert.equal(anns[0]!.label, 'ungrounded_parameter_value');
  assert.deepEqual(detect('Get concerts for tomorrow.', { date: '2025-06-02' }, dateParam, 'Today is 2025-06-01.'), []);
});

test('a date where no date belongs stays flagged, relative time or not', () => {
  const anns = detect(
    'Remove the stock I added today.',
    { symbol: 'July 1st' },
    { symbol: { type: 'string', description: 'Ticker symbol.' } },
  );
  assert.equal(anns.length, 1);
});

test('without a relative expression a date nobody gave is still made up', () => {
  assert.equal(detect('Get pop concerts in New York.', { date: '2023-06-01' }, dateParam).length, 1);
});

test('the current year a parameter description asks for is unverifiable; another number is not', () => {
  const year = { year: { type: 'integer', description: 'The year of the estimate. Default is the current year.' } };
  assert.deepEqual(detect('Estimate the population of pandas in China.', { year: 2024 }, year), []);
  const count = { count: { type: 'integer', description: 'How many to return.' } };
  assert.equal(detect('Estimate the population of pandas in China.', { count: 2024 }, count).length, 1);
});

test('a standard code of a country, language or currency the user named is grounded', () => {
  const p = { code: { type: 'string', description: 'Code.' } };
  assert.deepEqual(detect('Estimate the population of pandas in China.', { code: 'CN' }, p), []);
  assert.deepEqual(detect('Translate this into French please.', { code: 'fr' }, p), []);
  assert.deepEqual(detect('Convert 20 euros to dollars.', { code: 'EUR' }, p), []);
  assert.deepEqual(detect('Convert €20 to dollars.', { code: 'EUR' }, p), []);
  assert.deepEqual(detect('Quiero viajar a Alemania.', { code: 'DE' }, p), []);
  assert.deepEqual(detect('我想去日本旅游', { code: 'JP' }, p), []);
});

test('a code of something the user did not name is still made up', () => {
  const p = { code: { type: 'string', description: 'Code.' } };
  assert.equal(detect('Estimate the population of pandas in China.', { code: 'BR' }, p).length, 1);
  assert.equal(detect('Convert 20 euros to dollars.', { code: 'JPY' }, p).length, 1);
});

test('a letter standing for an option the description offers and the user picked is grounded; another letter is not', () => {
  const p = { thinking_vs_feeling: { type: 'string', description: 'Preference of user between thinking and feeling.' } };
  const user = 'My preferences lean more towards feeling than thinking.';
  assert.deepEqual(detect(user, { thinking_vs_feeling: 'F' }, p), []);
  assert.equal(detect(user, { thinking_vs_feeling: 'Q' }, p).length, 1);
});

test('women and female name the same category', () => {
  const p = { gender: { type: 'string', description: 'The category.' } };
  assert.deepEqual(detect('Who is the top female player?', { gender: 'women' }, p), []);
  assert.equal(detect('Who is the top female player?', { gender: 'juniors' }, p).length, 1);
});

test('what a user wrote in another language grounds its English form: countries, languages, cities, number words, currency nouns', () => {
  const p = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { type: 'string', description: n }]));
  assert.deepEqual(detect('Quiero viajar a Alemania el próximo mes', { country: 'Germany' }, p('country')), []);
  assert.deepEqual(detect('Traduce esto al inglés', { target_language: 'English' }, p('target_language')), []);
  assert.deepEqual(detect('Je veux un vol pour Londres', { destination: 'London' }, p('destination')), []);
  assert.deepEqual(detect('Сколько стоит билет в Москву?', { city: 'Moscow' }, p('city')), []);
  assert.deepEqual(detect('Busca vuelos de Madrid a Pekín', { to: 'Beijing' }, p('to')), []);
  assert.deepEqual(detect('Reserva un hotel para dos personas', { guests: 2 }, { guests: { type: 'integer', description: 'guests' } }), []);
  assert.deepEqual(
    detect('Ich brauche einen Tisch für zwölf Personen', { guests: 12 }, { guests: { type: 'integer', description: 'guests' } }),
    [],
  );
  assert.deepEqual(detect('Convierte 100 dólares a euros', { from: 'USD', to: 'EUR' }, p('from', 'to')), []);
});

test('another country, city or number than the user wrote in another language is still made up', () => {
  const p = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { type: 'string', description: n }]));
  assert.equal(detect('Quiero viajar a Alemania', { country: 'France' }, p('country')).length, 1);
  assert.equal(detect('Je veux un vol pour Londres', { destination: 'Paris' }, p('destination')).length, 1);
  assert.equal(
    detect('Reserva un hotel para dos personas', { guests: 5 }, { guests: { type: 'integer', description: 'guests' } }).length,
    1,
  );
  assert.equal(detect('Convierte 100 dólares a euros', { from: 'JPY' }, p('from')).length, 1);
});

test('dates and times written in other languages ground their ISO form, and a different day or hour is still made up', () => {
  const p = { date: { type: 'string', description: 'Date.' }, time: { type: 'string', description: 'Time.' } };
  const cases: [string, Record<string, string>][] = [
    ['Reserva una mesa para el 5 de marzo de 2025 a las 8 de la tarde', { date: '2025-03-05', time: '20:00' }],
    ['Je voudrais réserver pour le 15 juin 2025 à 20h30', { date: '2025-06-15', time: '20:30' }],
    ['Buche einen Flug am 3. März 2025 um 8 Uhr', { date: '2025-03-03', time: '08:00' }],
    ['2025年3月5日下午3点北京天气', { date: '2025-03-05', time: '15:00' }],
    ['Бронь на 15 марта 2025', { date: '2025-03-15' }],
  ];
  for (const [user, args] of cases) assert.deepEqual(detect(user, args, p), [], user);
  assert.equal(detect('Reserva una mesa para el 5 de marzo de 2025', { date: '2025-03-06' }, p).length, 1);
  assert.equal(detect('2025年3月5日下午3点北京天气', { date: '2025-03-05', time: '16:00' }, p).length, 1);
});

test('tomorrow said in another language follows from the stated date', () => {
  const p = { date: { type: 'string', description: 'Date.' } };
  assert.deepEqual(detect('Prenota un tavolo per domani', { date: '2025-06-02' }, p, 'Oggi è il 2025-06-01.'), []);
  assert.equal(detect('Prenota un tavolo per domani', { date: '2025-06-05' }, p, 'Oggi è il 2025-06-01.').length, 1);
});

test('an English word that abbreviates a month elsewhere is not read as a date', () => {
  const p = { date: { type: 'string', description: 'Date.' } };
  assert.equal(detect('Please set 5 alarms for me', { date: '2025-09-05' }, p).length, 1);
});

test('numbers in Chinese numerals and Russian city forms ground their values', () => {
  const p = { destination: { type: 'string', description: 'City.' }, tickets: { type: 'integer', description: 'How many.' } };
  assert.deepEqual(detect('帮我订两张去上海的机票', { destination: 'Shanghai', tickets: 2 }, p), []);
  assert.equal(detect('帮我订两张去上海的机票', { destination: 'Shanghai', tickets: 3 }, p).length, 1);
  assert.deepEqual(detect('Найди рестораны в Санкт-Петербурге', { destination: 'Saint Petersburg' }, p), []);
});

test('weekdays and next week/month in other languages follow from the stated date', () => {
  const p = { date: { type: 'string', description: 'Date.' } };
  const today = 'Hoy es 2025-06-04.'; // a Wednesday
  assert.deepEqual(detect('Reserva una mesa para el lunes', { date: '2025-06-09' }, p, today), []);
  assert.deepEqual(detect('Buche einen Termin am Freitag', { date: '2025-06-06' }, p, today), []);
  assert.deepEqual(detect('Réserve pour mardi prochain', { date: '2025-06-10' }, p, today), []);
  assert.equal(detect('Reserva una mesa para el lunes', { date: '2025-06-12' }, p, today).length, 1);
});
