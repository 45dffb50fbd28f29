// One item of the report in detail: its annotations, the conversation's messages and the
// response with the hallucinated spans highlighted, and the "open in trace" links.
import { type Annotation, type ExperimentItem } from '../../common/schema';
import type { AnnotationLocation, ConversationContext } from '../../common/webviewProtocol';
import { labelColorIndex } from './chartData';
import { DASH, formatDuration, formatInt, formatUsd, humanizeLabel } from './format';
import { responseViews, type Segment } from './highlight';
import { displayStatus, statusReason } from './items';
import { h, type Child, type VNode } from './vnode';
import { own } from './ownRecord';
import { labelChip, codiconNode, detectionNotes, type LabelDescriptions } from './reportChips';
import { judgeUsageText, markerTokensView, rawView } from './itemRawView';
import { commentsList, reviewCell, type ReviewAction } from './reviewCell';

export interface DetailOptions {
  /** Live report: called when an annotation's "open in trace" is clicked; absent in exports. */
  onOpen?: (location: AnnotationLocation) => void;
  /** Live report: a person's verdict on an annotation (Confirm / Dismiss / Label buttons); absent in exports. */
  onReview?: (annotation: Annotation, action: ReviewAction) => void;
  /** Live report: Comment… on the item itself (not a verdict); absent in exports. */
  onItemComment?: (item: ExperimentItem) => void;
}

function annotationTitle(a: Annotation, descriptions: LabelDescriptions): string {
  const where = a.tool_name ? ` · ${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}` : '';
  return `${humanizeLabel(a.label)}${where}: ${a.explanation || own(descriptions, a.label) || ''} (${a.detector}, confidence ${Math.round(a.confidence * 100)}%)`;
}

function locationOf(item: ExperimentItem, a: Annotation): AnnotationLocation {
  return {
    conversation_id: item.conversation_id,
    message_index: a.message_index,
    message_part_index: a.message_part_index,
    start_offset: a.start_offset,
    end_offset: a.end_offset,
  };
}

function renderSegments(
  segments: readonly Segment[],
  textLength: number,
  item: ExperimentItem,
  descriptions: LabelDescriptions,
  opts: DetailOptions,
): Child[] {
  const out: Child[] = [];
  for (const seg of segments) {
    if (seg.covering.length === 0) {
      out.push(seg.text);
      continue;
    }
    const anns = seg.covering.map((i) => item.annotations[i]!);
    const first = anns[0]!;
    const title = anns.map((a) => annotationTitle(a, descriptions)).join('\n');
    const onOpen = opts.onOpen;
    const attrs = {
      class: ['hl', `l${labelColorIndex(first.label)}`, anns.length > 1 && 'multi', seg.caret && 'caret'],
      title,
      'data-ann': seg.covering.join(' '),
      tabindex: onOpen ? 0 : undefined,
      role: onOpen ? 'link' : undefined,
      on: onOpen
        ? {
            click: () => onOpen(locationOf(item, first)),
            keydown: (e: Event) => {
              if ((e as KeyboardEvent).key === 'Enter') onOpen(locationOf(item, first));
            },
          }
        : undefined,
    };
    out.push(seg.caret ? h('span', attrs, '‸') : h('mark', attrs, seg.text));
    const ends = seg.caret ? seg.covering : seg.covering.filter((i) => Math.min(item.annotations[i]!.end_offset, textLength) === seg.end);
    if (ends.length > 0) out.push(h('sup', { class: 'ann-ref' }, ends.map((i) => i + 1).join(',')));
  }
  return out;
}

function roleTitle(role: string): string {
  return role === 'assistant' ? 'Assistant' : humanizeLabel(role);
}

