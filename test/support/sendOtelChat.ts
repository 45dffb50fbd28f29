// An instrumented "app" as a user runs one: the real OTel SDK with the OTLP/HTTP JSON exporter,
// pointed at the receiver by OTEL_EXPORTER_OTLP_ENDPOINT (the exporter's own variable), records an
// agent span and a chat span whose tool call asks for 12 days where the user said 5. Prints the
// trace id. Used by the UI flow of live traces:
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node --import tsx test/support/sendOtelChat.ts
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLP_CHAT_USER } from './otlpChat';

async function main(): Promise<void> {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error('set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318)');
  // No url: the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT and appends /v1/traces, as in an app.
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
  const tracer = provider.getTracer('weather-app');
  const root = tracer.startSpan('invoke_agent weather', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: OTLP_CHAT_USER }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', days: 12 } }],
            finish_reason: 'tool_call',
          },
        ]),
        'gen_ai.tool.definitions': JSON.stringify([
          {
            type: 'function',
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
          },
        ]),
      },
    },
    trace.setSpan(context.active(), root),
  );
  chat.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(`${root.spanContext().traceId}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
