// Issue 14, item 10: a cloned repository must not redirect the user's traffic (and key) through
// workspace settings. Every setting that can name an endpoint — a model configuration, with its
// `baseURL` — is declared in `capabilities.untrustedWorkspaces.restrictedConfigurations`, so
// VS Code ignores its workspace value until the workspace is trusted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const manifestSchema = z.object({
  contributes: z.object({
    configuration: z.union([
      z.object({ properties: z.record(z.string(), z.unknown()) }),
      z.array(z.object({ properties: z.record(z.string(), z.unknown()) })),
    ]),
  }),
  capabilities: z.object({
    untrustedWorkspaces: z.object({ supported: z.unknown(), restrictedConfigurations: z.array(z.string()).default([]) }),
  }),
});

const manifest = manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')));
const settings = [manifest.contributes.configuration].flat().flatMap((c) => Object.entries(c.properties));

/** A setting that holds a model configuration (its schema has `baseURL`, or it says it has the shape of one). */
function namesAnEndpoint(schema: unknown): boolean {
  const text = JSON.stringify(schema);
  return /"baseURL"/.test(text) || /same shape as an entry of `hallucinationLab\.models`/.test(text);
}

test('every setting that can send requests (and the key) elsewhere is restricted in untrusted workspaces', () => {
  const redirecting = settings.filter(([, schema]) => namesAnEndpoint(schema)).map(([name]) => name);
  assert.ok(redirecting.includes('hallucinationLab.models') && redirecting.includes('hallucinationLab.judgeModel'), redirecting.join(', '));
  const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations);
  assert.deepEqual(
    redirecting.filter((name) => !restricted.has(name)),
    [],
    'settings that name an endpoint but are not restricted',
  );
});
