// The tokens chart: one column per item, input and output tokens stacked, largest first.
import { niceTicks, type TokenBar } from './chartData';
import { verticalFrame } from './charts';
import { formatInt } from './format';
import { h, s, type VNode } from './vnode';

/**
 * `live`: one pointer listener shows the hovered item in a tooltip (the webview); otherwise a
 * transparent column per item carries a <title> (the exported page, which has no script).
 */
export function tokensChart(bars: readonly TokenBar[], opts: { width?: number; height?: number; title: string; live?: boolean }): VNode {
  const left = 40;
  const max = Math.max(1, ...bars.map((b) => b.input + b.output));
  const { width, height, plotW, plotH, y, grid } = verticalFrame(opts, left, 22, niceTicks(max, 4));
  const bw = bars.length > 0 ? plotW / bars.length : plotW;
  const gap = bw > 4 ? 1 : 0;
  const children: VNode[] = [...grid];
  // Two paths draw all the columns; a transparent column per item carries its tooltip.
  let dIn = '';
  let dOut = '';
  const base = y(0);
  const hits: VNode[] = [];
  const wCol = Math.max(0.5, bw - gap);
  bars.forEach((b, i) => {
    const x = (left + i * bw).toFixed(2);
    const yIn = y(b.input);
    const yAll = y(b.input + b.output);
    dIn += `M${x} ${base.toFixed(2)}V${yIn.toFixed(2)}h${wCol.toFixed(2)}V${base.toFixed(2)}Z`;
    if (b.output > 0) dOut += `M${x} ${yIn.toFixed(2)}V${yAll.toFixed(2)}h${wCol.toFixed(2)}V${yIn.toFixed(2)}Z`;
    if (!opts.live) hits.push(s('rect', { class: 'hit', x, y: 8, width: bw.toFixed(2), height: plotH }, s('title', null, tokenLabel(b))));
  });
  children.push(s('path', { class: 'bar tok-in', d: dIn }), s('path', { class: 'bar tok-out', d: dOut }), ...hits);
  children.push(s('line', { class: 'axis', x1: left, x2: width - 8, y1: 8 + plotH, y2: 8 + plotH }));
  children.push(
    s(
      'text',
      { class: 'axis-title', x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle' },
      `${formatInt(bars.length)} items, largest first`,
    ),
  );
  const hover = opts.live
    ? {
        mousemove: (event: Event) => {
          const e = event as MouseEvent;
          const svg = e.currentTarget as SVGSVGElement;
          const box = svg.getBoundingClientRect();
          const x = ((e.clientX - box.left) / box.width) * width;
          const index = Math.floor((x - left) / bw);
          const tip = svg.parentElement?.querySelector('.chart-tip') as HTMLElement | null;
          if (!tip) return;
          const bar = bars[index];
          if (!bar || x < left) {
            tip.hidden = true;
            return;
          }
          tip.hidden = false;
          tip.textContent = tokenLabel(bar);
          tip.style.setProperty('left', `${Math.min(box.width - 180, Math.max(0, e.clientX - box.left + 12))}px`);
          tip.style.setProperty('top', `${e.clientY - box.top - 28}px`);
        },
        mouseleave: (event: Event) => {
          const tip = (event.currentTarget as Element).parentElement?.querySelector('.chart-tip') as HTMLElement | null;
          if (tip) tip.hidden = true;
        },
      }
    : undefined;
  return h(
    'div',
    { class: ['chart', opts.live && 'has-tip'] },
    s(
      'svg',
      { class: 'chart-svg', role: 'img', 'aria-label': opts.title, viewBox: `0 0 ${width} ${height}`, width, height, on: hover },
      children,
    ),
    opts.live ? h('div', { class: 'chart-tip', hidden: true, role: 'tooltip' }) : null,
    h(
      'div',
      { class: 'legend' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch tok-in' }), 'Input'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch tok-out' }), 'Output'),
    ),
  );
}

function tokenLabel(b: TokenBar): string {
  return `${b.label}: ${formatInt(b.input)} in · ${formatInt(b.output)} out`;
}
