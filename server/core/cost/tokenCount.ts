// Counting the tokens of a chat request before it is sent, with js-tiktoken (the maintained
// JavaScript port of OpenAI's tiktoken). One encoding is bundled, o200k_base (2.3 MB): the one of
// every current OpenAI model (gpt-4o, gpt-4.1, gpt-5, o-series). Any other model is counted with
// it too, and the count is then said to be an approximation: older OpenAI models (cl100k_base,
// another 1.1 MB in every bundle) differ by a few %, other providers' tokenizers by some 10–20 %.
import { createHash } from 'node:crypto';
import { Tiktoken, getEncodingNameForModel, type TiktokenModel } from 'js-tiktoken/lite';
import o200k_base from 'js-tiktoken/ranks/o200k_base';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

type EncodingName = 'o200k_base';

/** How a model's tokens are counted: the encoding, and whether it is the model's own. */
export interface TokenCounter {
  encoding: EncodingName;
  exact: boolean;
  /** "js-tiktoken o200k_base" or "js-tiktoken o200k_base (approximation: not an OpenAI model)". */
  description: string;
  count(text: string): number;
}

// Built on first use: reading the ranks takes some 100 ms, and only an estimate needs them.
const encoders = new Map<EncodingName, Tiktoken>();
function encoder(name: EncodingName): Tiktoken {
  let e = encoders.get(name);
  if (!e) encoders.set(name, (e = new Tiktoken(o200k_base)));
  return e;
}

/**
 * Counts of long texts, kept by their SHA-1: the form asks for the estimate again as the person
 * types, over the same conversations (tokenizing runs at about 1–2 MB/s; hashing at hundreds).
 * Only numbers are kept, at most CACHE_ENTRIES of them (the oldest go first).
 */
const CACHE_MIN_CHARS = 1024;
const CACHE_ENTRIES = 20_000;
const counts = new Map<string, number>();

function countCached(encoding: EncodingName, text: string): number {
  if (text.length < CACHE_MIN_CHARS) return encoder(encoding).encode(text, [], []).length;
  const key = `${encoding}:${createHash('sha1').update(text).digest('base64')}`;
  const known = counts.get(key);
  if (known !== undefined) return known;
  const n = encoder(encoding).encode(text, [], []).length;
  if (counts.size >= CACHE_ENTRIES) counts.delete(counts.keys().next().value!);
  counts.set(key, n);
  return n;
}

function encodingOf(model: string): { encoding: EncodingName; exact: boolean; why?: string } {
  // A deployment or router name often carries a prefix ("openai/gpt-4.1"): the last segment is the model.
  const name = model.split('/').pop() ?? model;
  try {
    const e = getEncodingNameForModel(name as TiktokenModel);
    if (e === 'o200k_base') return { encoding: e, exact: true };
    return { encoding: 'o200k_base', exact: false, why: `${name} uses ${e}` };
  } catch {
    // not a model js-tiktoken knows
  }
  // Newer OpenAI families js-tiktoken may not list yet share o200k_base.
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(name)) return { encoding: 'o200k_base', exact: true };
  return { encoding: 'o200k_base', exact: false, why: 'not an OpenAI model' };
}

export function tokenCounter(model: string): TokenCounter {
  const { encoding, exact, why } = encodingOf(model);
  return {
    encoding,
    exact,
    description: exact ? `js-tiktoken ${encoding}` : `js-tiktoken ${encoding} (approximation: ${why})`,
    // Special-token text in a trace ("<|endoftext|>") is counted as ordinary text, never refused.
    count: (text) => (text ? countCached(encoding, text) : 0),
  };
}

/** Text of a message's content, whatever its shape (parts that are not text count by their JSON). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p: unknown) => (p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : JSON.stringify(p)))
      .join('');
  return '';
}

/**
 * Input tokens of a chat request, as OpenAI's cookbook counts them: 3 per message, its role, its
 * content, 1 more with a name, tool calls by their name and arguments, 3 to prime the reply.
 * Tools and a response format count by their JSON text (the provider's own rendering of them is
 * not published: an approximation within a few %).
 */
export function countRequestTokens(
  counter: TokenCounter,
  body: { messages: readonly ChatCompletionMessageParam[]; tools?: readonly unknown[]; response_format?: unknown },
): number {
  let n = 3;
  for (const m of body.messages) {
    n += 3 + counter.count(m.role) + counter.count(contentText(m.content));
    if ('name' in m && typeof m.name === 'string') n += 1 + counter.count(m.name);
    if ('tool_calls' in m && Array.isArray(m.tool_calls))
      for (const c of m.tool_calls as { function?: { name?: string; arguments?: string } }[])
        n += counter.count(c.function?.name ?? '') + counter.count(c.function?.arguments ?? '');
  }
  if (body.tools && body.tools.length > 0) n += counter.count(JSON.stringify(body.tools));
  if (body.response_format !== undefined) n += counter.count(JSON.stringify(body.response_format));
  return n;
}
