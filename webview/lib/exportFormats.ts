// The report's exports: the experiment resource as JSON, its items as CSV, and a
// self-contained HTML report (no scripts, no remote resources; every trace string escaped).
import type { ExperimentResource } from '../../common/schema';
import type { ConversationContext, ExportFormat } from '../../common/webviewProtocol';
import { statusBar } from './statusBar';
import { formatDateTime, formatDuration, formatInt, formatPercent, formatUsd } from './format';
import { buildRows, sortRows, defaultSort, displayStatus, hiddenAnnotationCount, statusTitles } from './items';
import {
  chartCards,
  configurationTable,
  hiddenAnnotationsLine,
  itemDetail,
  labelChips,
  metricCards,
  modelConfigsOf,
  type LabelDescriptions,
} from './reportViews';
import { escapeHtml, h, toHtml } from './vnode';

export function experimentJson(experiment: ExperimentResource): string {
  return `${JSON.stringify(experiment, null, 2)}\n`;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return fields.map(csvField).join(',');
}

export const itemCsvColumns = [
  'item_id',
  'conversation_id',
  'trace_file',
  'trace_line',
  'model_config',
  'sample_index',
  'status',
  'failure_reason',
  'hallucinations',
  'labels',
  'tools',
  'annotations',
  'input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'latency_ms',
  'time_to_first_token_ms',
  'finish_reason',
  'cost_usd',
  'started_at',
  'completed_at',
  'judge_input_tokens',
  'judge_output_tokens',
  'judge_cost_usd',
] as const;

