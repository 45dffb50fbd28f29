// Renders vnode.ts trees into DOM nodes. Text goes through createTextNode, attributes through
// setAttribute (names filtered: no `on…`), styles through CSSOM: safe under the strict CSP and
// with any trace content. Bidi controls in text and attributes are shown as `<U+202E>`, not obeyed.
import { isolateBidiControls } from '../../common/bidiControls';
import { attributesOf, type Child, type VNode } from './vnode';

const SVG_NS = 'http://www.w3.org/2000/svg';

export function toDom(child: Child, doc: Document = document): Node {
  if (child === null || child === undefined || child === false) return doc.createTextNode('');
  if (typeof child === 'string' || typeof child === 'number') return doc.createTextNode(isolateBidiControls(String(child)));
  if (Array.isArray(child)) {
    const fragment = doc.createDocumentFragment();
    for (const c of child) appendChild(fragment, c, doc);
    return fragment;
  }
  const node = child as VNode;
  const el = node.svg ? doc.createElementNS(SVG_NS, node.tag) : doc.createElement(node.tag);
  for (const [name, value] of attributesOf(node)) el.setAttribute(name, value);
  const { style, on, prop, ref } = node.props;
  if (style) {
    const css = (el as HTMLElement | SVGElement).style;
    for (const [k, v] of Object.entries(style)) if (v !== undefined && v !== '') css.setProperty(k, String(v));
  }
  if (prop) for (const [k, v] of Object.entries(prop)) (el as unknown as Record<string, unknown>)[k] = v;
  if (on) for (const [type, listener] of Object.entries(on)) el.addEventListener(type, listener);
  for (const c of node.children) appendChild(el, c, doc);
  ref?.(el);
  return el;
}

function appendChild(parent: Node, child: Child, doc: Document): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) appendChild(parent, c, doc);
    return;
  }
  parent.appendChild(toDom(child, doc));
}

/** Replaces the children of `parent` with the rendered tree. */
export function mount(parent: Element, child: Child): void {
  parent.replaceChildren(toDom(child));
}

/** Shorthand for building elements imperatively (listeners, refs) with the same safety. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || /^on/i.test(k)) continue;
    if (k === 'class') element.className = String(v);
    else element.setAttribute(k, v === true ? '' : isolateBidiControls(String(v)));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    element.append(typeof c === 'string' ? document.createTextNode(isolateBidiControls(c)) : c);
  }
  return element;
}

export function codicon(name: string, extraClass = ''): HTMLElement {
  const span = document.createElement('span');
  span.className = `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`;
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** Adopts CSS text as a constructable stylesheet (not subject to the CSP's style-src). */
export function adoptStyles(...cssTexts: string[]): void {
  const sheets = cssTexts.map((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
}
