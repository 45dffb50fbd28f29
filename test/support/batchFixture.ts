// An experiment service on real sources and the real judge, its models at a Batch API stand-in
// (mockBatchServer.ts): what the batch tests share.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsSchema, type Settings } from '../../common/protocol';
import { ExperimentService } from '../../server/core/experiments/experimentService';
import { ExperimentStore } from '../../server/core/experiments/experimentStore';
import { detectorsFor, inferenceFor } from '../../server/core/experiments/pipeline';
import { TraceIndex } from '../../server/core/traceIndex';
import type { MockBatchServer } from './mockBatchServer';

/** `count` conversations c001… each a question and a traced answer with a number in it. */
export function batchConversations(count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `c${String(i + 1).padStart(3, '0')}`,
      messages: [
        { role: 'user', content: `How many rooms does hotel ${i + 1} have?` },
        { role: 'assistant', content: `Hotel ${i + 1} has ${100 + i} rooms.` },
      ],
    }),
  ).join('\n');
}

export function batchSetup(server: MockBatchServer, conversations = 25, extra: Partial<Settings> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-batch-'));
  const index = new TraceIndex();
  index.update(path.join(dir, 't.jsonl'), batchConversations(conversations));
  const store = new ExperimentStore(path.join(dir, '.hallucination-lab'));
  const settings = settingsSchema.parse({
    models: [{ model: 'target-model', baseURL: server.url, input_price_per_1m: 2, output_price_per_1m: 8 }],
    judgeModel: { model: 'judge-model', baseURL: server.url, input_price_per_1m: 1, output_price_per_1m: 4 },
    maxRetries: 0,
    requestTimeoutMs: 10_000,
    ...extra,
  });
  const logs: string[] = [];
  const make = () =>
    new ExperimentService({
      store,
      conversations: index,
      createdBy: 'test',
      concurrency: () => 4,
      detectorsFor: (config) => detectorsFor(config, settings, async () => 'sk-test-key-0123456789', true),
      inferenceFor: (model, config) => inferenceFor(model, config, settings, async () => 'sk-test-key-0123456789', true),
      log: (m) => logs.push(m),
    });
  const ids = Array.from({ length: conversations }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
  return { dir, store, make, ids, logs, settings };
}
