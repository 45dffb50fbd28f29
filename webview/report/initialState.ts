// The report's initial state, embedded by the host in the page's HTML (extension/webviews/html.ts)
// so the first paint needs no request. Host-sent data is not parsed again (see the typing
// convention in common/webviewProtocol.ts); only its envelope is checked.
import type { ReportInitResult } from '../../common/webviewProtocol';
import { INITIAL_STATE_ELEMENT_ID } from '../../extension/webviews/html';

/** Reads the embedded state once and removes its element: its text (as big as the experiment) is not kept twice. */
export function readReportBootstrap(doc: Pick<Document, 'getElementById'> = document): ReportInitResult | null {
  const element = doc.getElementById(INITIAL_STATE_ELEMENT_ID);
  const text = element?.textContent;
  element?.remove();
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Partial<ReportInitResult>;
    return typeof v.experimentId === 'string' && typeof v.conversations === 'object' && Array.isArray(v.labels)
      ? (value as ReportInitResult)
      : null;
  } catch {
    return null;
  }
}
