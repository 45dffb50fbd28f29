// A status bar item while a large trace file is indexed in the server.
import * as vscode from 'vscode';
import * as P from '../common/protocol';
import type { ServerConnection } from './serverClient';

export function indexProgressItem(server: ServerConnection): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('hallucinationLab.indexing', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Hallucination Lab: indexing';
  const active = new Map<string, { bytesRead: number; totalBytes: number }>();
  const sub = server.on(P.IndexProgress, (p) => {
    if (p.done) active.delete(p.file);
    else active.set(p.file, p);
    if (active.size === 0) return item.hide();
    const read = [...active.values()].reduce((n, x) => n + x.bytesRead, 0);
    const total = [...active.values()].reduce((n, x) => n + x.totalBytes, 0);
    item.text = `$(sync~spin) Indexing traces ${total ? Math.floor((read / total) * 100) : 0}%`;
    item.tooltip = [...active.keys()].map((f) => vscode.workspace.asRelativePath(f)).join('\n');
    item.show();
  });
  return vscode.Disposable.from(item, sub);
}
