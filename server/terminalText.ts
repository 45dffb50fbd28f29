// Text from traces, stores and endpoints printed to a terminal: ids, names, reasons and messages
// may hold raw escape sequences (ESC, CSI, OSC…) that a terminal would obey (retitle the window,
// hide lines, fake a prompt, write a hyperlink), or bidi controls that reorder what is read.
// They are shown as `\uXXXX` instead.

// C0 controls, DEL, C1 controls (U+009B is a one-character CSI) and the bidi controls.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The same without line feeds: multi-line messages keep their lines.
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One field (an id, a name, a reason): every control character shown escaped. */
export function shown(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** A field printed inside one line (a finding's text, its explanation): line feeds as spaces, every other control shown escaped. */
export function shownOnOneLine(text: string): string {
  return shown(text.replace(/\n/g, ' '));
}

/** A message of one or more lines: line feeds kept, every other control character shown escaped. */
export function shownLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escaped);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls already, not DEL, C1 or bidi controls;
 * those only occur inside strings, where `\uXXXX` means the same character (still valid JSON).
 */
export function shownJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, escaped);
}
