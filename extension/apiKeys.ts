// API keys live only in VS Code SecretStorage, one per key name (endpoint).
import type * as vscode from 'vscode';

export const DEFAULT_KEY_NAME = 'OPENAI_API_KEY';

export interface ApiKeyStore {
  get(name: string): Promise<string | null>;
  set(name: string, key: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export function apiKeyStore(secrets: vscode.SecretStorage): ApiKeyStore {
  const slot = (name: string) => `hallucinationLab.apiKey.${name}`;
  return {
    get: async (name) => (await secrets.get(slot(name))) ?? null,
    set: (name, key) => Promise.resolve(secrets.store(slot(name), key)),
    delete: (name) => Promise.resolve(secrets.delete(slot(name))),
  };
}
