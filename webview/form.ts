// Entry of the form bundle (dist/webview/form.js): the "New Experiment" form.
import './lib/zodConfig';
import baseCss from './base.css';
import formCss from './form.css';
import './lib/formElements';
import { adoptStyles } from './lib/dom';
import { FormApp } from './form/formApp';

adoptStyles(baseCss, formCss);
void new FormApp().start();
