// The `hallucinationLab.receiver.*` settings, validated (pure, no vscode: unit tested). A wrong
// value falls back to its default with a warning naming the setting.
import { z } from 'zod';

export const receiverSettingsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(4318),
  folder: z.string().trim().min(1).default('traces/live'),
  autoStart: z.boolean().default(false),
  /** The LLM judge on live traces too (hallucinationLab.judgeModel, within the rate limits). */
  judge: z.boolean().default(false),
});
export type ReceiverSettings = z.infer<typeof receiverSettingsSchema>;

export function parseReceiverSettings(raw: Record<keyof ReceiverSettings, unknown>, warn: (message: string) => void): ReceiverSettings {
  const defaults = receiverSettingsSchema.parse({});
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof ReceiverSettings)[]) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const one = receiverSettingsSchema.shape[key].safeParse(raw[key]);
    if (one.success) Object.assign(out, { [key]: one.data });
    else
      warn(
        `hallucinationLab.receiver.${key} is invalid (${one.error.issues[0]?.message ?? 'wrong type'}): using ${JSON.stringify(defaults[key])}`,
      );
  }
  return out;
}
