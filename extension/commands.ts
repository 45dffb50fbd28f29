// Every contributed command. Each accepts the tree node it is invoked on, or plain ids, so that
// tests and other extensions can drive it without UI.
import * as vscode from 'vscode';
import { MAX_CONVERSATIONS, type ExperimentSummary } from '../common/protocol';
import type { ServerClient } from './serverClient';
import type { TraceFileSelection } from './traceFileSelection';
import type { ExperimentNode, ExperimentTreeProvider, TraceNode, TraceTreeProvider } from './trees';
import type { Logger } from './logger';
import { DEFAULT_KEY_NAME, type ApiKeyStore } from './apiKeys';
import { openCompare, openExperimentForm, openReport } from './webviews';
import { followWithProgress } from './experimentProgress';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  server: ServerClient;
  selection: TraceFileSelection;
  experimentTree: ExperimentTreeProvider;
  traceTree: TraceTreeProvider;
  logger: Logger;
  keys: ApiKeyStore;
  syncTraceFiles(): Promise<void>;
  syncExperiments(): Promise<void>;
}

/** An experiment id from a tree node, an id string, or a summary. */
function experimentIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const node = arg as Partial<ExperimentNode> & { id?: unknown };
    if ('experiment' in node && node.experiment) return node.experiment.id;
    if (typeof node.id === 'string') return node.id;
  }
  return undefined;
}

