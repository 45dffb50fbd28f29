// Shared by the suite files: the extension's API (the contract the tests hold it to), waiting,
// the fixture's known facts, and finding expected ranges in the raw text of a trace file.
import * as assert from 'node:assert/strict';
import * as P from '../../../common/protocol';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ServerConnection } from '../../../extension/serverClient';
import type { ExperimentSummary } from '../../../common/protocol';
import type { EditorModelInfo } from '../../../common/editorModels';

export const EXTENSION_ID = 'hallucination-lab.hallucination-lab';
export const DIAGNOSTIC_SOURCE = 'hallucination-lab';

/** What activate() returns (the contract with the extension). */
export interface HallucinationLabApi {
  ready(): Promise<void>;
  traceFiles(): string[];
  traceTree: vscode.TreeDataProvider<unknown>;
  experimentTree: vscode.TreeDataProvider<unknown>;
  server: ServerConnection;
  diagnostics(uri: vscode.Uri): vscode.Diagnostic[];
  /** Resolves when the experiment is no longer running (rejects after timeoutMs). */
  waitForExperiment(id: string, timeoutMs?: number): Promise<ExperimentSummary>;
  /** The editor's language models as the form offers them. */
  editorModels(): Promise<EditorModelInfo[]>;
}

/** The commands the contract names; package.json must contribute (at least) these. */
export const CONTRACT_COMMANDS = [
  'hallucinationLab.addTraceFiles',
  'hallucinationLab.removeTraceFile',
  'hallucinationLab.newExperiment',
  'hallucinationLab.openReport',
  'hallucinationLab.showMarkers',
  'hallucinationLab.cancelExperiment',
  'hallucinationLab.resumeExperiment',
  'hallucinationLab.rerunFailed',
  'hallucinationLab.deleteExperiment',
  'hallucinationLab.refresh',
  'hallucinationLab.restartServer',
  'hallucinationLab.setApiKey',
];

/** Facts of test/editor/fixtures/workspace. */
export const fixture = {
  /** Matched by the workspace setting "hallucinationLab.traceFiles": ["traces/**\/*.jsonl"]. */
  traceFiles: ['traces/weather.jsonl', 'traces/shop/orders.jsonl'],
  /** Not matched by the setting: added with the addTraceFiles command. */
  extraTraceFile: 'extra/extra-trace.jsonl',
  conversations: {
    /** User asks about Paris, the traced call says {"city": "Lyon"}: ungrounded argument value. */
    weatherParis: 'weather-paris',
    /** Grounded call and answer. */
    weatherRome: 'weather-rome',
    /** Answer "…\n\"Blue Kettle\" \u2014 the price is 42 euros." where 42 is in no context. */
    priceKettle: 'price-kettle',
    /** Grounded answer. */
    greetingAda: 'greeting-ada',
  },
  experimentName: 'editor-suite pass-through',
};

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri;
}

