// People's verdicts from the editor and the report: Confirm, Dismiss (with an optional reason),
// Change label…, and Mark as hallucination… on a selection in a trace file. Each asks what it
// needs (input box, quick pick) unless the caller passed it — quick fixes, the report's buttons
// and tests call the same commands — then sends one server request; the server writes the
// verdict, publishes the markers again and tells the report.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import * as P from '../common/protocol';
import type { ServerConnection } from './serverClient';
import type { SettingsOwner } from './settings';

export const REVIEW_COMMANDS = {
  confirm: 'hallucinationLab.confirmHallucination',
  dismiss: 'hallucinationLab.dismissHallucination',
  changeLabel: 'hallucinationLab.changeHallucinationLabel',
  mark: 'hallucinationLab.markAsHallucination',
  comment: 'hallucinationLab.addReviewComment',
} as const;

/** One annotation a verdict is for, as quick fixes and the report name it. */
export const verdictTargetSchema = z.object({
  experimentId: z.string().min(1),
  annotationId: z.string().min(1),
  /** Its label now (the quick pick starts there). */
  label: z.string().optional(),
  /** Given by a caller that already asked (the report's reason field, a test): no input box. */
  reason: z.string().max(10_000).optional(),
  /** For Change label…: the new label, without a quick pick. */
  newLabel: z.string().min(1).optional(),
});
export type VerdictTarget = z.infer<typeof verdictTargetSchema>;

/** Comment…: on an annotation (a marker, the report) or an item (the report); `text` given: no input box. */
const commentTargetSchema = z.union([
  z.object({ experimentId: z.string().min(1), annotationId: z.string().min(1), text: z.string().max(10_000).optional() }),
  z.object({ experimentId: z.string().min(1), itemId: z.string().min(1), text: z.string().max(10_000).optional() }),
]);

/** Mark as hallucination… without UI: the file, the selection and the answers. */
const markArgsSchema = z.object({
  uri: z.string().optional(),
  range: z
    .object({ start: z.object({ line: z.number(), character: z.number() }), end: z.object({ line: z.number(), character: z.number() }) })
    .optional(),
  label: z.string().min(1).optional(),
  explanation: z.string().max(10_000).optional(),
});

export interface ReviewDeps {
  server: ServerConnection;
  settings: SettingsOwner;
  register(name: string, fn: (...args: unknown[]) => unknown): void;
}