export function itemDetail(
  item: ExperimentItem,
  conversation: ConversationContext | undefined,
  descriptions: LabelDescriptions,
  opts: DetailOptions = {},
): VNode {
  const { messages, unplaced } = responseViews(item.response_messages, item.annotations);
  const meta: Child[] = [];
  const fact = (label: string, value: string, title?: string) =>
    h('span', { class: 'fact', title }, h('span', { class: 'k' }, label), ' ', value);
  if (conversation) meta.push(fact('Trace', `${conversation.file}:${conversation.line + 1}`, conversation.file));
  meta.push(fact('Configuration', item.model_config));
  if (item.sample_index > 0) meta.push(fact('Sample', `#${item.sample_index + 1}`));
  meta.push(
    fact(
      'Tokens',
      `${formatInt(item.input_tokens)} in · ${formatInt(item.output_tokens)} out${item.reasoning_tokens ? ` · ${formatInt(item.reasoning_tokens)} reasoning` : ''}`,
    ),
  );
  meta.push(
    fact(
      'Latency',
      formatDuration(item.latency_ms),
      item.time_to_first_token_ms !== null ? `first token after ${formatDuration(item.time_to_first_token_ms)}` : undefined,
    ),
  );
  if (item.finish_reason) meta.push(fact('Finish', item.finish_reason));
  if (item.cost_usd !== null) meta.push(fact('Cost', formatUsd(item.cost_usd)));
  const judgeUsage = judgeUsageText(item);
  if (judgeUsage) meta.push(fact('Judge', judgeUsage, "The LLM judge's tokens and cost on this item, apart from the target's"));

  const convo: Child[] = [];
  if (conversation?.firstUserMessage) {
    convo.push(
      h(
        'div',
        { class: 'msg msg-user' },
        h('div', { class: 'role' }, codiconNode('account'), 'User ', h('span', { class: 'dim' }, '(first message)')),
        h('div', { class: 'text' }, conversation.firstUserMessage),
      ),
    );
  }
  for (const m of messages) {
    const parts = m.parts.map((p) =>
      p.part.kind === 'content'
        ? h('div', { class: 'text' }, renderSegments(p.segments, p.part.text.length, item, descriptions, opts))
        : h(
            'div',
            { class: ['tool-call', p.annotationIndices.length > 0 && 'has-ann'] },
            h('div', { class: 'fn' }, codiconNode('symbol-method'), p.part.toolName),
            h('pre', { class: 'args' }, renderSegments(p.segments, p.part.text.length, item, descriptions, opts)),
          ),
    );
    convo.push(
      h(
        'div',
        { class: ['msg', `msg-${m.role === 'assistant' ? 'assistant' : 'other'}`] },
        h(
          'div',
          { class: 'role' },
          codiconNode(m.role === 'assistant' ? 'sparkle' : 'comment'),
          roleTitle(m.role),
          h('span', { class: 'dim' }, ` · message ${m.messageIndex}`),
        ),
        parts.length > 0 ? parts : h('div', { class: 'text dim' }, '(empty)'),
      ),
    );
  }
  if (messages.length === 0 && item.status !== 'failed')
    convo.push(h('p', { class: 'empty-note' }, item.status === 'completed' ? 'No response recorded.' : 'No response yet.'));

  const annotations = item.annotations.length
    ? h(
        'table',
        { class: 'ann-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, '#'),
            h('th', { scope: 'col' }, 'Label'),
            h('th', { scope: 'col' }, 'Text'),
            h('th', { scope: 'col' }, 'Explanation'),
            h('th', { scope: 'col' }, 'Detector'),
            h('th', { scope: 'col' }, 'Review'),
            opts.onOpen ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Open')) : null,
          ),
        ),
        h(
          'tbody',
          null,
          item.annotations.map((a, i) =>
            h(
              'tr',
              { class: [unplaced.includes(i) && 'unplaced', a.review?.verdict === 'dismissed' && 'dismissed'], 'data-ann': i },
              h('td', { class: 'num' }, String(i + 1)),
              h(
                'td',
                null,
                labelChip(a.label, descriptions),
                a.tool_name
                  ? h(
                      'div',
                      { class: 'where' },
                      codiconNode('symbol-method'),
                      `${a.tool_name}${a.parameter_name ? `.${a.parameter_name}` : ''}`,
                    )
                  : null,
              ),
              h(
                'td',
                { class: 'quote' },
                a.text ? h('q', null, a.text) : h('span', { class: 'dim' }, DASH),
                unplaced.includes(i) ? h('div', { class: 'dim' }, 'not found in the response text') : null,
              ),
              h('td', null, a.explanation),
              h('td', { class: 'det' }, a.detector, h('div', { class: 'dim' }, `${Math.round(a.confidence * 100)}%`)),
              reviewCell(a, opts.onReview, true),
              opts.onOpen
                ? h(
                    'td',
                    null,
                    h(
                      'button',
                      {
                        class: 'icon-btn',
                        type: 'button',
                        title: 'Open the trace file at this hallucination',
                        'aria-label': 'Open in trace',
                        on: { click: () => opts.onOpen!(locationOf(item, a)) },
                      },
                      codiconNode('go-to-file'),
                    ),
                  )
                : null,
            ),
          ),
        ),
      )
    : item.status === 'completed'
      ? h('p', { class: 'ok-note' }, codiconNode('pass-filled'), 'No hallucination found in this response.')
      : null;

  return h(
    'div',
    { class: 'detail' },
    h('div', { class: 'facts' }, meta),
    item.status === 'failed'
      ? displayStatus(item) === 'skipped'
        ? h('div', { class: 'banner info' }, codiconNode('debug-step-over'), h('span', null, `Skipped: ${statusReason(item) ?? ''}`))
        : h('div', { class: 'banner error' }, codiconNode('error'), h('span', null, item.failure_reason ?? 'Failed'))
      : null,
    h('div', { class: 'convo' }, convo),
    itemComments(item, opts),
    annotations,
    markerTokensView(item),
    detectionNotes(item),
    rawView(item),
  );
}

/** People's comments on the item itself, and (live report) its Comment… button. */
function itemComments(item: ExperimentItem, opts: DetailOptions): VNode | null {
  const list = commentsList(item.comments);
  const onComment = opts.onItemComment;
  if (!list && !onComment) return null;
  return h(
    'div',
    { class: 'item-comments' },
    list,
    onComment
      ? h(
          'button',
          {
            class: ['review-btn', 'review-item-comment'],
            type: 'button',
            title: 'Comment on this item (not a verdict)',
            on: { click: () => onComment(item) },
          },
          codiconNode('comment'),
          'Comment on item…',
        )
      : null,
  );
}
