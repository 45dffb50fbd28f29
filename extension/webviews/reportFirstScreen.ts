// The report page's static first screen (webview/report/firstScreen.ts) with the CSS it needs
// before the page's script has loaded: the report's own stylesheets (the page adopts the same
// text from its bundle), the rules for the controls not defined yet, and the rules that stand
// for the first screen's style attributes.
import type { ReportInitResult } from '../../common/webviewProtocol';
import baseCss from '../../webview/base.css';
import firstScreenCss from '../../webview/firstScreen.css';
import reportCss from '../../webview/report.css';
import { reportFirstScreenHtml } from '../../webview/report/firstScreen';
import type { FirstScreen } from './html';

/** Null when the state has no experiment (the page shows why from its embedded state instead). */
export function reportFirstScreen(init: ReportInitResult): FirstScreen | null {
  const page = reportFirstScreenHtml(init);
  return page ? { html: page.html, css: [baseCss, reportCss, firstScreenCss, page.css].join('\n') } : null;
}
