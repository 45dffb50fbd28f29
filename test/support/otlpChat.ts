// An OTLP/JSON export request as an OTel GenAI instrumentation sends it: an agent root span and a
// chat span whose tool call asks for 12 days where the user said 5 — the planted ungrounded number
// the local detector reports (get_weather.days "12"). Shared by the receiver's unit, protocol and editor tests.

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

export const OTLP_CHAT_USER = 'Weather in Oslo for 5 days';

/** A random 32-hex trace id (each test its own trace). */
export function randomTraceId(): string {
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

/** `withRoot: false`: the chat span alone (its trace not complete yet). */
export function otlpChatRequest(traceId: string, withRoot = true) {
  const root = 'a1b2c3d4e5f60001';
  const chat = {
    traceId,
    spanId: 'a1b2c3d4e5f60002',
    parentSpanId: root,
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: '1741597200100000000',
    endTimeUnixNano: '1741597202300000000',
    attributes: [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.request.model', 'gpt-4o'),
      str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: OTLP_CHAT_USER }] }])),
      str(
        'gen_ai.output.messages',
        JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', days: 12 } }],
            finish_reason: 'tool_call',
          },
        ]),
      ),
      str(
        'gen_ai.tool.definitions',
        JSON.stringify([
          {
            type: 'function',
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
          },
        ]),
      ),
    ],
    status: {},
  };
  const agent = {
    traceId,
    spanId: root,
    name: 'invoke_agent weather',
    kind: 1,
    startTimeUnixNano: '1741597200000000000',
    endTimeUnixNano: '1741597209100000000',
    attributes: [str('gen_ai.operation.name', 'invoke_agent')],
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'weather-app')] },
        scopeSpans: [{ scope: { name: 'test' }, spans: withRoot ? [chat, agent] : [chat] }],
      },
    ],
  };
}
