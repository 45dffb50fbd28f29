// Text that comes from traces, model output or a (possibly committed, hostile) store, made inert
// for the places the editor shows it: Markdown hovers and plain diagnostic messages.

import { isolateBidiControls } from '../../common/bidiControls';

export { isolateBidiControls };

/**
 * `text` as literal Markdown: every ASCII punctuation character backslash-escaped (CommonMark
 * allows it for all of them), so no link, image, autolink (`https\://…`, `www\.…`), HTML tag,
 * entity, emphasis or heading can form. Bidi controls are made visible as well.
 */
export function markdownText(text: string): string {
  return isolateBidiControls(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * `text` as one inline code span: fenced with more backticks than it holds in a row, so it cannot
 * close the span early, and on one line (a newline would end the hover's line).
 */
export function markdownCode(text: string): string {
  const flat = isolateBidiControls(text).replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space on each side when both are there: pad when the text touches a backtick or a space.
  const pad = /^[` ]|[` ]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
