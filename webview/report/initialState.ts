// The report's initial state, embedded by the host in the page's HTML (extension/webviews/html.ts)
// so the first paint needs no request. Host-sent data is not parsed again (see the typing
// convention in common/webviewProtocol.ts); only its envelope is checked.
import type { ReportInitResult } from '../../common/webviewProtocol';
import { reportMethods } from '../../common/webviewMethods';
import { EARLY_MESSAGES_GLOBAL, INITIAL_STATE_ELEMENT_ID } from '../../extension/webviews/html';

/**
 * The state the host sent with a page that has a static first screen (`report/firstState`), if it
 * came before the page's script: the inline loader kept it (extension/webviews/html.ts). Taken
 * once, and the loader's list is emptied (it holds the whole experiment).
 */
export function takeEarlyReportState(win: Record<string, unknown> = window as unknown as Record<string, unknown>): ReportInitResult | null {
  const early = win[EARLY_MESSAGES_GLOBAL];
  if (!Array.isArray(early)) return null;
  const messages: unknown[] = early.splice(0);
  // The loader stops keeping messages once its list is no longer the page's.
  win[EARLY_MESSAGES_GLOBAL] = null;
  for (const m of messages) {
    if (typeof m !== 'object' || m === null) continue;
    const message = m as { type?: unknown; method?: unknown; params?: unknown };
    if (message.type === 'notification' && message.method === reportMethods.firstState.method && isReportInit(message.params))
      return message.params;
  }
  return null;
}

function isReportInit(value: unknown): value is ReportInitResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ReportInitResult>;
  return typeof v.experimentId === 'string' && typeof v.conversations === 'object' && Array.isArray(v.labels);
}

/** Reads the embedded state once and removes its element: its text (as big as the experiment) is not kept twice. */
export function readReportBootstrap(doc: Pick<Document, 'getElementById'> = document): ReportInitResult | null {
  const element = doc.getElementById(INITIAL_STATE_ELEMENT_ID);
  const text = element?.textContent;
  element?.remove();
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isReportInit(value) ? value : null;
  } catch {
    return null;
  }
}
