// The one owner of the `hallucinationLab.*` settings in the extension: read and validated once
// per change, then handed to the server (initialization and UpdateSettings), the webview hosts
// (models, judge, labels) and the commands. Nothing else calls getConfiguration for them.
import * as vscode from 'vscode';
import type { Settings } from '../common/protocol';
import { builtInLabels, type ModelConfig } from '../common/schema';
import { editorModelConfig, type EditorModelInfo } from '../common/editorModels';
import type { LabelInfo } from '../common/webviewProtocol';
import { parseSettings } from './settingsParse';
import { parseReceiverSettings, type ReceiverSettings } from './receiverSettings';

type Warn = (message: string) => void;

export class SettingsOwner implements vscode.Disposable {
  private value: Settings;
  /** `hallucinationLab.review.author` (extension-only: sent with each verdict, not a server setting). */
  private author: string;
  private editorModels: EditorModelInfo[] = [];
  private readonly changed = new vscode.EventEmitter<Settings>();
  /** Fires with the new settings after a `hallucinationLab.*` setting changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(warn: Warn) {
    this.value = readSettings(warn);
    this.author = readAuthor();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('hallucinationLab')) return;
      this.value = readSettings(warn);
      this.author = readAuthor();
      this.changed.fire(this.current);
    });
  }

  get current(): Settings {
    return { ...this.value, editorModels: this.editorModels.map(editorModelConfig) };
  }

  /** The editor's language models (EditorModelCatalog): part of what the server and the form are told. */
  setEditorModels(models: EditorModelInfo[]): void {
    this.editorModels = models;
    this.changed.fire(this.current);
  }

  /** The editor's language models as the editor describes them (vendor, family, name, id, max input tokens). */
  get editorModelInfos(): EditorModelInfo[] {
    return this.editorModels;
  }

  /** Who gives verdicts, as set; empty when not set (the OS user then). */
  get reviewAuthor(): string {
    return this.author;
  }

  get models(): ModelConfig[] {
    return this.value.models;
  }

  get judgeModel(): ModelConfig | null {
    return this.value.judgeModel;
  }

  /** The labels in effect: the settings' label set, or the built-in labels. */
  get labels(): { labels: LabelInfo[]; source: string | null } {
    const set = this.value.labelSet;
    if (set) return { labels: set.labels, source: 'settings' };
    return { labels: Object.entries(builtInLabels).map(([name, description]) => ({ name, description })), source: null };
  }

  /** The trace receiver's settings (read when asked: they are the extension's, not the server's). */
  receiver(warn: Warn): ReceiverSettings {
    const c = vscode.workspace.getConfiguration('hallucinationLab.receiver');
    return parseReceiverSettings(
      { port: c.get('port'), folder: c.get('folder'), autoStart: c.get('autoStart'), judge: c.get('judge') },
      warn,
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function readSettings(warn: Warn): Settings {
  const c = vscode.workspace.getConfiguration('hallucinationLab');
  const raw: Record<keyof Omit<Settings, 'rateLimitWindowMs' | 'editorModels'>, unknown> = {
    models: c.get('models'),
    judgeModel: c.get('judgeModel'),
    concurrency: c.get('concurrency'),
    requestsPerMinute: c.get('requestsPerMinute'),
    tokensPerMinute: c.get('tokensPerMinute'),
    requestTimeoutMs: c.get('requestTimeoutMs'),
    maxRetries: c.get('maxRetries'),
    labelSet: c.get('labelSet'),
    formats: c.get('formats'),
    minConfidence: c.get('minConfidence'),
    showDismissedMarkers: c.get('markers.showDismissed'),
  };
  return parseSettings(raw, warn);
}

function readAuthor(): string {
  const v = vscode.workspace.getConfiguration('hallucinationLab').get<unknown>('review.author', '');
  return typeof v === 'string' ? v.trim().slice(0, 200) : '';
}
