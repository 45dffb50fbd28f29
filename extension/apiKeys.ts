// API keys live only in VS Code SecretStorage, one per key name (endpoint), each bound to the
// origins it was entered for (see keyOrigin.ts). Sending one elsewhere asks the user first.
import type * as vscode from 'vscode';
import { keyDecision, parseStoredKey, serializeStoredKey, withOrigin } from './keyOrigin';

export const DEFAULT_KEY_NAME = 'OPENAI_API_KEY';

export interface ApiKeyStore {
  /** The key `name` for a request to `baseURL`, or null (none stored, or the user said no). */
  keyFor(name: string, baseURL: string): Promise<string | null>;
  /** Stores `key` under `name`, bound to `origins`. */
  set(name: string, key: string, origins: string[]): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Asks whether the key `name`, entered for `origins`, may go to `target` too. */
export type ConfirmNewOrigin = (name: string, origins: string[], target: string) => Promise<boolean>;

export function apiKeyStore(secrets: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>, confirm: ConfirmNewOrigin): ApiKeyStore {
  const slot = (name: string) => `hallucinationLab.apiKey.${name}`;
  // One question per key and origin, however many requests ask at once.
  const asking = new Map<string, Promise<boolean>>();
  return {
    async keyFor(name, baseURL) {
      const stored = parseStoredKey(await secrets.get(slot(name)));
      const decision = keyDecision(stored, baseURL);
      if (decision.kind === 'send') return stored!.key;
      if (decision.kind === 'none') return null;
      const question = `${name}\n${decision.target}`;
      let answer = asking.get(question);
      if (!answer) {
        answer = confirm(name, stored!.origins, decision.target).finally(() => asking.delete(question));
        asking.set(question, answer);
      }
      if (!(await answer)) return null;
      const latest = parseStoredKey(await secrets.get(slot(name)));
      if (latest) await secrets.store(slot(name), serializeStoredKey(withOrigin(latest, decision.target)));
      return latest?.key ?? null;
    },
    set: (name, key, origins) => Promise.resolve(secrets.store(slot(name), serializeStoredKey({ v: 1, key, origins }))),
    delete: (name) => Promise.resolve(secrets.delete(slot(name))),
  };
}
