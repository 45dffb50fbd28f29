// Indexing and local-detector throughput on a generated 50 MB JSONL of conversations.
// Each measurement runs in its own process so peak RSS belongs to it alone.
//   node --import tsx bench/indexing.ts [--mb 50]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTraceText } from '../server/core/traceParser';
import { detectLocal } from '../server/core/detectors/local';
import { travelConversationsFile } from './travelConversations';

const mbArg = process.argv.indexOf('--mb');
const targetMb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 50;
const file = path.join(__dirname, '.data', `conversations-${targetMb}mb.jsonl`);

type Phase = 'bare' | 'bareKeep' | 'index' | 'detect';
function runPhase(phase: Phase): { ms: number; count: number; rssMb: number } {
  const text = fs.readFileSync(file, 'utf8');
  const t0 = performance.now();
  let count = 0;
  if (phase === 'bare') {
    for (const line of text.split('\n'))
      if (line) {
        JSON.parse(line);
        count++;
      }
  } else if (phase === 'bareKeep') {
    // The same loop keeping what it parsed, as an index must: the garbage collector's share shows.
    const kept: unknown[] = [];
    for (const line of text.split('\n')) if (line) kept.push(JSON.parse(line));
    count = kept.length;
  } else {
    const parsed = parseTraceText(file, text);
    count = parsed.conversations.length;
    if (phase === 'detect') {
      const t1 = performance.now();
      for (const c of parsed.conversations)
        c.messages.forEach((message, messageIndex) => {
          if (message.role === 'assistant')
            detectLocal({ conversation: { ...c, messages: c.messages.slice(0, messageIndex) }, messageIndex, message });
        });
      return { ms: performance.now() - t1, count, rssMb: process.resourceUsage().maxRSS / 1024 };
    }
  }
  return { ms: performance.now() - t0, count, rssMb: process.resourceUsage().maxRSS / 1024 };
}

const phaseArg = process.argv.indexOf('--phase');
if (phaseArg > 0) {
  process.stdout.write(JSON.stringify(runPhase(process.argv[phaseArg + 1] as Phase)));
} else {
  travelConversationsFile(targetMb);
  const sizeMb = fs.statSync(file).size / 1048576;
  const measure = (phase: Phase) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', __filename, '--phase', phase, '--mb', String(targetMb)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      }),
    ) as ReturnType<typeof runPhase>;
  const best = (phase: Phase) => [measure(phase), measure(phase), measure(phase)].sort((a, b) => a.ms - b.ms)[0]!;
  const bare = best('bare');
  const bareKeep = best('bareKeep');
  const index = best('index');
  const detect = best('detect');
  console.log(`file: ${path.relative(process.cwd(), file)} (${sizeMb.toFixed(1)} MB, ${index.count} conversations); best of 3 runs each`);
  console.log(`bare JSON.parse per line : ${bare.ms.toFixed(0)} ms  peak RSS ${bare.rssMb.toFixed(0)} MB`);
  console.log(
    `indexing (parseTraceText): ${index.ms.toFixed(0)} ms  peak RSS ${index.rssMb.toFixed(0)} MB  (${(sizeMb / (index.ms / 1000)).toFixed(1)} MB/s)`,
  );
  console.log(`bare, keeping the values : ${bareKeep.ms.toFixed(0)} ms  peak RSS ${bareKeep.rssMb.toFixed(0)} MB`);
  console.log(
    `ratio indexing / bare    : ${(index.ms / bare.ms).toFixed(2)}×  (goal ≤ 1.5×); / bare keeping the values: ${(index.ms / bareKeep.ms).toFixed(2)}×`,
  );
  console.log(
    `local detector           : ${((detect.count / detect.ms) * 1000).toFixed(0)} conversations/s on one core (goal ≥ 2,000/s), ${detect.ms.toFixed(0)} ms for ${detect.count}`,
  );
}
