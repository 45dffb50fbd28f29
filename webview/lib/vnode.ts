// A tiny element tree, built by pure functions and turned either into DOM nodes (the live
// webview, dom.ts) or into an HTML string (the exported report, `toHtml`). Trace content only
// ever enters as text children, which both renderers escape: there is no raw-HTML node at all.
// Both also show bidi controls as `<U+202E>` in text and attribute values (never obeyed).
import { isolateBidiControls } from '../../common/bidiControls';

export type Child = VNode | string | number | null | undefined | false | readonly Child[];
export type AttrValue = string | number | boolean | null | undefined;

export interface VNodeProps {
  class?: string | false | null | readonly (string | false | null | undefined)[];
  /** CSS properties; applied through CSSOM in the webview (CSP allows that, not style attributes). */
  style?: Record<string, string | number | undefined>;
  /** Event listeners (webview only; never serialised). */
  on?: Record<string, (event: Event) => void>;
  /** DOM properties set on the element (webview only), e.g. `checked` of a custom element. */
  prop?: Record<string, unknown>;
  /** Called with the created element (webview only). */
  ref?: (element: Element) => void;
  [attr: string]: unknown;
}

export interface VNode {
  readonly tag: string;
  readonly props: VNodeProps;
  readonly children: readonly Child[];
  readonly svg: boolean;
}

const reserved = new Set(['class', 'style', 'on', 'prop', 'ref']);
const attrNamePattern = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;
const forbiddenTags = new Set(['script', 'style', 'iframe', 'object', 'embed', 'link', 'meta', 'base']);

export function h(tag: string, props?: VNodeProps | null, ...children: Child[]): VNode {
  if (forbiddenTags.has(tag.toLowerCase())) throw new Error(`<${tag}> is not allowed in views`);
  return { tag, props: props ?? {}, children, svg: false };
}

/** An SVG element (the renderer creates it in the SVG namespace). */
export function s(tag: string, props?: VNodeProps | null, ...children: Child[]): VNode {
  return { tag, props: props ?? {}, children, svg: true };
}

export function classNames(value: VNodeProps['class']): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return value;
  return value.filter((c): c is string => typeof c === 'string' && c.length > 0).join(' ');
}

/** Attribute names we accept: well-formed, and never an event handler (`on…`). */
export function isSafeAttributeName(name: string): boolean {
  return attrNamePattern.test(name) && !/^on/i.test(name);
}

/** `href`/`src`-like attributes may not carry script URLs. */
export function isSafeUrlAttribute(name: string, value: string): boolean {
  if (!/^(href|src|xlink:href|action|formaction)$/i.test(name)) return true;
  // eslint-disable-next-line no-control-regex
  const compact = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  return !compact.startsWith('javascript:') && !compact.startsWith('vbscript:') && !compact.startsWith('data:text/html');
}

/** The attributes a node will carry, in order, filtered for safety. */
export function attributesOf(node: VNode): [string, string][] {
  const out: [string, string][] = [];
  const cls = classNames(node.props.class);
  if (cls) out.push(['class', cls]);
  for (const [name, value] of Object.entries(node.props)) {
    if (reserved.has(name) || value === undefined || value === null || value === false) continue;
    if (!isSafeAttributeName(name)) continue;
    const text = value === true ? '' : isolateBidiControls(String(value));
    if (!isSafeUrlAttribute(name, text)) continue;
    out.push([name, text]);
  }
  return out;
}

export function styleText(style: VNodeProps['style']): string {
  if (!style) return '';
  return Object.entries(style)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}:${String(v)}`)
    .join(';');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const voidTags = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'wbr']);

/** Serialises a tree to HTML; text and attribute values are escaped, listeners dropped. */
export function toHtml(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (typeof child === 'string') return escapeHtml(isolateBidiControls(child));
  if (typeof child === 'number') return escapeHtml(String(child));
  if (Array.isArray(child)) return child.map(toHtml).join('');
  const node = child as VNode;
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(node.tag)) throw new Error(`invalid tag ${node.tag}`);
  let attrs = '';
  for (const [name, value] of attributesOf(node))
    attrs += value === '' && node.props[name] === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  const style = styleText(node.props.style);
  if (style) attrs += ` style="${escapeHtml(style)}"`;
  if (voidTags.has(node.tag) && !node.svg) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${node.children.map(toHtml).join('')}</${node.tag}>`;
}

/** The plain text of a tree (for tests and accessible names). */
export function textOf(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (typeof child === 'string') return child;
  if (typeof child === 'number') return String(child);
  if (Array.isArray(child)) return child.map(textOf).join('');
  return (child as VNode).children.map(textOf).join('');
}
