// The `formats` setting: glob → forced format. The first glob (in the setting's order) that
// matches the workspace-relative path, or else the absolute path, decides; none: detect.
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { FormatChoice } from './indexer';

export function formatForFile(
  file: string,
  workspaceRoot: string | null,
  formats: Readonly<Record<string, FormatChoice>>,
): FormatChoice | undefined {
  const entries = Object.entries(formats);
  if (entries.length === 0) return undefined;
  const abs = file.split(path.sep).join('/');
  const rel = workspaceRoot ? path.relative(workspaceRoot, file).split(path.sep).join('/') : null;
  for (const [glob, format] of entries) {
    const g = glob.replace(/\\/g, '/');
    const opts = { dot: true, nocase: process.platform === 'win32', matchBase: !g.includes('/') };
    if ((rel !== null && !rel.startsWith('..') && minimatch(rel, g, opts)) || minimatch(abs, g, opts)) return format;
  }
  return undefined;
}
