// The two views of the Hallucination Lab container: trace files → conversations, and
// experiments → status summary and items, updated live from server notifications.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ListConversations, type ConversationSummary, type ExperimentSummary, type TraceFileSummary } from '../common/protocol';
import type { ActiveExperiment } from './activeExperiment';
import type { ServerConnection } from './serverClient';
import { fileView, moreConversationsView, TREE_CONVERSATION_PAGE, unreadCallView, type UnreadCall } from './traceTreeModel';
import { liveConversationDescription, liveNodeDescription, type LiveEntry } from './liveTracesModel';
import type { LiveTracesSource } from './traceReceiver';
import { keptByTag, tagsTooltipLine } from './experimentTagFilterModel';
import { experimentCountsText, itemCountsText, reviewTooltipLine } from './experimentCountsText';

export type TraceNode =
  | { kind: 'file'; summary: TraceFileSummary }
  | { kind: 'conversation'; conversation: ConversationSummary }
  /** The LLM calls of a file the reader left out (coverage), and each of them. */
  | { kind: 'unread'; file: string; calls: UnreadCall[] }
  | { kind: 'unreadCall'; call: UnreadCall; index: number }
  /** What a large file lists past its first page: a count, not a node per conversation. */
  | { kind: 'more'; file: string; shown: number; total: number };

export type ExperimentNode =
  | { kind: 'experiment'; experiment: ExperimentSummary }
  | { kind: 'status'; experiment: ExperimentSummary }
  | { kind: 'item'; experiment: ExperimentSummary; item: ExperimentSummary['items'][number] }
  /** The received traces (issue 16): the receiver's state, and its recent conversations. */
  | { kind: 'live' }
  | { kind: 'liveConversation'; conversation: LiveEntry };

const LIVE_NODE: ExperimentNode = { kind: 'live' };

export class TraceTreeProvider implements vscode.TreeDataProvider<TraceNode> {
  private readonly changed = new vscode.EventEmitter<TraceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: TraceFileSummary[] = [];

  constructor(
    private readonly server: ServerConnection,
    private readonly root: () => string | undefined,
  ) {}

  setFiles(files: TraceFileSummary[]): void {
    this.files = files.filter((f) => f.isTrace);
    this.changed.fire(undefined);
  }

  getTreeItem(node: TraceNode): vscode.TreeItem {
    if (node.kind === 'file') {
      const f = node.summary;
      const view = fileView(f, this.relative(f.file));
      const item = new vscode.TreeItem(path.basename(f.file), vscode.TreeItemCollapsibleState.Collapsed);
      item.description = view.description;
      item.tooltip = new vscode.MarkdownString(view.tooltip.join('\n'));
      item.resourceUri = vscode.Uri.file(f.file);
      item.iconPath = view.errors
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : vscode.ThemeIcon.File;
      item.contextValue = 'traceFile';
      item.id = `file:${f.file}`;
      return item;
    }
    if (node.kind === 'unread') {
      const item = new vscode.TreeItem(`Not read (${node.calls.length})`, vscode.TreeItemCollapsibleState.Collapsed);
      item.tooltip = 'LLM calls whose messages could not be read: left out, never scored';
      item.iconPath = new vscode.ThemeIcon('eye-closed');
      item.contextValue = 'traceUnread';
      item.id = `unread:${node.file}`;
      return item;
    }
    if (node.kind === 'unreadCall') {
      const u = node.call;
      const view = unreadCallView(u);
      const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
      item.description = view.description;
      item.tooltip = view.tooltip;
      item.iconPath = new vscode.ThemeIcon('circle-slash');
      item.contextValue = 'traceUnreadCall';
      item.id = `unread:${u.file}:${node.index}`;
      item.command = { command: 'hallucinationLab.openConversation', title: 'Open in Trace File', arguments: [u.file, u.line] };
      return item;
    }
    if (node.kind === 'more') {
      const view = moreConversationsView(node.shown, node.total);
      const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
      item.tooltip = view.tooltip;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'traceMore';
      item.id = `more:${node.file}`;
      return item;
    }
    const c = node.conversation;
    const item = new vscode.TreeItem(c.id, vscode.TreeItemCollapsibleState.None);
    item.description = oneLine(c.firstUserMessage, 80);
    item.tooltip = new vscode.MarkdownString(
      `**${c.id}** · ${c.messageCount} messages${c.model ? ` · ${c.model}` : ''}\n\n**User:** ${oneLine(c.firstUserMessage, 300)}\n\n**Response:** ${oneLine(c.tracedResponse, 300)}`,
    );
    item.tooltip.supportHtml = false;
    item.iconPath = new vscode.ThemeIcon(c.hasToolCalls ? 'tools' : 'comment-discussion');
    item.contextValue = 'conversation';
    item.id = `conv:${c.file}:${c.id}`;
    item.command = { command: 'hallucinationLab.openConversation', title: 'Open Conversation', arguments: [c.file, c.line] };
    return item;
  }

