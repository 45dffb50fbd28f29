// The report's items table: one row per item, with the values it is sorted and filtered on.
import type { ExperimentItem, ExperimentResource, ItemStatus } from '../../common/schema';
import { isSkippedItem, itemStatuses } from '../../common/schemaValues';
import type { ConversationContext } from '../../common/webviewProtocol';
import { own } from './ownRecord';

export interface ItemRow {
  item: ExperimentItem;
  conversation: ConversationContext | undefined;
  hallucinations: number;
  /** Labels with their counts, most frequent first. */
  labels: { label: string; count: number }[];
  /** Tools whose calls were annotated. */
  tools: string[];
  totalTokens: number | null;
  /** Lowercase text searched by the filter box. */
  search: string;
}

export const sortKeys = [
  'conversation',
  'model_config',
  'status',
  'hallucinations',
  'latency',
  'input_tokens',
  'output_tokens',
  'cost',
] as const;
export type SortKey = (typeof sortKeys)[number];
export interface SortState {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface ItemFilter {
  text: string;
  status: ItemStatus | '';
  label: string;
  tool: string;
  modelConfig: string;
  onlyHallucinated: boolean;
}

export const emptyItemFilter: ItemFilter = { text: '', status: '', label: '', tool: '', modelConfig: '', onlyHallucinated: false };
export const defaultSort: SortState = { key: 'conversation', dir: 'asc' };

export function buildRow(item: ExperimentItem, conversation: ConversationContext | undefined): ItemRow {
  // Dismissed annotations are not hallucinations (people said so): not counted, not labelled, as in
  // the metrics.
  const counted = item.annotations.filter((a) => a.review?.verdict !== 'dismissed');
  const labelCounts = new Map<string, number>();
  const tools = new Set<string>();
  for (const a of counted) {
    labelCounts.set(a.label, (labelCounts.get(a.label) ?? 0) + 1);
    if (a.tool_name) tools.add(a.tool_name);
  }
  const labels = [...labelCounts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const totalTokens =
    item.input_tokens === null && item.output_tokens === null ? null : (item.input_tokens ?? 0) + (item.output_tokens ?? 0);
  const responseText = item.response_messages
    .map((m) => (typeof m.message.content === 'string' ? m.message.content : ''))
    .join(' ')
    .slice(0, 2000);
  const search = [
    item.conversation_id,
    item.model_config,
    conversation?.file ?? '',
    conversation?.firstUserMessage ?? '',
    responseText,
    item.failure_reason ?? '',
    ...labels.map((l) => l.label),
    ...tools,
  ]
    .join('\n')
    .toLowerCase();
  const hallucinations = counted.length;
  return { item, conversation, hallucinations, labels, tools: [...tools].sort(), totalTokens, search };
}

export function buildRows(experiment: ExperimentResource, conversations: Readonly<Record<string, ConversationContext>>): ItemRow[] {
  return experiment.items.map((item) => buildRow(item, own(conversations, item.conversation_id)));
}

export function filterRows(rows: readonly ItemRow[], filter: ItemFilter): ItemRow[] {
  const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(
    (r) =>
      (!filter.status || r.item.status === filter.status) &&
      (!filter.modelConfig || r.item.model_config === filter.modelConfig) &&
      (!filter.label || r.labels.some((l) => l.label === filter.label)) &&
      (!filter.tool || r.tools.includes(filter.tool)) &&
      (!filter.onlyHallucinated || r.hallucinations > 0) &&
      terms.every((t) => r.search.includes(t)),
  );
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const statusRank = new Map<string, number>(itemStatuses.map((s, i) => [s, i]));

function sortValue(row: ItemRow, key: SortKey): number | string | null {
  switch (key) {
    case 'conversation':
      return row.item.conversation_id;
    case 'model_config':
      return row.item.model_config;
    case 'status':
      return statusRank.get(row.item.status) ?? 99;
    case 'hallucinations':
      return row.item.status === 'completed' ? row.hallucinations : null;
    case 'latency':
      return row.item.latency_ms;
    case 'input_tokens':
      return row.item.input_tokens;
    case 'output_tokens':
      return row.item.output_tokens;
    case 'cost':
      return row.item.cost_usd;
  }
}

/** The order every sort falls back to: conversation, configuration, sample. */
function naturalOrder(a: ItemRow, b: ItemRow): number {
  return (
    collator.compare(a.item.conversation_id, b.item.conversation_id) ||
    collator.compare(a.item.model_config, b.item.model_config) ||
    a.item.sample_index - b.item.sample_index
  );
}

/** Stable sort; missing values (not yet run, unknown cost) always last. */
export function sortRows(rows: readonly ItemRow[], sort: SortState): ItemRow[] {
  const dir = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null && vb === null) return naturalOrder(a, b);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = typeof va === 'string' && typeof vb === 'string' ? collator.compare(va, vb) : (va as number) - (vb as number);
    return c !== 0 ? c * dir : naturalOrder(a, b);
  });
}