/** One line per item; CRLF line ends as RFC 4180 asks. */
export function itemsCsv(experiment: ExperimentResource, conversations: Readonly<Record<string, ConversationContext>> = {}): string {
  const lines = [csvLine(itemCsvColumns)];
  for (const row of sortRows(buildRows(experiment, conversations), defaultSort)) {
    const i = row.item;
    lines.push(
      csvLine([
        i.id,
        i.conversation_id,
        row.conversation?.file ?? null,
        row.conversation ? row.conversation.line + 1 : null,
        i.model_config,
        i.sample_index,
        i.status,
        i.failure_reason,
        i.annotations.length,
        row.labels.map((l) => (l.count > 1 ? `${l.label}×${l.count}` : l.label)).join('; '),
        row.tools.join('; '),
        i.annotations.map((a) => `${a.label}: ${a.text}`).join(' | '),
        i.input_tokens,
        i.output_tokens,
        i.reasoning_tokens,
        i.latency_ms,
        i.time_to_first_token_ms,
        i.finish_reason,
        i.cost_usd,
        i.started_at,
        i.completed_at,
        i.judge_input_tokens ?? null,
        i.judge_output_tokens ?? null,
        i.judge_cost_usd ?? null,
      ]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `my experiment` + `exp_123` → `my-experiment-exp_123.csv`. */
export function exportFileName(experiment: Pick<ExperimentResource, 'id' | 'name'>, format: ExportFormat): string {
  const slug = experiment.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const suffix = format === 'csv' ? '-items.csv' : format === 'html' ? '-report.html' : '.json';
  return `${slug ? `${slug}-` : ''}${experiment.id}${suffix}`;
}

/** Theme variables for the exported page (light, and dark when the viewer prefers it). */
export const exportThemeCss = `
:root{color-scheme:light dark;--vscode-font-family:system-ui,-apple-system,"Segoe UI",Ubuntu,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:ui-monospace,"SF Mono",Menlo,Consolas,monospace;--vscode-editor-font-size:12px;
--vscode-foreground:#3b3b3b;--vscode-descriptionForeground:#717171;--vscode-editor-background:#ffffff;--vscode-sideBar-background:#f8f8f8;--vscode-widget-border:#e5e5e5;--vscode-panel-border:#e5e5e5;--vscode-focusBorder:#005fb8;--vscode-textLink-foreground:#005fb8;
--vscode-badge-background:#cccccc;--vscode-badge-foreground:#3b3b3b;--vscode-list-hoverBackground:#f2f2f2;--vscode-textCodeBlock-background:#f3f3f3;--vscode-editorWidget-background:#f8f8f8;
--vscode-charts-foreground:#616161;--vscode-charts-lines:rgba(97,97,97,.5);--vscode-charts-red:#e51400;--vscode-charts-blue:#1a85ff;--vscode-charts-yellow:#bf8803;--vscode-charts-orange:#d18616;--vscode-charts-green:#388a34;--vscode-charts-purple:#652d90;
--vscode-errorForeground:#a1260d;--vscode-testing-iconPassed:#388a34;--vscode-editorWarning-foreground:#bf8803}
@media (prefers-color-scheme:dark){:root{--vscode-foreground:#cccccc;--vscode-descriptionForeground:#9d9d9d;--vscode-editor-background:#1f1f1f;--vscode-sideBar-background:#181818;--vscode-widget-border:#313131;--vscode-panel-border:#2b2b2b;--vscode-focusBorder:#0078d4;--vscode-textLink-foreground:#4daafc;
--vscode-badge-background:#616161;--vscode-badge-foreground:#f8f8f8;--vscode-list-hoverBackground:#2a2d2e;--vscode-textCodeBlock-background:#2b2b2b;--vscode-editorWidget-background:#202020;
--vscode-charts-foreground:#cccccc;--vscode-charts-lines:rgba(204,204,204,.5);--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7;
--vscode-errorForeground:#f85149;--vscode-testing-iconPassed:#73c991;--vscode-editorWarning-foreground:#cca700}}
body{margin:0;background:var(--vscode-editor-background)}
.codicon{display:none}
.export-footer{margin:32px 0 8px;color:var(--vscode-descriptionForeground);font-size:12px}
details.item-details{border-bottom:1px solid var(--vscode-widget-border)}
details.item-details>summary{cursor:pointer;padding:6px 4px;list-style-position:inside}
details.item-details>summary .sum-meta{color:var(--vscode-descriptionForeground);margin-left:8px}
`;

export interface HtmlReportOptions {
  /** The report's stylesheets (base + report CSS), inlined into the page. */
  css: string;
  conversations?: Readonly<Record<string, ConversationContext>>;
  descriptions: LabelDescriptions;
  generatedAt?: Date;
}

/** A standalone HTML page: header, status, metric cards, charts, configurations, every item. */
export function reportHtml(experiment: ExperimentResource, opts: HtmlReportOptions): string {
  const conversations = opts.conversations ?? {};
  const configs = modelConfigsOf(experiment);
  const rows = sortRows(buildRows(experiment, conversations), defaultSort);
  const generated = (opts.generatedAt ?? new Date()).toISOString();
  const configTable = configurationTable(experiment);
  const body = h(
    'main',
    { class: 'report export' },
    h(
      'header',
      { class: 'report-header' },
      h(
        'div',
        { class: 'title-block' },
        h('h1', null, experiment.name),
        h(
          'div',
          { class: 'subtitle' },
          `${experiment.id} · ${configs.join(' vs ') || experiment.model}${experiment.pass_through ? ' · pass-through' : ''} · created ${formatDateTime(experiment.created_at, true)} by ${experiment.created_by}`,
        ),
      ),
    ),
    h('section', { class: 'section' }, statusBar(experiment.status_summary)),
    h(
      'section',
      { class: 'section' },
      h('h2', null, 'Metrics'),
      metricCards(experiment),
      hiddenAnnotationsLine(hiddenAnnotationCount(experiment.items)),
    ),
    h('section', { class: 'section' }, h('h2', null, 'Charts'), chartCards(experiment)),
    configTable ? h('section', { class: 'section' }, h('h2', null, 'Configurations'), configTable) : null,
    experiment.system_prompt_override !== null
      ? h(
          'section',
          { class: 'section' },
          h('h2', null, 'System prompt override'),
          h('pre', { class: 'prompt' }, experiment.system_prompt_override),
        )
      : null,
    h(
      'section',
      { class: 'section' },
      h('h2', null, `Items (${formatInt(rows.length)})`),
      rows.map((row) =>
        h(
          'details',
          { class: 'item-details' },
          h(
            'summary',
            null,
            h('strong', null, row.item.conversation_id),
            configs.length > 1 ? ` · ${row.item.model_config}` : '',
            row.item.sample_index > 0 ? ` · sample ${row.item.sample_index + 1}` : '',
            h(
              'span',
              { class: 'sum-meta' },
              `${statusTitles[displayStatus(row.item)]} · ${row.hallucinations} hallucination${row.hallucinations === 1 ? '' : 's'} · ${formatDuration(row.item.latency_ms)}`,
            ),
            ' ',
            labelChips(row.labels, opts.descriptions),
          ),
          itemDetail(row.item, row.conversation, opts.descriptions),
        ),
      ),
    ),
    h(
      'footer',
      { class: 'export-footer' },
      `Exported from Hallucination Lab on ${generated}. Hallucination rate ${formatPercent(experiment.metrics.hallucination_rate)}, ${formatInt(experiment.metrics.total_hallucinations)} hallucinations, cost per 1k items ${formatUsd(experiment.metrics.cost_per_1k)}.`,
    ),
  );
  // The stylesheet is ours, but nothing in it may end the <style> element: `<` becomes a CSS escape.
  const css = `${exportThemeCss}\n${opts.css}`.replace(/</g, '\\3c ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`${experiment.name} — Hallucination Lab report`)}</title>
<style>${css}</style>
</head>
<body class="vscode-export">
${toHtml(body)}
</body>
</html>
`;
}
