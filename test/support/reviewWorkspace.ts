// The server built in process on a workspace of two traced answers — one with ungrounded numbers
// ("1000 bridges and 412 museums"), one without — and pass-through runs on both: what the review
// tests (comments, stored counts) give verdicts on.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as P from '../../common/protocol';
import { buildServer, type Client } from '../../server/modules';

const line = (id: string, answer: string) =>
  JSON.stringify({
    id,
    messages: [
      { role: 'user', content: `How many bridges and museums? (${id})` },
      { role: 'assistant', content: answer },
    ],
  });

export async function reviewWorkspace(prefix: string, notify: Client['notify'] = () => undefined) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(root, 'q.jsonl');
  fs.writeFileSync(file, `${line('q0', 'Paris has exactly 1000 bridges and 412 museums.')}\n${line('q1', 'Paris has many bridges.')}\n`);
  const client: Client = {
    notify,
    sendDiagnostics: () => undefined,
    askKey: async () => null,
    log: () => undefined,
    warn: () => undefined,
  };
  const server = buildServer(P.initializationOptionsSchema.parse({ workspaceRoot: root, createdBy: 'test' }), client, {
    get: () => undefined,
  });
  server.requests.setTraceFiles({ files: [file] });
  /** A pass-through experiment on both conversations, run to its end; its id. */
  const run = async (name: string): Promise<string> => {
    const created = server.requests.createExperiment({
      config: { name, model: 'traced', pass_through: true, conversation_ids: ['q0', 'q1'] },
    });
    if (!created.ok) throw new Error(`the experiment was refused: ${JSON.stringify(created)}`);
    await server.session.requireService().whenIdle(created.experiment.id);
    return created.experiment.id;
  };
  return { root, server, run, done: () => (server.dispose(), fs.rmSync(root, { recursive: true, force: true })) };
}
