// What the VS Code side can ask of the language server: a typed facade over the LSP client,
// so that views, commands and webview hosts never touch method names or raw JSON.
import type * as vscode from 'vscode';
import type {
  ConversationSummary,
  ExperimentResource,
  ExperimentSummary,
  FieldError,
  TraceFileSummary,
} from '../common/protocol';

export type CreateExperimentResult = { ok: true; experiment: ExperimentSummary } | { ok: false; errors: FieldError[] };

export interface ServerApi {
  listTraceFiles(): Promise<TraceFileSummary[]>;
  listConversations(file?: string): Promise<ConversationSummary[]>;
  /** `config` is validated by the server with experimentConfigSchema; errors name the field. */
  createExperiment(config: unknown): Promise<CreateExperimentResult>;
  listExperiments(): Promise<ExperimentSummary[]>;
  getExperiment(id: string): Promise<ExperimentResource>;
  cancelExperiment(id: string): Promise<boolean>;
  resumeExperiment(id: string, failedOnly: boolean): Promise<ExperimentSummary>;
  deleteExperiment(id: string): Promise<boolean>;
  setActiveExperiment(id: string | null): Promise<void>;
  /** Fires on every create/progress/finish/delete of an experiment. */
  readonly onExperimentChanged: vscode.Event<{ experiment: ExperimentSummary | null; deletedId?: string }>;
  readonly onIndexChanged: vscode.Event<TraceFileSummary[]>;
}
