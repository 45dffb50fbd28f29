// `hallucination-lab convert`: trace files to OpenAI chat-format lines, what each file held on stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertFiles, coverageLines } from './core/formats/convert';
import type { FormatChoice } from './core/formats/indexer';
import { InputError, UsageError } from './cliErrors';
import { shownLines } from './terminalText';

/** `convert`: the conversations as read, one chat-format line each; coverage on stderr. */
export async function convert(
  files: string[],
  format: FormatChoice | undefined,
  outFile: string | undefined,
  display: (f: string) => string,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number> {
  if (files.length === 0) throw new UsageError('convert needs at least one trace file');
  const result = convertFiles(
    files.map((f) => path.resolve(f)),
    { ...(format ? { format } : {}), displayName: display },
  );
  // Nothing converted: the one line below says why.
  if (result.lines.length)
    for (const f of result.files) {
      for (const line of coverageLines(f)) io.err.write(`${shownLines(line)}\n`);
      if (!f.refused) for (const p of f.problems) if (p.severity === 'error') io.err.write(`${p.severity}: ${shownLines(p.message)}\n`);
    }
  if (result.lines.length === 0) throw new InputError(result.files.map((f) => f.refused ?? `${f.name}: no conversations`).join('; '));
  const body = result.lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  if (outFile) {
    fs.writeFileSync(outFile, body);
    io.err.write(
      `${result.lines.length} conversation${result.lines.length === 1 ? '' : 's'} written to ${display(path.resolve(outFile))}\n`,
    );
  } else io.out.write(body);
  return 0;
}