export function registerCommands(deps: CommandDeps): void {
  const { context, server, selection, experimentTree, logger } = deps;
  const register = (name: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(`hallucinationLab.${name}`, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          const message = (e as Error).message ?? String(e);
          logger.error(`${name}: ${message}`);
          void vscode.window.showErrorMessage(`Hallucination Lab: ${message}`);
          return undefined;
        }
      }),
    );

  async function pickExperiment(arg: unknown, placeHolder: string, filter: (e: ExperimentSummary) => boolean = () => true): Promise<string | undefined> {
    const id = experimentIdOf(arg);
    if (id) return id;
    const list = (await server.listExperiments()).filter(filter).reverse();
    if (!list.length) {
      void vscode.window.showInformationMessage('Hallucination Lab: no experiment to choose from.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      list.map((e) => ({ label: e.name, description: `${e.status_summary.completed}/${e.status_summary.total} completed · ${e.total_hallucinations} hallucinations`, detail: e.id, id: e.id })),
      { placeHolder },
    );
    return picked?.id;
  }

  register('addTraceFiles', async (arg?: unknown, all?: unknown) => {
    // From the Explorer: (clicked uri, all selected uris); from tests: a Uri or Uri[].
    let uris: vscode.Uri[] | undefined = Array.isArray(all) && all.every((u) => u instanceof vscode.Uri) ? all : Array.isArray(arg) ? (arg as vscode.Uri[]) : arg instanceof vscode.Uri ? [arg] : undefined;
    uris ??= await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Add Trace Files',
      filters: { 'Trace files': ['jsonl', 'json'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!uris?.length) return;
    await selection.add(uris);
    await deps.syncTraceFiles();
  });

  register('removeTraceFile', async (arg?: unknown) => {
    const file = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : (arg as TraceNode | undefined)?.kind === 'file' ? (arg as Extract<TraceNode, { kind: 'file' }>).summary.file : undefined;
    if (!file) return;
    await selection.remove(file);
  });

  register('refresh', async () => {
    await selection.refresh();
    await deps.syncTraceFiles();
    await deps.syncExperiments();
  });

  register('restartServer', async () => {
    await server.restart();
    await deps.syncTraceFiles();
    await deps.syncExperiments();
    void vscode.window.setStatusBarMessage('Hallucination Lab: server restarted', 3000);
  });

  register('showOutput', () => logger.channel.show(true));

  register('newExperiment', async (config?: unknown) => {
    if (!vscode.workspace.isTrusted) throw new Error('this workspace is not trusted: experiments cannot run here. Trust the workspace to run them.');
    // With a configuration: create it without UI (tests, other extensions). Without: the form.
    if (config && typeof config === 'object') return createAndFollow(config, false);
    openExperimentForm(context, server);
    return undefined;
  });

  register('newExperimentQuick', () => newExperimentInteractive());

  register('openReport', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Open the report of which experiment?');
    if (id) openReport(context, server, id);
  });

  register('compareExperiments', async (arg?: unknown) => {
    let ids = Array.isArray(arg) && arg.every((x) => typeof x === 'string') ? (arg as string[]) : undefined;
    if (!ids) {
      const list = (await server.listExperiments()).reverse();
      const picked = await vscode.window.showQuickPick(
        list.map((e) => ({ label: e.name, description: `${e.status_summary.completed}/${e.status_summary.total} completed`, detail: e.id, id: e.id })),
        { canPickMany: true, title: 'Compare experiments (pick two or more, or none to choose in the panel)' },
      );
      if (!picked) return;
      ids = picked.map((p) => p.id);
    }
    openCompare(context, server, ids);
  });

  async function newExperimentInteractive(): Promise<ExperimentSummary | undefined> {
    const conversations = await server.listConversations();
    if (!conversations.length) {
      const add = 'Add Trace Files…';
      if ((await vscode.window.showWarningMessage('Hallucination Lab: there are no conversations yet. Add trace files first.', add)) === add)
        await vscode.commands.executeCommand('hallucinationLab.addTraceFiles');
      return undefined;
    }
    const name = await vscode.window.showInputBox({
      title: 'New Experiment (1/3): name',
      value: `Experiment ${new Date().toLocaleString()}`,
      validateInput: (v) => (v.trim() === '' ? 'The name must not be empty' : v.length > 255 ? 'At most 255 characters' : undefined),
    });
    if (name === undefined) return undefined;
    const models = vscode.workspace.getConfiguration('hallucinationLab').get<Array<{ id?: string; model: string }>>('models', []);
    const target = await vscode.window.showQuickPick(
      [
        { label: 'Pass-through', description: 'evaluate the traced responses as they are', model: 'traced', passThrough: true },
        ...models.map((m) => ({ label: m.id ?? m.model, description: `run inference on ${m.model}`, model: m.model, passThrough: false })),
      ],
      { title: 'New Experiment (2/3): responses' },
    );
    if (!target) return undefined;
    const picks = conversations.map((c) => ({
      label: c.id,
      description: c.hasToolCalls ? '$(tools) tool calls' : '',
      detail: c.firstUserMessage.replace(/\s+/g, ' ').slice(0, 120),
      picked: false,
      id: c.id,
    }));
    picks.slice(0, MAX_CONVERSATIONS).forEach((p) => (p.picked = true));
    const chosen = await vscode.window.showQuickPick(picks, {
      title: `New Experiment (3/3): conversations (1–${MAX_CONVERSATIONS})`,
      canPickMany: true,
      matchOnDetail: true,
    });
    if (!chosen?.length) return undefined;
    if (chosen.length > MAX_CONVERSATIONS) throw new Error(`${chosen.length} conversations chosen; an experiment allows at most ${MAX_CONVERSATIONS}`);
    return createAndFollow({ name, model: target.model, pass_through: target.passThrough, conversation_ids: chosen.map((c) => c.id) }, true);
  }

  async function createAndFollow(config: unknown, interactive: boolean): Promise<ExperimentSummary | undefined> {
    const result = await server.createExperiment(config);
    if (!result.ok) {
      const message = result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      if (interactive) throw new Error(`the experiment was refused — ${message}`);
      throw new Error(message);
    }
    experimentTree.upsert(result.experiment);
    if (interactive) void followWithProgress(server, result.experiment);
    return result.experiment;
  }

  register('cancelExperiment', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Cancel which experiment?', (e) => e.running);
    if (id) return server.cancelExperiment(id);
    return false;
  });

  register('resumeExperiment', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Resume which experiment?', (e) => !e.running);
    if (!id) return undefined;
    const e = await server.resumeExperiment(id, false);
    void followWithProgress(server, e);
    return e;
  });

  register('rerunFailed', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Re-run the failed items of which experiment?', (e) => !e.running && e.status_summary.failed > 0);
    if (!id) return undefined;
    const e = await server.resumeExperiment(id, true);
    void followWithProgress(server, e);
    return e;
  });

  register('deleteExperiment', async (arg?: unknown, confirmed?: unknown) => {
    const id = await pickExperiment(arg, 'Delete which experiment?');
    if (!id) return false;
    if (confirmed !== true) {
      const name = experimentTree.get(id)?.name ?? id;
      const yes = 'Delete';
      if ((await vscode.window.showWarningMessage(`Delete experiment "${name}" and its stored results?`, { modal: true }, yes)) !== yes) return false;
    }
    const deleted = await server.deleteExperiment(id);
    experimentTree.remove(id);
    return deleted;
  });

  register('showMarkers', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Show the markers of which experiment?');
    if (!id) return;
    await server.setActiveExperiment(id);
    experimentTree.setActive(id);
  });

  register('openConversation', async (file?: unknown, line?: unknown) => {
    if (typeof file !== 'string') return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const pos = new vscode.Position(typeof line === 'number' ? line : 0, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  });

  register('revealAnnotation', async (arg?: unknown) => {
    const q = arg as { experiment_id: string; conversation_id: string; message_index: number; message_part_index: number; start_offset: number; end_offset?: number };
    if (!q || typeof q.experiment_id !== 'string') return;
    const where = await server.locateAnnotation(q);
    if (!where.file) throw new Error(`conversation "${q.conversation_id}" is not in the indexed trace files`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(where.file));
    const range = where.range
      ? new vscode.Range(where.range.start.line, where.range.start.character, where.range.end.line, where.range.end.character)
      : undefined;
    await vscode.window.showTextDocument(doc, { selection: range, preview: false });
    if (!range) void vscode.window.showWarningMessage('Hallucination Lab: the trace file no longer holds the annotated text; opened the file instead.');
  });

  register('setApiKey', async (nameArg?: unknown, keyArg?: unknown) => {
    if (!vscode.workspace.isTrusted) throw new Error('this workspace is not trusted: API keys are not used here');
    const configured = vscode.workspace.getConfiguration('hallucinationLab').get<Array<{ apiKeyName?: string; baseURL?: string; model: string }>>('models', []);
    const names = [...new Set([DEFAULT_KEY_NAME, ...configured.map((m) => m.apiKeyName).filter((n): n is string => !!n)])];
    const name =
      typeof nameArg === 'string'
        ? nameArg
        : names.length === 1
          ? names[0]
          : (await vscode.window.showQuickPick(names, { title: 'Set API Key: for which endpoint key name?' }));
    if (!name) return;
    const key =
      typeof keyArg === 'string'
        ? keyArg
        : await vscode.window.showInputBox({ title: `API key for ${name}`, password: true, ignoreFocusOut: true, prompt: 'Stored in VS Code SecretStorage only; leave empty to delete it.' });
    if (key === undefined) return;
    if (key === '') await deps.keys.delete(name);
    else await deps.keys.set(name, key);
    void vscode.window.setStatusBarMessage(`Hallucination Lab: API key ${key === '' ? 'deleted' : 'saved'} for ${name}`, 3000);
  });
}
