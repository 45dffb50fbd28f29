// Quick fixes on Hallucination Lab markers: Confirm hallucination, Dismiss — not a hallucination,
// Change label…. A marker's diagnostic carries the experiment and the annotation's stable id in
// its `data` (server/markerPublisher.ts); each action runs the review command with them.
import * as vscode from 'vscode';
import { z } from 'zod';
import { REVIEW_COMMANDS, type VerdictTarget } from './reviewCommands';

const SOURCE = 'hallucination-lab';

/** The part of a marker's data quick fixes need, as the server sends it. */
const markerDataSchema = z.object({
  experimentId: z.string().min(1),
  itemId: z.string(),
  annotationId: z.string().min(1),
  verdict: z.string().optional(),
});

/** The annotation a diagnostic is the marker of; null for other diagnostics (format problems, other tools). */
export function markerTarget(d: vscode.Diagnostic): (VerdictTarget & { verdict?: string }) | null {
  if (d.source !== SOURCE) return null;
  // vscode-languageclient keeps the LSP diagnostic's `data` on the diagnostic it creates.
  const parsed = markerDataSchema.safeParse((d as vscode.Diagnostic & { data?: unknown }).data);
  if (!parsed.success) return null;
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return {
    experimentId: parsed.data.experimentId,
    annotationId: parsed.data.annotationId,
    ...(code !== undefined ? { label: String(code) } : {}),
    ...(parsed.data.verdict ? { verdict: parsed.data.verdict } : {}),
  };
}

export class ReviewCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const t = markerTarget(d);
      if (!t) continue;
      const { verdict, ...target } = t;
      const action = (title: string, command: string, preferred = false) => {
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = preferred;
        a.command = { title, command, arguments: [target] };
        actions.push(a);
      };
      const label = (t.label ?? '').replace(/_/g, ' ');
      if (verdict !== 'confirmed' && verdict !== 'added') action(`Confirm hallucination (${label})`, REVIEW_COMMANDS.confirm);
      if (verdict !== 'dismissed') action('Dismiss — not a hallucination…', REVIEW_COMMANDS.dismiss);
      action('Change label…', REVIEW_COMMANDS.changeLabel);
      action('Comment…', REVIEW_COMMANDS.comment);
    }
    return actions;
  }
}

export function registerReviewCodeActions(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    [
      { scheme: 'file', pattern: '**/*.jsonl' },
      { scheme: 'file', pattern: '**/*.json' },
    ],
    new ReviewCodeActions(),
    ReviewCodeActions.metadata,
  );
}