  async getChildren(node?: TraceNode): Promise<TraceNode[]> {
    if (!node) return this.files.map((summary) => ({ kind: 'file', summary }));
    if (node.kind === 'unread') return node.calls.map((call, index) => ({ kind: 'unreadCall', call, index }));
    if (node.kind !== 'file') return [];
    const { unread } = fileView(node.summary, node.summary.file);
    const file = node.summary.file;
    const page = await this.server.request(ListConversations, { file, offset: 0, limit: TREE_CONVERSATION_PAGE });
    const conversations: TraceNode[] = page.conversations.map((conversation) => ({ kind: 'conversation', conversation }));
    const total = page.total ?? page.conversations.length;
    if (total > page.conversations.length) conversations.push({ kind: 'more', file, shown: page.conversations.length, total });
    return unread.length > 0 ? [{ kind: 'unread', file: node.summary.file, calls: unread }, ...conversations] : conversations;
  }

  private relative(file: string): string {
    const root = this.root();
    return root ? path.relative(root, file) : file;
  }
}

export class ExperimentTreeProvider implements vscode.TreeDataProvider<ExperimentNode> {
  private readonly changed = new vscode.EventEmitter<ExperimentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private experiments = new Map<string, ExperimentSummary>();
  /** Only the experiments with this tag are listed (Filter Experiments by Tag…); none: all. */
  private tag: string | undefined;

  /** "markers shown" follows the owner of the active experiment. */
  constructor(
    private readonly active: Pick<ActiveExperiment, 'id' | 'onDidChange'>,
    private readonly live?: LiveTracesSource,
  ) {
    active.onDidChange(() => this.changed.fire(undefined));
    live?.onDidChange(() => this.changed.fire(undefined));
  }

  /** The Live node (the same object every time, so the view can reveal it). */
  get liveNode(): ExperimentNode {
    return LIVE_NODE;
  }

  getParent(node: ExperimentNode): ExperimentNode | undefined {
    if (node.kind === 'liveConversation') return LIVE_NODE;
    if (node.kind === 'status' || node.kind === 'item') return { kind: 'experiment', experiment: node.experiment };
    return undefined;
  }

  setAll(list: ExperimentSummary[]): void {
    this.experiments = new Map(list.map((e) => [e.id, e]));
    this.changed.fire(undefined);
  }
  upsert(e: ExperimentSummary): void {
    this.experiments.set(e.id, e);
    this.changed.fire(undefined);
  }
  remove(id: string): void {
    this.experiments.delete(id);
    this.changed.fire(undefined);
  }
  get(id: string): ExperimentSummary | undefined {
    return this.experiments.get(id);
  }
  all(): ExperimentSummary[] {
    return [...this.experiments.values()];
  }
  get tagFilter(): string | undefined {
    return this.tag;
  }
  setTagFilter(tag: string | undefined): void {
    this.tag = tag;
    this.changed.fire(undefined);
  }

