// The context key `hallucinationLab.traceFileActive`: true while the active editor shows one of
// the trace files, so that menus (Mark as hallucination…) appear there and nowhere else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TraceFileSelection } from './traceFileSelection';

export const TRACE_FILE_ACTIVE = 'hallucinationLab.traceFileActive';

export function trackActiveTraceFile(selection: TraceFileSelection): vscode.Disposable {
  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const active = doc?.uri.scheme === 'file' && selection.files().includes(path.resolve(doc.uri.fsPath));
    void vscode.commands.executeCommand('setContext', TRACE_FILE_ACTIVE, active);
  };
  update();
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(update), selection.onDidChange(update));
}
