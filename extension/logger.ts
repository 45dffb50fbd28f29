// One log channel for the extension and its server (View → Output → Hallucination Lab).
import * as vscode from 'vscode';

export interface Logger {
  readonly channel: vscode.LogOutputChannel;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(): Logger & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('Hallucination Lab', { log: true });
  return {
    channel,
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    dispose: () => channel.dispose(),
  };
}