  getTreeItem(node: ExperimentNode): vscode.TreeItem {
    if (node.kind === 'live' || node.kind === 'liveConversation') return this.liveItem(node);
    if (node.kind === 'experiment') {
      const e = node.experiment;
      const s = e.status_summary;
      const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `exp:${e.id}`;
      item.description = `${e.running ? 'running' : s.completed + s.failed + s.skipped === s.total ? 'done' : 'stopped'} · ${s.completed}/${s.total} · ${experimentCountsText(e)}${this.active.id === e.id ? ' · markers shown' : ''}`;
      item.tooltip = new vscode.MarkdownString(
        `**${e.name}**\n\n${e.pass_through ? 'Pass-through (traced responses)' : `Model: ${e.model}`}\n\nCreated ${new Date(e.created_at).toLocaleString()}\n\n` +
          `pending ${s.pending} · in progress ${s.in_progress} · inference completed ${s.inference_completed} · completed ${s.completed} · failed ${s.failed} · skipped ${s.skipped}\n\n` +
          `Hallucination rate: ${e.hallucination_rate === null ? 'n/a' : `${(e.hallucination_rate * 100).toFixed(1)}%`}` +
          (reviewTooltipLine(e) ? `\n\n${reviewTooltipLine(e)}` : '') +
          (tagsTooltipLine(e.tags) ? `\n\n${tagsTooltipLine(e.tags)}` : ''),
      );
      item.iconPath = e.running
        ? new vscode.ThemeIcon('sync~spin')
        : s.failed > 0
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
          : s.completed + s.skipped === s.total
            ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
            : new vscode.ThemeIcon('debug-pause');
      item.contextValue = e.running ? 'experiment.running' : 'experiment.idle';
      return item;
    }
    if (node.kind === 'status') {
      const s = node.experiment.status_summary;
      const item = new vscode.TreeItem(
        `pending ${s.pending} · in progress ${s.in_progress + s.inference_completed} · completed ${s.completed} · failed ${s.failed} · skipped ${s.skipped}`,
      );
      item.id = `status:${node.experiment.id}`;
      item.iconPath = new vscode.ThemeIcon('pulse');
      item.contextValue = 'experimentStatus';
      return item;
    }
    const { item: i, experiment: e } = node;
    const multi = new Set(e.items.map((x) => x.model_config)).size > 1 || e.items.some((x) => x.sample_index > 0);
    const t = new vscode.TreeItem(
      multi ? `${i.conversation_id} · ${i.model_config}${i.sample_index ? ` #${i.sample_index + 1}` : ''}` : i.conversation_id,
    );
    t.id = `item:${e.id}:${i.id}`;
    // A conversation with no response is stored as failed with a "skipped:" reason: it reads as skipped.
    const skipped = i.status === 'failed' && (i.failure_reason ?? '').startsWith('skipped:');
    t.description = skipped ? 'skipped' : i.status === 'completed' ? itemCountsText(i) : i.status.replace(/_/g, ' ');
    t.tooltip = skipped ? (i.failure_reason ?? '') : i.failure_reason ? `failed: ${i.failure_reason}` : `${i.status.replace(/_/g, ' ')}`;
    t.iconPath = skipped ? new vscode.ThemeIcon('debug-step-over') : itemIcon(i.status, i.hallucinations);
    t.contextValue = 'experimentItem';
    t.command = { command: 'hallucinationLab.openReport', title: 'Open Report', arguments: [e.id] };
    return t;
  }

  getChildren(node?: ExperimentNode): ExperimentNode[] {
    if (!node)
      return [
        // Shown once the receiver ran in this window: it is not clutter for those who never use it.
        ...(this.live?.model.active ? [LIVE_NODE] : []),
        ...[...this.experiments.values()]
          .filter((e) => keptByTag(e, this.tag))
          .sort((a, b) => b.created_at.localeCompare(a.created_at))
          .map((experiment): ExperimentNode => ({ kind: 'experiment', experiment })),
      ];
    if (node.kind === 'live')
      return (this.live?.model.conversations ?? []).map((conversation) => ({ kind: 'liveConversation', conversation }));
    if (node.kind !== 'experiment') return [];
    const e = this.experiments.get(node.experiment.id) ?? node.experiment;
    return [{ kind: 'status', experiment: e }, ...e.items.map((item) => ({ kind: 'item' as const, experiment: e, item }))];
  }

  private liveItem(node: ExperimentNode & { kind: 'live' | 'liveConversation' }): vscode.TreeItem {
    if (node.kind === 'live') {
      const model = this.live?.model;
      const item = new vscode.TreeItem('Live', vscode.TreeItemCollapsibleState.Expanded);
      item.id = 'live';
      item.description = liveNodeDescription(model?.status ?? null);
      item.tooltip = 'Traces received by the OTLP receiver, judged by the local detector as they complete (newest first)';
      item.iconPath = new vscode.ThemeIcon(model?.listening ? 'radio-tower' : 'debug-disconnect');
      item.contextValue = model?.listening ? 'live.listening' : 'live.stopped';
      return item;
    }
    const c = node.conversation;
    const item = new vscode.TreeItem(c.id, vscode.TreeItemCollapsibleState.None);
    item.id = `live:${c.id}`;
    item.description = liveConversationDescription(c);
    item.tooltip = new vscode.MarkdownString(
      `**${c.id}** · trace ${c.traceId}${c.model ? ` · ${c.model}` : ''}\n\n${path.basename(c.file)}, line ${c.line + 1} · judged ${new Date(c.judgedAt).toLocaleTimeString()}` +
        (c.failureReason ? `\n\n${c.failureReason}` : ''),
    );
    item.tooltip.supportHtml = false;
    item.iconPath = itemIcon(c.status, c.hallucinations);
    item.contextValue = 'liveConversation';
    item.command = { command: 'hallucinationLab.openConversation', title: 'Open Conversation', arguments: [c.file, c.line] };
    return item;
  }
}

function itemIcon(status: string, hallucinations: number): vscode.ThemeIcon {
  switch (status) {
    case 'completed':
      return hallucinations > 0
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'in_progress':
    case 'inference_completed':
      return new vscode.ThemeIcon('loading~spin');
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
