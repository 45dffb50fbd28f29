// Which endpoint a stored API key may be sent to. A key is bound to the origin (scheme, host and
// port of the base URL) it was entered for: a workspace's settings or a committed experiment can
// name any base URL, so sending the key anywhere else needs the user's yes first. Pure (no
// `vscode`), so it is unit-tested.
import { z } from 'zod';

/** The endpoint of a model without `baseURL` (the server's default; test/unit/keyOrigin checks they agree). */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** "https://host:port" of a URL (the port only when not the scheme's default); null when it is not a URL. */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.origin !== 'null') return u.origin;
  return u.host ? `${u.protocol}//${u.host}` : null;
}

const storedKeySchema = z.object({ v: z.literal(1), key: z.string().min(1), origins: z.array(z.string()) });
export type StoredKey = z.infer<typeof storedKeySchema>;

/** What SecretStorage holds: a JSON record; a bare string is a key stored before keys were bound (no origin yet). */
export function parseStoredKey(raw: string | undefined): StoredKey | null {
  if (raw === undefined || raw === '') return null;
  try {
    const parsed = storedKeySchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    /* not JSON: a legacy bare key */
  }
  return { v: 1, key: raw, origins: [] };
}

export function serializeStoredKey(key: StoredKey): string {
  return JSON.stringify(key);
}

export type KeyDecision = { kind: 'send' } | { kind: 'none'; reason: 'no-key' | 'bad-url' } | { kind: 'ask'; target: string };

/** Send the key to `baseURL`, ask the user first, or send none. */
export function keyDecision(stored: StoredKey | null, baseURL: string): KeyDecision {
  if (!stored) return { kind: 'none', reason: 'no-key' };
  const target = originOf(baseURL);
  if (!target) return { kind: 'none', reason: 'bad-url' };
  return stored.origins.includes(target) ? { kind: 'send' } : { kind: 'ask', target };
}

export function withOrigin(stored: StoredKey, origin: string): StoredKey {
  return stored.origins.includes(origin) ? stored : { ...stored, origins: [...stored.origins, origin] };
}

/** The origins the configured models send the key `name` to (the default endpoint for a model without baseURL). */
export function originsForKeyName(
  name: string,
  models: readonly { apiKeyName?: string; baseURL?: string }[],
  defaultName: string,
): string[] {
  const origins = models.filter((m) => (m.apiKeyName ?? defaultName) === name).map((m) => originOf(m.baseURL ?? DEFAULT_BASE_URL));
  const unique = [...new Set(origins.filter((o): o is string => o !== null))];
  return unique.length ? unique : [originOf(DEFAULT_BASE_URL)!];
}
