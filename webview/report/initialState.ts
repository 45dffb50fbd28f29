// The report's initial state, embedded by the host in the page's HTML (extension/webviews/html.ts)
// so the first paint needs no request. Host-sent data is not parsed again (see the typing
// convention in common/webviewProtocol.ts); only its envelope is checked.
import type { ReportBootstrap } from '../../common/webviewProtocol';
import { INITIAL_STATE_ELEMENT_ID } from '../../extension/webviews/html';

export function readReportBootstrap(doc: Pick<Document, 'getElementById'> = document): ReportBootstrap | null {
  const text = doc.getElementById(INITIAL_STATE_ELEMENT_ID)?.textContent;
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Partial<ReportBootstrap>;
    return typeof v.stateId === 'string' && typeof v.experimentId === 'string' && typeof v.conversations === 'object' && Array.isArray(v.labels) ? (value as ReportBootstrap) : null;
  } catch {
    return null;
  }
}
