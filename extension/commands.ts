// Every contributed command. Each accepts the tree node it is invoked on, or plain ids, so that
// tests and other extensions can drive it without UI.
import * as vscode from 'vscode';
import * as P from '../common/protocol';
import { MAX_CONVERSATIONS, type ExperimentSummary } from '../common/protocol';
import type { ServerClient } from './serverClient';
import type { TraceFileSelection } from './traceFileSelection';
import type { ExperimentNode, ExperimentTreeProvider, TraceNode } from './trees';
import type { Logger } from './logger';
import type { SettingsOwner } from './settings';
import type { ActiveExperiment } from './activeExperiment';
import { DEFAULT_KEY_NAME, type ApiKeyStore } from './apiKeys';
import { originsForKeyName, originOf } from './keyOrigin';
import { openCompare, openExperimentForm, openReport, type WebviewHostDeps } from './webviews';
import { followWithProgress } from './experimentProgress';
import { registerReviewCommands } from './reviewCommands';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  server: ServerClient;
  settings: SettingsOwner;
  active: ActiveExperiment;
  selection: TraceFileSelection;
  experimentTree: ExperimentTreeProvider;
  logger: Logger;
  keys: ApiKeyStore;
  /** Resolves when the server knows the current trace file selection (the selection's change sends it once). */
  traceFilesSynced(): Promise<void>;
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
  const { context, server, selection, experimentTree, logger, settings, active } = deps;
  const hosts: WebviewHostDeps = { context, server, settings, active };
  const listExperiments = async () => (await server.request(P.ListExperiments, {})).experiments;
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

  async function pickExperiment(
    arg: unknown,
    placeHolder: string,
    filter: (e: ExperimentSummary) => boolean = () => true,
  ): Promise<string | undefined> {
    const id = experimentIdOf(arg);
    if (id) return id;
    const list = (await listExperiments()).filter(filter).reverse();
    if (!list.length) {
      void vscode.window.showInformationMessage('Hallucination Lab: no experiment to choose from.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      list.map((e) => ({
        label: e.name,
        description: `${e.status_summary.completed}/${e.status_summary.total} completed · ${e.total_hallucinations} hallucinations`,
        detail: e.id,
        id: e.id,
      })),
      { placeHolder },
    );
    return picked?.id;
  }

  register('addTraceFiles', async (arg?: unknown, all?: unknown) => {
    // From the Explorer: (clicked uri, all selected uris); from tests: a Uri or Uri[].
    let uris: vscode.Uri[] | undefined =
      Array.isArray(all) && all.every((u) => u instanceof vscode.Uri)
        ? all
        : Array.isArray(arg)
          ? (arg as vscode.Uri[])
          : arg instanceof vscode.Uri
            ? [arg]
            : undefined;
    uris ??= await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Add Trace Files',
      filters: { 'Trace files': ['jsonl', 'json'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!uris?.length) return;
    await selection.add(uris);
    await deps.traceFilesSynced();
  });

  register('removeTraceFile', async (arg?: unknown) => {
    const file = traceFileOf(arg);
    if (!file) return;
    await selection.remove(file);
  });

  register('convertToOpenAIJsonl', async (arg?: unknown) => {
    const file = traceFileOf(arg) ?? vscode.window.activeTextEditor?.document.uri.fsPath;
    if (!file) return;
    const { jsonl, conversations, notes } = await server.request(P.ConvertTraceFile, { file });
    for (const note of notes) logger.info(note);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(file.replace(/(\.[^./\\]+)?$/, '.openai.jsonl')),
      filters: { 'OpenAI chat JSONL': ['jsonl'] },
      saveLabel: 'Convert',
    });
    if (!target) return;
    if (target.fsPath === file) throw new Error('the converted conversations cannot replace the trace file itself: choose another file');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(jsonl));
    void vscode.window.showInformationMessage(
      `Hallucination Lab: ${conversations} conversation(s) written to ${vscode.workspace.asRelativePath(target)}. ${notes.join(' ')}`,
    );
  });

  register('refresh', async () => {
    await selection.refresh();
    await deps.traceFilesSynced();
    await deps.syncExperiments();
  });

  register('restartServer', async () => {
    // The restarted server is told the trace files and lists the experiments before this resolves.
    await server.restart();
    void vscode.window.setStatusBarMessage('Hallucination Lab: server restarted', 3000);
  });

  register('showOutput', () => logger.channel.show(true));

  register('newExperiment', async (config?: unknown) => {
    if (!vscode.workspace.isTrusted)
      throw new Error('this workspace is not trusted: experiments cannot run here. Trust the workspace to run them.');
    // With a configuration: create it without UI (tests, other extensions). Without: the form.
    if (config && typeof config === 'object') return createAndFollow(config, false);
    openExperimentForm(hosts);
    return undefined;
  });

  register('newExperimentQuick', () => newExperimentInteractive());

  register('openReport', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Open the report of which experiment?');
    if (id) openReport(hosts, id);
  });

  register('compareExperiments', async (arg?: unknown) => {
    let ids = Array.isArray(arg) && arg.every((x) => typeof x === 'string') ? (arg as string[]) : undefined;
    if (!ids) {
      const list = (await listExperiments()).reverse();
      const picked = await vscode.window.showQuickPick(
        list.map((e) => ({
          label: e.name,
          description: `${e.status_summary.completed}/${e.status_summary.total} completed`,
          detail: e.id,
          id: e.id,
        })),
        { canPickMany: true, title: 'Compare experiments (pick two or more, or none to choose in the panel)' },
      );
      if (!picked) return;
      ids = picked.map((p) => p.id);
    }
    openCompare(hosts, ids);
  });

  async function newExperimentInteractive(): Promise<ExperimentSummary | undefined> {
    // One page: a quick pick of a million-conversation index would never open (the form pages and searches all).
    const page = await server.request(P.ListConversations, { offset: 0, limit: P.MAX_CONVERSATION_PAGE });
    const { conversations } = page;
    const beyond =
      (page.total ?? conversations.length) > conversations.length ? ` — the first ${conversations.length} of ${page.total}` : '';
    if (!conversations.length) {
      const add = 'Add Trace Files…';
      if (
        (await vscode.window.showWarningMessage('Hallucination Lab: there are no conversations yet. Add trace files first.', add)) === add
      )
        await vscode.commands.executeCommand('hallucinationLab.addTraceFiles');
      return undefined;
    }
    const name = await vscode.window.showInputBox({
      title: 'New Experiment (1/3): name',
      value: `Experiment ${new Date().toLocaleString()}`,
      validateInput: (v) => (v.trim() === '' ? 'The name must not be empty' : v.length > 255 ? 'At most 255 characters' : undefined),
    });
    if (name === undefined) return undefined;
    const models = settings.models;
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
      title: `New Experiment (3/3): conversations (1–${MAX_CONVERSATIONS})${beyond}`,
      canPickMany: true,
      matchOnDetail: true,
    });
    if (!chosen?.length) return undefined;
    if (chosen.length > MAX_CONVERSATIONS)
      throw new Error(`${chosen.length} conversations chosen; an experiment allows at most ${MAX_CONVERSATIONS}`);
    return createAndFollow(
      { name, model: target.model, pass_through: target.passThrough, conversation_ids: chosen.map((c) => c.id) },
      true,
    );
  }

  async function createAndFollow(config: unknown, interactive: boolean): Promise<ExperimentSummary | undefined> {
    const result = await server.request(P.CreateExperiment, { config });
    if (!result.ok) {
      const message = result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      if (interactive) throw new Error(`the experiment was refused — ${message}`);
      throw new Error(message);
    }
    // The tree has it already: the server's ExperimentChanged arrives before this answer.
    if (interactive) void followWithProgress(server, result.experiment);
    return result.experiment;
  }

  register('cancelExperiment', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Cancel which experiment?', (e) => e.running);
    if (id) return (await server.request(P.CancelExperiment, { id })).cancelled;
    return false;
  });

  register('resumeExperiment', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Resume which experiment?', (e) => !e.running);
    if (!id) return undefined;
    const { experiment: e } = await server.request(P.ResumeExperiment, { id, failedOnly: false });
    void followWithProgress(server, e);
    return e;
  });

  register('rerunFailed', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Re-run the failed items of which experiment?', (e) => !e.running && e.status_summary.failed > 0);
    if (!id) return undefined;
    const { experiment: e } = await server.request(P.ResumeExperiment, { id, failedOnly: true });
    void followWithProgress(server, e);
    return e;
  });

  register('deleteExperiment', async (arg?: unknown, confirmed?: unknown) => {
    const id = await pickExperiment(arg, 'Delete which experiment?');
    if (!id) return false;
    if (confirmed !== true) {
      const name = experimentTree.get(id)?.name ?? id;
      const yes = 'Delete';
      if ((await vscode.window.showWarningMessage(`Delete experiment "${name}" and its stored results?`, { modal: true }, yes)) !== yes)
        return false;
    }
    // The tree and the markers follow the server's ExperimentChanged { deletedId }.
    return (await server.request(P.DeleteExperiment, { id })).deleted;
  });

  register('exportSarif', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Export which experiment as SARIF?');
    if (!id) return;
    const { sarif, results } = await server.request(P.ExportSarif, { id });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `hallucinations-${id}.sarif`) } : {}),
      filters: { SARIF: ['sarif', 'json'] },
      saveLabel: 'Export SARIF',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(sarif));
    void vscode.window.showInformationMessage(
      `Hallucination Lab: ${results} result(s) written to ${vscode.workspace.asRelativePath(target)}.`,
    );
  });

  register('showMarkers', async (arg?: unknown) => {
    const id = await pickExperiment(arg, 'Show the markers of which experiment?');
    if (!id) return;
    await active.show(id);
  });

  register('openConversation', async (file?: unknown, line?: unknown) => {
    if (typeof file !== 'string') return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const pos = new vscode.Position(typeof line === 'number' ? line : 0, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  });

  register('revealAnnotation', async (arg?: unknown) => {
    const q = arg as {
      experiment_id: string;
      conversation_id: string;
      message_index: number;
      message_part_index: number;
      start_offset: number;
      end_offset?: number;
    };
    if (!q || typeof q.experiment_id !== 'string') return;
    const where = await server.request(P.LocateAnnotation, q);
    if (!where.file) throw new Error(`conversation "${q.conversation_id}" is not in the indexed trace files`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(where.file));
    const range = where.range
      ? new vscode.Range(where.range.start.line, where.range.start.character, where.range.end.line, where.range.end.character)
      : undefined;
    await vscode.window.showTextDocument(doc, { selection: range, preview: false });
    if (!range)
      void vscode.window.showWarningMessage(
        'Hallucination Lab: the trace file no longer holds the annotated text; opened the file instead.',
      );
  });

  registerReviewCommands({ server, settings, register });

  register('setApiKey', async (nameArg?: unknown, keyArg?: unknown, baseURLArg?: unknown) => {
    if (!vscode.workspace.isTrusted) throw new Error('this workspace is not trusted: API keys are not used here');
    const configured = [...settings.models, ...(settings.judgeModel ? [settings.judgeModel] : [])];
    const names = [...new Set([DEFAULT_KEY_NAME, ...configured.map((m) => m.apiKeyName).filter((n): n is string => !!n)])];
    const name =
      typeof nameArg === 'string'
        ? nameArg
        : names.length === 1
          ? names[0]
          : await vscode.window.showQuickPick(names, { title: 'Set API Key: for which endpoint key name?' });
    if (!name) return;
    // The key is bound to the endpoints it is entered for; sending it elsewhere asks first.
    const explicit = typeof baseURLArg === 'string' ? originOf(baseURLArg) : null;
    if (typeof baseURLArg === 'string' && !explicit) throw new Error(`${baseURLArg} is not a URL`);
    const origins = explicit ? [explicit] : originsForKeyName(name, configured, DEFAULT_KEY_NAME);
    const key =
      typeof keyArg === 'string'
        ? keyArg
        : await vscode.window.showInputBox({
            title: `API key for ${name}`,
            password: true,
            ignoreFocusOut: true,
            prompt: `Sent only to ${origins.join(', ')}; stored in VS Code SecretStorage only. Leave empty to delete it.`,
          });
    if (key === undefined) return;
    if (key === '') await deps.keys.delete(name);
    else await deps.keys.set(name, key, origins);
    void vscode.window.setStatusBarMessage(`Hallucination Lab: API key ${key === '' ? 'deleted' : 'saved'} for ${name}`, 3000);
  });
}

/** The trace file a command was invoked on: a path, an Explorer URI or a Trace Files node. */
function traceFileOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as TraceNode | undefined;
  return node?.kind === 'file' ? node.summary.file : undefined;
}
