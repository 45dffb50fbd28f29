// A vnode tree as static HTML for a page under the webviews' CSP, which refuses `style`
// attributes: each element's CSS properties become one rule of a stylesheet (sent with the page's
// nonce) that selects the element by a `data-static-style` number, `!important` as the attribute
// would outrank the stylesheets. Text and attribute values are
// escaped as by `toHtml`; listeners, properties and refs are dropped (the page's script adds the
// live elements later).
import { isolateBidiControls } from '../../common/bidiControls';
import { attributesOf, escapeHtml, styleText, type Child, type VNode } from './vnode';

const voidTags = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'wbr']);

export interface StaticHtml {
  html: string;
  /** The rules for the elements' CSS properties (empty when none has any). */
  css: string;
}

export function toStaticHtml(child: Child): StaticHtml {
  const rules: string[] = [];
  const render = (c: Child): string => {
    if (c === null || c === undefined || c === false) return '';
    if (typeof c === 'string') return escapeHtml(isolateBidiControls(c));
    if (typeof c === 'number') return escapeHtml(String(c));
    if (Array.isArray(c)) return c.map(render).join('');
    const node = c as VNode;
    if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(node.tag)) throw new Error(`invalid tag ${node.tag}`);
    let attrs = '';
    for (const [name, value] of attributesOf(node))
      attrs += value === '' && node.props[name] === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
    if (styleText(node.props.style)) {
      // As strong as the style attribute it stands for (important beats the stylesheets' rules).
      const declarations = Object.entries(node.props.style ?? {})
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => `${k}:${String(v)} !important`)
        .join(';');
      // A property or value cannot close its rule or the <style> element.
      if (/[{}<>]/.test(declarations)) throw new Error(`unsafe style ${declarations}`);
      attrs += ` data-static-style="${rules.length}"`;
      rules.push(`[data-static-style="${rules.length}"]{${declarations}}`);
    }
    if (voidTags.has(node.tag) && !node.svg) return `<${node.tag}${attrs}>`;
    return `<${node.tag}${attrs}>${node.children.map(render).join('')}</${node.tag}>`;
  };
  const html = render(child);
  return { html, css: rules.join('\n') };
}