/** Who gives verdicts: the setting `hallucinationLab.review.author`, else the OS user. */
export function reviewAuthor(settings: SettingsOwner): string {
  if (settings.reviewAuthor) return settings.reviewAuthor;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function registerReviewCommands({ server, settings, register }: ReviewDeps): void {
  const target = (arg: unknown): VerdictTarget => {
    const parsed = verdictTargetSchema.safeParse(arg);
    if (!parsed.success) throw new Error('run this from a Hallucination Lab marker’s quick fixes or the report');
    return parsed.data;
  };
  const say = (r: P.ResultOf<typeof P.SetVerdict>) =>
    void vscode.window.setStatusBarMessage(
      `Hallucination Lab: ${r.verdict}${r.label ? ` as ${r.label.replace(/_/g, ' ')}` : ''} by ${r.author}`,
      4000,
    );

  register('confirmHallucination', async (arg?: unknown) => {
    const t = target(arg);
    const r = await server.request(P.SetVerdict, {
      experiment_id: t.experimentId,
      annotation_id: t.annotationId,
      verdict: 'confirmed',
      ...(t.reason ? { comment: t.reason } : {}),
      author: reviewAuthor(settings),
    });
    say(r);
    return r;
  });

  register('dismissHallucination', async (arg?: unknown) => {
    const t = target(arg);
    const reason =
      t.reason ??
      (await vscode.window.showInputBox({
        title: 'Dismiss — not a hallucination',
        prompt: 'Why is it not a hallucination? (optional)',
        placeHolder: 'e.g. the station distance is in the tool result',
      }));
    if (reason === undefined) return undefined;
    const r = await server.request(P.SetVerdict, {
      experiment_id: t.experimentId,
      annotation_id: t.annotationId,
      verdict: 'dismissed',
      ...(reason.trim() ? { comment: reason.trim() } : {}),
      author: reviewAuthor(settings),
    });
    say(r);
    return r;
  });

  register('changeHallucinationLabel', async (arg?: unknown) => {
    const t = target(arg);
    const label = t.newLabel ?? (await pickLabel(settings, 'Change label', t.label));
    if (!label) return undefined;
    const r = await server.request(P.SetVerdict, {
      experiment_id: t.experimentId,
      annotation_id: t.annotationId,
      verdict: 'relabelled',
      label,
      ...(t.reason ? { comment: t.reason } : {}),
      author: reviewAuthor(settings),
    });
    say(r);
    return r;
  });

  // A comment that is not a verdict: the annotation stays as reviewed as it was.
  register('addReviewComment', async (arg?: unknown) => {
    const parsed = commentTargetSchema.safeParse(arg);
    if (!parsed.success) throw new Error('run this from a Hallucination Lab marker’s quick fixes or the report');
    const t = parsed.data;
    const text =
      t.text ??
      (await vscode.window.showInputBox({
        title: 'annotationId' in t ? 'Comment on this annotation' : 'Comment on this item',
        prompt: 'Your comment (it does not confirm or dismiss anything)',
        validateInput: (v) => (v.trim() ? null : 'a comment must not be empty'),
      }));
    if (text === undefined || !text.trim()) return undefined;
    const r = await server.request(P.AddReviewComment, {
      experiment_id: t.experimentId,
      ...('annotationId' in t ? { annotation_id: t.annotationId } : { item_id: t.itemId }),
      text,
      author: reviewAuthor(settings),
    });
    void vscode.window.setStatusBarMessage(`Hallucination Lab: comment added by ${r.author}`, 4000);
    return r;
  });

  register('markAsHallucination', async (arg?: unknown) => {
    const given = markArgsSchema.safeParse(arg ?? {});
    const args = given.success ? given.data : {};
    const editor = vscode.window.activeTextEditor;
    const uri = args.uri ? vscode.Uri.parse(args.uri) : editor?.document.uri;
    const range = args.range ?? (editor && !editor.selection.isEmpty ? editor.selection : undefined);
    if (!uri || uri.scheme !== 'file') throw new Error('open a trace file and select the characters to mark');
    if (!range) throw new Error('select the characters to mark first (the selection is empty)');
    const label = args.label ?? (await pickLabel(settings, 'Mark as hallucination'));
    if (!label) return undefined;
    const explanation =
      args.explanation ??
      (await vscode.window.showInputBox({
        title: `Mark as hallucination: ${label.replace(/_/g, ' ')}`,
        prompt: 'What is wrong with it? (optional)',
        placeHolder: 'e.g. no tool result gives this price',
      }));
    if (explanation === undefined) return undefined;
    const r = await server.request(P.AddHumanAnnotation, {
      file: path.resolve(uri.fsPath),
      range: { start: range.start, end: range.end },
      label,
      explanation,
      author: reviewAuthor(settings),
    });
    void vscode.window.setStatusBarMessage(`Hallucination Lab: marked “${r.text.slice(0, 40)}” as ${label.replace(/_/g, ' ')}`, 4000);
    return r;
  });
}

/** A label from the labels in effect (settings' label set or the built-in ones); undefined when cancelled. */
async function pickLabel(settings: SettingsOwner, title: string, current?: string): Promise<string | undefined> {
  const items = settings.labels.labels.map((l) => ({
    label: l.name.replace(/_/g, ' '),
    description: l.name === current ? 'current' : undefined,
    detail: l.description,
    name: l.name,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Choose the label', matchOnDetail: true });
  return picked?.name;
}
