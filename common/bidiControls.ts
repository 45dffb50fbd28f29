// Bidirectional formatting characters in text from traces, model output or a (possibly committed,
// hostile) store: shown, never obeyed, wherever the product displays that text — diagnostics and
// hovers (server) as well as the report, the form and exports (webviews).

/**
 * Bidirectional formatting characters (embeddings, overrides, isolates, marks): in a message they
 * can reorder what the user reads around them ("Trojan Source"). Natural right-to-left letters
 * are not in this set and are kept.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every bidi control shown as its code point (`<U+202E>`): none is left to act, and
 * the reader sees that one was there. Text without any is returned unchanged.
 */
export function isolateBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
