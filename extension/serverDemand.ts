// When the language server is needed. Activation starts none: a window without trace files
// never pays for the process (issue 15: 622 ms and 64 MiB in every window). It starts on the
// first request (a command, a webview panel) and, here, when there is something to show: a
// Hallucination Lab view is opened in a workspace with trace files or stored experiments, or a
// trace file is open in an editor (its markers and problems come from the server).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Where the server keeps experiments (server/core/experimentStore.ts STORE_DIR). */
const STORE_DIR = '.hallucination-lab';

export interface DemandInputs {
  /** The trace files of the workspace (settings globs and added files). */
  traceFiles(): readonly string[];
  readonly onTraceFilesChanged: vscode.Event<unknown>;
  views: readonly vscode.TreeView<unknown>[];
  root(): string | undefined;
  /** Starts the server (idempotent). */
  start(): void;
}

/** Watches for a need of the server and starts it once; disposes its listeners after that. */
export function startServerWhenNeeded(inputs: DemandInputs): vscode.Disposable {
  const listeners: vscode.Disposable[] = [];
  let started = false;
  const check = () => {
    if (started || !needed(inputs)) return;
    started = true;
    for (const l of listeners.splice(0)) l.dispose();
    inputs.start();
  };
  listeners.push(
    inputs.onTraceFilesChanged(check),
    vscode.workspace.onDidOpenTextDocument(check),
    ...inputs.views.map((v) => v.onDidChangeVisibility(check)),
  );
  check();
  return new vscode.Disposable(() => {
    for (const l of listeners.splice(0)) l.dispose();
  });
}

function needed(inputs: DemandInputs): boolean {
  const files = new Set(inputs.traceFiles().map((f) => path.resolve(f)));
  if (files.size > 0 && vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && files.has(path.resolve(d.uri.fsPath))))
    return true;
  if (!inputs.views.some((v) => v.visible)) return false;
  const root = inputs.root();
  return files.size > 0 || (root !== undefined && fs.existsSync(path.join(root, STORE_DIR)));
}
