// Runs node's test runner over test/<suite>/**/*.test.ts (TypeScript through tsx).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function testFiles(...suites) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) out.push(p);
    }
  };
  for (const s of suites) walk(join('test', s));
  return out.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const suites = process.argv.slice(2);
  const files = testFiles(...(suites.length ? suites : ['unit', 'protocol']));
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