export function workspaceFile(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

let apiPromise: Promise<HallucinationLabApi> | undefined;

/** Activates the extension (once) and waits for api.ready(). */
export function getApi(): Promise<HallucinationLabApi> {
  apiPromise ??= (async () => {
    const ext = vscode.extensions.getExtension<HallucinationLabApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed (development extension)`);
    const api = await ext.activate();
    assert.ok(api, 'activate() returns the API object');
    await withTimeout(api.ready(), 30_000, 'api.ready()');
    return api;
  })();
  return apiPromise;
}

export async function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(p),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` until it returns something other than undefined/false; fails after `ms` with
 * `what` and the last value seen (or the last error thrown by the probe).
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms: number,
  what: string,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A path or URI string from the API, as a file system path. */
export function toFsPath(p: string): string {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(p) ? vscode.Uri.parse(p).fsPath : path.resolve(p);
}

export function sameFile(a: string, b: vscode.Uri): boolean {
  return path.normalize(toFsPath(a)) === path.normalize(b.fsPath);
}

// ---- tree views ----------------------------------------------------------------------------

export interface TreeNode {
  element: unknown;
  item: vscode.TreeItem;
  /** label, description and tooltip as plain text, for matching. */
  text: string;
  depth: number;
}

function labelText(label: string | vscode.TreeItemLabel | undefined): string {
  if (label === undefined) return '';
  return typeof label === 'string' ? label : label.label;
}

export function treeItemText(item: vscode.TreeItem): string {
  const tooltip = item.tooltip === undefined ? '' : typeof item.tooltip === 'string' ? item.tooltip : item.tooltip.value;
  const description = typeof item.description === 'string' ? item.description : '';
  return [labelText(item.label), description, tooltip, item.resourceUri?.path ?? ''].join(' | ');
}

/** All nodes of a tree, depth first, down to `maxDepth` (0 = roots only). */
export async function walkTree(provider: vscode.TreeDataProvider<unknown>, maxDepth = 3): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  const visit = async (parent: unknown, depth: number): Promise<void> => {
    const children = (await provider.getChildren(parent as never)) ?? [];
    for (const element of children) {
      const item = await provider.getTreeItem(element as never);
      out.push({ element, item, text: treeItemText(item), depth });
      if (depth < maxDepth && item.collapsibleState !== undefined && item.collapsibleState !== vscode.TreeItemCollapsibleState.None)
        await visit(element, depth + 1);
    }
  };
  await visit(undefined, 0);
  return out;
}

// ---- experiments ---------------------------------------------------------------------------

export function isFinished(e: ExperimentSummary): boolean {
  const s = e.status_summary;
  return !e.running && s.total > 0 && s.completed + s.failed + s.skipped === s.total;
}

/** Waits until the experiment `id` is finished (no pending/in-progress items, not running). */
export async function waitForExperiment(api: HallucinationLabApi, id: string, ms = 90_000): Promise<ExperimentSummary> {
  return waitFor(
    async () => {
      const list = await api.server.request(P.ListExperiments, {}).then((r) => r.experiments);
      const e = list.find((x) => x.id === id);
      return e && isFinished(e) ? e : undefined;
    },
    ms,
    `experiment ${id} to finish`,
    300,
  );
}

/** State shared between suite files (they run in order in one extension host). */
export const shared: { experimentId?: string; experimentName?: string; inferenceExperimentId?: string } = {};

// ---- expected ranges, found in the raw text of the file ------------------------------------

/**
 * The range of `needle` inside the first occurrence of `context` on the line of `document` that
 * holds conversation `conversationId` (JSONL: one conversation a line). `context` is raw file text
 * (with its JSON escapes) and must contain `needle` exactly once.
 */
export function rawRange(document: vscode.TextDocument, conversationId: string, context: string, needle: string): vscode.Range {
  const idMarker = `"id": "${conversationId}"`;
  let lineNo = -1;
  for (let i = 0; i < document.lineCount; i++) {
    const t = document.lineAt(i).text;
    if (t.includes(idMarker) || t.includes(`"id":"${conversationId}"`)) {
      lineNo = i;
      break;
    }
  }
  assert.ok(lineNo >= 0, `conversation ${conversationId} found in ${document.uri.fsPath}`);
  const text = document.lineAt(lineNo).text;
  const at = text.indexOf(context);
  assert.ok(at >= 0, `raw text ${JSON.stringify(context)} found on line ${lineNo + 1}`);
  assert.equal(text.indexOf(context, at + 1), -1, `raw text ${JSON.stringify(context)} is unique on its line`);
  const inner = context.indexOf(needle);
  assert.ok(inner >= 0 && context.indexOf(needle, inner + 1) === -1, `${JSON.stringify(needle)} occurs once in ${JSON.stringify(context)}`);
  return new vscode.Range(lineNo, at + inner, lineNo, at + inner + needle.length);
}

export function fmtRange(r: vscode.Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

export function describeDiagnostics(document: vscode.TextDocument, diags: readonly vscode.Diagnostic[]): string {
  if (diags.length === 0) return '(none)';
  return diags
    .map((d) => `${fmtRange(d.range)} ${JSON.stringify(document.getText(d.range))} [${d.source}] ${d.message.split('\n')[0]}`)
    .join('\n  ');
}

export function hallucinationDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
}

/**
 * Hover contents as the text a person reads: markdown backslash escapes removed (`pass\-through`
 * reads "pass-through"), `**`/backticks left in place (they do not split words).
 */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  // What a reader sees: a backslash before any ASCII punctuation is a Markdown escape (the server
  // escapes every one in trace-derived text, issue 14).
  return rawHoverText(hovers).replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** A label as the hover may show it: `ungrounded_parameter_value` or "ungrounded parameter value". */
export function labelPattern(label: string): RegExp {
  return new RegExp(
    label
      .split('_')
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[ _]'),
    'i',
  );
}

function rawHoverText(hovers: readonly vscode.Hover[]): string {
  const parts: string[] = [];
  for (const h of hovers)
    for (const c of h.contents) {
      if (typeof c === 'string') parts.push(c);
      else if (c instanceof vscode.MarkdownString) parts.push(c.value);
      else if (c && typeof c === 'object' && 'value' in c) parts.push(String((c as { value: unknown }).value));
    }
  return parts.join('\n');
}
