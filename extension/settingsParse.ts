// Validation of the `hallucinationLab.*` settings as VS Code hands them over. Pure (no `vscode`),
// so it is unit-tested: a wrong field falls back to its default without hiding the others.
import { settingsSchema, type Settings } from '../common/protocol';
import { modelConfigSchema } from '../common/schema';

/** Every valid field is kept; an invalid one falls back to its default (an invalid model entry is dropped), with a warning. */
export function parseSettings(raw: Record<string, unknown>, warn: (message: string) => void): Settings {
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  warn(
    `Some hallucinationLab settings are invalid and were ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  const defaults = settingsSchema.parse({});
  const fields = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => {
      // One wrong model entry does not hide the others (the form offers the valid ones).
      if (k === 'models' && Array.isArray(v)) return [k, v.flatMap((m) => (modelConfigSchema.safeParse(m).success ? [m] : []))];
      const one = settingsSchema.shape[k as keyof Settings].safeParse(v);
      return [k, one.success ? one.data : defaults[k as keyof Settings]];
    }),
  );
  return settingsSchema.parse(fields);
}
