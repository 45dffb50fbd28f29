// Entry of the report bundle (dist/webview/report.js): the report panel, or the compare panel
// when the host's page says so (<body data-app="compare">).
import './lib/zodConfig';
import baseCss from './base.css';
import reportCss from './report.css';
import './lib/elements';
import { adoptStyles } from './lib/dom';
import { CompareApp } from './report/compareApp';
import { ReportApp } from './report/reportApp';

adoptStyles(baseCss, reportCss);
if (document.body.dataset.app === 'compare') void new CompareApp().start();
else void new ReportApp(`${baseCss}\n${reportCss}`).start();
