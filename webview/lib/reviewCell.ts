// The "Review" cell of an annotation in an expanded item: who said what about it (confirmed,
// dismissed, relabelled, added by a person; carried over from another experiment), and in the live
// report the Confirm / Dismiss / Label buttons and Comment… (a comment that is not a verdict), each a
// keyboard-reachable button; people's comments under the state.
import { utcMinute } from '../../common/utcMinute';
import type { Annotation } from '../../common/schema';
import { humanizeLabel } from './format';
import { codiconNode } from './reportChips';
import { h, type VNode } from './vnode';

export type ReviewAction = 'confirm' | 'dismiss' | 'label' | 'comment';

const verdictText = { confirmed: 'Confirmed', dismissed: 'Dismissed', relabelled: 'Relabelled', added: 'Added' } as const;
const verdictIcon = { confirmed: 'pass', dismissed: 'circle-slash', relabelled: 'tag', added: 'person-add' } as const;

/** "Confirmed by ann · 2026-12-03 10:00" and the comment; "Not reviewed" when nobody has. */
export function reviewState(a: Annotation): VNode {
  const r = a.review;
  if (!r) return h('span', { class: 'review-state none' }, 'Not reviewed');
  const when = utcMinute(r.at);
  return h(
    'span',
    { class: ['review-state', r.verdict], title: r.carried_from ? `given in experiment ${r.carried_from}` : undefined },
    codiconNode(verdictIcon[r.verdict]),
    `${verdictText[r.verdict]}${r.verdict === 'relabelled' && r.label ? ` as ${humanizeLabel(r.label)}` : ''}`,
    h('span', { class: 'dim' }, ` by ${r.author} · ${when}${r.carried_from ? ' · carried over' : ''}`),
    r.comment ? h('div', { class: 'review-comment' }, r.comment) : null,
  );
}

/** People's comments (not verdicts) on an annotation or item: the text, who and when. */
export function commentsList(comments: Annotation['comments']): VNode | null {
  if (!comments?.length) return null;
  return h(
    'ul',
    { class: 'review-notes', 'aria-label': 'Comments' },
    comments.map((c) =>
      h(
        'li',
        { class: 'review-note' },
        codiconNode('comment'),
        h('span', { class: 'note-text' }, c.text),
        h('span', { class: 'dim' }, ` — ${c.author} · ${utcMinute(c.at)}`),
      ),
    ),
  );
}

/**
 * The Review cell; with `onReview`, the Confirm / Dismiss / Label… buttons, and with `withComment`
 * also Comment… (the expanded item's cell has all four).
 */
export function reviewCell(
  a: Annotation,
  onReview: ((a: Annotation, action: ReviewAction) => void) | undefined,
  withComment = false,
): VNode {
  const verdict = a.review?.verdict;
  const button = (action: ReviewAction, icon: string, text: string, title: string, disabled = false) =>
    h(
      'button',
      {
        // "review-comment" is the verdict's comment under the state: the button is "review-add-comment".
        class: ['review-btn', `review-${action === 'comment' ? 'add-comment' : action}`],
        type: 'button',
        title,
        disabled: disabled || undefined,
        on: { click: () => onReview!(a, action) },
      },
      codiconNode(icon),
      text,
    );
  return h(
    'td',
    { class: 'review' },
    reviewState(a),
    commentsList(a.comments),
    onReview && a.id
      ? h(
          'div',
          { class: 'review-actions', role: 'group', 'aria-label': 'Review this annotation' },
          button('confirm', 'check', 'Confirm', 'Confirm: it is a hallucination', verdict === 'confirmed' || verdict === 'added'),
          button('dismiss', 'close', 'Dismiss', 'Dismiss: not a hallucination (you can give a reason)', verdict === 'dismissed'),
          button('label', 'tag', 'Label…', 'Change its label'),
          withComment ? button('comment', 'comment', 'Comment…', 'Comment on it (not a verdict: it stays as reviewed as it is)') : null,
        )
      : null,
  );
}

/**
 * The report-level line for verdicts whose annotation no longer exists (the trace was edited, the
 * detector changed): kept and listed, never applied to other text.
 */
export function staleVerdictsLine(stale: readonly { verdict: string; text: string }[] | undefined): VNode | null {
  if (!stale?.length) return null;
  return h(
    'p',
    {
      class: 'hidden-note dim stale-note',
      title: stale.map((s) => `${s.verdict}: “${s.text}”`).join('\n'),
    },
    codiconNode('history'),
    `${stale.length} verdict${stale.length === 1 ? '' : 's'} on annotations that no longer exist (stale: kept, not applied)`,
  );
}
