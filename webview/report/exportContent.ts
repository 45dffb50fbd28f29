// The content each export format saves. The HTML export draws the charts, so this module and what
// it imports form a chunk of their own, loaded when the user exports (not before the first paint).
import type { ConversationContext, ExportFormat } from '../../common/webviewProtocol';
import type { ExperimentResource } from '../../common/schema';
import { experimentJson, itemsCsv, reportHtml } from '../lib/exportFormats';
import type { LabelDescriptions } from '../lib/reportViews';

export { exportFileName } from '../lib/exportFormats';

/** What an export of the experiment in this format saves. */
export function exportContent(
  format: ExportFormat,
  e: ExperimentResource,
  conversations: Record<string, ConversationContext>,
  cssText: string,
  descriptions: LabelDescriptions,
): string {
  return format === 'json'
    ? experimentJson(e)
    : format === 'csv'
      ? itemsCsv(e, conversations)
      : reportHtml(e, { css: cssText, conversations, descriptions });
}
