// The batch's output and error files, line by line: each line names its request by custom_id and
// carries either the response (status code and body) or an error. A line is read with zod (the
// provider's files are input like any other); what cannot be read is said, never guessed.
import { z } from 'zod';
import { redactSecret } from '../redact';

/** What one request of a batch came to: the response body (status 200), or why it failed. */
export type BatchOutcome = { ok: true; body: unknown } | { ok: false; reason: string; code?: string };

const resultLineSchema = z.object({
  custom_id: z.string().min(1),
  response: z.object({ status_code: z.number().int(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

function errorMessage(body: unknown): string | null {
  const parsed = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
  return parsed.success ? parsed.data.error.message : null;
}

export type ParsedResultLine = { customId: string; outcome: BatchOutcome } | { problem: string };

/** One line of an output or error file. `apiKey`: redacted from any message kept. */
export function parseResultLine(line: string, batchId: string, apiKey: string | null): ParsedResultLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'a line is not JSON' };
  }
  const parsed = resultLineSchema.safeParse(value);
  if (!parsed.success) return { problem: `a line is not a batch result (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const { custom_id: customId, response, error } = parsed.data;
  const say = (text: string) => redactSecret(text, apiKey).slice(0, 600);
  if (error && (error.code || error.message)) {
    const what = [error.code, error.message].filter(Boolean).join(': ');
    return { customId, outcome: { ok: false, reason: say(`batch ${batchId}: ${what}`), ...(error.code ? { code: error.code } : {}) } };
  }
  if (!response)
    return { customId, outcome: { ok: false, reason: say(`batch ${batchId}: the result line has neither a response nor an error`) } };
  if (response.status_code !== 200) {
    const message = errorMessage(response.body) ?? JSON.stringify(response.body ?? null).slice(0, 300);
    return { customId, outcome: { ok: false, reason: say(`batch ${batchId}: HTTP ${response.status_code}: ${message}`) } };
  }
  return { customId, outcome: { ok: true, body: response.body } };
}

/** Calls `onLine` for every non-empty line of a byte stream (a downloaded file), without holding the file as one string. */
export async function forEachLine(stream: AsyncIterable<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim() !== '') onLine(line);
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== '') onLine(rest);
}
