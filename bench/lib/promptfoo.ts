// promptfoo, installed on demand into bench/.data/promptfoo (git-ignored) from the npm registry.
// Pinned: 0.121.20 is the last release whose engines accept Node 20 (0.122.0 needs Node ≥ 22.22).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PROMPTFOO_VERSION = '0.121.20';

export function promptfooPaths(repo: string): { prefix: string; bin: string } {
  const prefix = path.join(repo, 'bench', '.data', 'promptfoo');
  return { prefix, bin: path.join(prefix, 'node_modules', '.bin', 'promptfoo') };
}

export function installedPromptfooVersion(repo: string): string | null {
  try {
    const file = path.join(promptfooPaths(repo).prefix, 'node_modules', 'promptfoo', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** Installs the pinned promptfoo unless it is there; `allowInstall: false` only checks. */
export function ensurePromptfoo(
  repo: string,
  allowInstall: boolean,
  log: (line: string) => void,
): { ok: true } | { ok: false; why: string } {
  const { prefix, bin } = promptfooPaths(repo);
  if (fs.existsSync(bin) && installedPromptfooVersion(repo) === PROMPTFOO_VERSION) return { ok: true };
  if (!allowInstall) return { ok: false, why: `promptfoo ${PROMPTFOO_VERSION} is not installed at ${path.relative(repo, prefix)}` };
  log(`promptfoo: installing ${PROMPTFOO_VERSION} into ${path.relative(repo, prefix)} (npm install --prefix …, up to 10 min)…`);
  fs.mkdirSync(prefix, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '--prefix', prefix, `promptfoo@${PROMPTFOO_VERSION}`, '--no-audit', '--no-fund'], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.error) return { ok: false, why: `npm install failed to run: ${r.error.message}` };
  if (r.status !== 0 || !fs.existsSync(bin)) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    return { ok: false, why: `npm install exited ${r.status} after ${((Date.now() - t0) / 1000).toFixed(0)} s:\n${tail}` };
  }
  log(`promptfoo: installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { ok: true };
}