/** Clicking a header: same key flips direction; a new key starts in its natural direction. */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const descFirst: SortKey[] = ['hallucinations', 'latency', 'input_tokens', 'output_tokens', 'cost'];
  return { key, dir: descFirst.includes(key) ? 'desc' : 'asc' };
}

export interface Facets {
  statuses: { value: ItemStatus; count: number }[];
  labels: { value: string; count: number }[];
  tools: { value: string; count: number }[];
  modelConfigs: { value: string; count: number }[];
}

/** The values the filters offer, each with how many rows have it. */
export function facets(rows: readonly ItemRow[]): Facets {
  const status = new Map<ItemStatus, number>();
  const labels = new Map<string, number>();
  const tools = new Map<string, number>();
  const configs = new Map<string, number>();
  for (const r of rows) {
    status.set(r.item.status, (status.get(r.item.status) ?? 0) + 1);
    configs.set(r.item.model_config, (configs.get(r.item.model_config) ?? 0) + 1);
    for (const l of r.labels) labels.set(l.label, (labels.get(l.label) ?? 0) + 1);
    for (const t of r.tools) tools.set(t, (tools.get(t) ?? 0) + 1);
  }
  const byCount = <T extends string>(m: Map<T, number>) =>
    [...m].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || collator.compare(a.value, b.value));
  return {
    statuses: itemStatuses.filter((s) => status.has(s)).map((s) => ({ value: s, count: status.get(s)! })),
    labels: byCount(labels),
    tools: byCount(tools),
    modelConfigs: [...configs].map(([value, count]) => ({ value, count })).sort((a, b) => collator.compare(a.value, b.value)),
  };
}

/** A cheap fingerprint of what a row shows, to reuse its DOM when nothing changed. */
export function rowSignature(row: ItemRow): string {
  const i = row.item;
  return `${i.status}|${i.annotations.length}|${i.completed_at ?? ''}|${i.latency_ms ?? ''}|${i.output_tokens ?? ''}|${i.failure_reason ?? ''}|${i.hidden_annotations ?? 0}|${(i.detection_notes ?? []).join('\u0000')}|${row.conversation ? 1 : 0}|${reviewSignature(i)}`;
}

/** The verdicts and comments on an item and its annotations: a new verdict or comment redraws its row. */
function reviewSignature(item: ExperimentItem): string {
  const verdicts = item.annotations.map(
    (a) => `${a.review ? `${a.review.verdict}:${a.review.label ?? ''}:${a.review.at}` : ''}#${a.comments?.length ?? 0}`,
  );
  return `${verdicts.join(',')}#${item.comments?.length ?? 0}`;
}

/**
 * An item the server left out because there was nothing to judge (no response): it is stored as
 * `failed` with a reason starting "skipped:" (server/core/experiments/responses.ts); the status
 * summary counts it as skipped, and the report tells it apart the same way (common/schema.ts).
 */
export function isSkipped(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): boolean {
  return isSkippedItem(item);
}

/** What an item's status chip shows: its status, or "skipped" for a failure that is a skip. */
export type DisplayStatus = ItemStatus | 'skipped';

export function displayStatus(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): DisplayStatus {
  return isSkipped(item) ? 'skipped' : item.status;
}

/** The reason shown for a failed or skipped item, without the "skipped:" prefix. */
export function statusReason(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): string | null {
  if (item.status !== 'failed' || !item.failure_reason) return null;
  return isSkipped(item) ? item.failure_reason.slice('skipped:'.length).trim() : item.failure_reason;
}

/** The chip's tooltip: its title, and the reason for a failed or skipped item. */
export function statusTooltip(item: Pick<ExperimentItem, 'status' | 'failure_reason'>): string {
  const status = displayStatus(item);
  const reason = statusReason(item);
  return reason ? `${statusTitles[status]}: ${reason}` : statusTitles[status];
}

/** Failed items split into real failures and skips (as the status summary counts them). */
export function failureCounts(items: readonly Pick<ExperimentItem, 'status' | 'failure_reason'>[]): { failed: number; skipped: number } {
  let failed = 0;
  let skipped = 0;
  for (const i of items) {
    if (i.status !== 'failed') continue;
    if (isSkipped(i)) skipped++;
    else failed++;
  }
  return { failed, skipped };
}

/** Annotations the detectors found below the minConfidence setting, summed over the items. */
export function hiddenAnnotationCount(items: readonly Pick<ExperimentItem, 'hidden_annotations'>[]): number {
  return items.reduce((n, i) => n + (i.hidden_annotations ?? 0), 0);
}

export const statusTitles: Record<DisplayStatus, string> = {
  pending: 'Pending',
  in_progress: 'Running',
  inference_completed: 'Detecting',
  completed: 'Completed',
  failed: 'Failed',
  skipped: 'Skipped',
};

export const statusIcons: Record<DisplayStatus, string> = {
  pending: 'circle-large-outline',
  in_progress: 'loading',
  inference_completed: 'sync',
  completed: 'pass',
  failed: 'error',
  skipped: 'debug-step-over',
};
