// Which files are trace files: glob patterns from settings, plus files the user added by hand
// (remembered per workspace), minus files the user removed.
import * as path from 'node:path';
import * as vscode from 'vscode';

const ADDED = 'hallucinationLab.addedTraceFiles';
const REMOVED = 'hallucinationLab.removedTraceFiles';
const EXCLUDE = '**/{node_modules,.git,.hallucination-lab}/**';

export class TraceFileSelection implements vscode.Disposable {
  private current: string[] = [];
  private readonly changed = new vscode.EventEmitter<string[]>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly state: vscode.Memento) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{json,jsonl}', false, true, false);
    watcher.onDidCreate(() => this.refreshSoon(), undefined, this.disposables);
    watcher.onDidDelete(() => this.refreshSoon(), undefined, this.disposables);
    this.disposables.push(
      watcher,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hallucinationLab.traceFiles') && this.refreshSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshSoon()),
    );
  }

  files(): string[] {
    return this.current;
  }

  async refresh(): Promise<string[]> {
    const found = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const globs = vscode.workspace.getConfiguration('hallucinationLab', folder.uri).get<string[]>('traceFiles', []);
      for (const glob of globs) {
        const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), EXCLUDE);
        for (const u of uris) found.add(path.resolve(u.fsPath));
      }
    }
    for (const f of this.stored(ADDED)) found.add(f);
    for (const f of this.stored(REMOVED)) found.delete(f);
    const next = [...found].sort();
    if (next.join('\n') !== this.current.join('\n')) {
      this.current = next;
      this.changed.fire(next);
    }
    return next;
  }

  async add(uris: readonly vscode.Uri[]): Promise<void> {
    const files = uris.filter((u) => u.scheme === 'file').map((u) => path.resolve(u.fsPath));
    await this.store(ADDED, [...new Set([...this.stored(ADDED), ...files])]);
    await this.store(
      REMOVED,
      this.stored(REMOVED).filter((f) => !files.includes(f)),
    );
    await this.refresh();
  }

  async remove(file: string): Promise<void> {
    const abs = path.resolve(file);
    await this.store(
      ADDED,
      this.stored(ADDED).filter((f) => f !== abs),
    );
    await this.store(REMOVED, [...new Set([...this.stored(REMOVED), abs])]);
    await this.refresh();
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 200);
  }

  /** Stored relative to the first workspace folder, so a moved workspace keeps its choice. */
  private stored(key: string): string[] {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return (this.state.get<string[]>(key) ?? []).map((f) => (root && !path.isAbsolute(f) ? path.join(root, f) : f));
  }

  private async store(key: string, files: string[]): Promise<void> {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    await this.state.update(
      key,
      files.map((f) => (root && f.startsWith(root + path.sep) ? path.relative(root, f) : f)),
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
