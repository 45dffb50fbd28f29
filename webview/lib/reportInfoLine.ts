// The report header's line about the experiment itself (issue 17): its tags with an Edit button
// (an inline field: Enter saves, Escape cancels) and its comments count with "Add comment" (the
// same kind of field). Pure vnodes, so it is unit tested; the header mounts it and redraws it when
// the person starts or stops editing. The snapshot that follows a save redraws the whole header.
import type { ExperimentResource } from '../../common/schema';
import { tagsOf } from './tagsText';
import { codiconNode } from './reportChips';
import { h, type VNode } from './vnode';

export type InfoEditing = 'tags' | 'comment' | null;

export interface InfoLineHandlers {
  /** The person opened or closed a field. */
  edit(mode: InfoEditing): void;
  saveTags(tags: string[]): void;
  addComment(text: string): void;
  /** What the open field holds now (kept when the header is rebuilt under the person's typing). */
  typed?(text: string): void;
}

/** The comments on the experiment itself (not those of verdicts on annotations or items). */
export function experimentComments(e: Pick<ExperimentResource, 'comments'>): NonNullable<ExperimentResource['comments']> {
  return (e.comments ?? []).filter((c) => c.annotation_id === undefined && c.item_id === undefined);
}

/** What Enter in a field sends: the tags as the form reads them, or the comment; null = nothing to send. */
export function infoFieldValue(mode: 'tags' | 'comment', text: string): { tags: string[] } | { comment: string } | null {
  if (mode === 'tags') return { tags: [...new Set(tagsOf(text))] };
  const comment = text.trim();
  return comment === '' ? null : { comment };
}

export function reportInfoLine(
  e: Pick<ExperimentResource, 'tags' | 'comments'>,
  editing: InfoEditing,
  on: InfoLineHandlers | undefined,
  /** The open field's text when the header was rebuilt while the person typed. */
  draft?: string,
): VNode {
  const tags = e.tags ?? [];
  const comments = experimentComments(e);
  const field = (mode: 'tags' | 'comment', value: string, label: string, placeholder: string) =>
    h('input', {
      class: ['info-input', `info-${mode}-input`],
      type: 'text',
      'aria-label': label,
      placeholder,
      maxlength: mode === 'tags' ? 2000 : 10_000,
      prop: { value: draft ?? value },
      // Focus once mounted, the caret at the end, so the person types right away (and goes on
      // typing when a running experiment's progress rebuilt the header).
      ref: (element: Element) =>
        queueMicrotask(() => {
          const input = element as HTMLInputElement;
          input.focus();
          input.setSelectionRange(input.value.length, input.value.length);
        }),
      on: {
        input: (event: Event) => on?.typed?.((event.target as HTMLInputElement).value),
        keydown: (event: Event) => {
          const key = (event as KeyboardEvent).key;
          if (key === 'Escape') on?.edit(null);
          if (key !== 'Enter') return;
          event.preventDefault();
          const sent = infoFieldValue(mode, (event.target as HTMLInputElement).value);
          if (!sent) return;
          if ('tags' in sent) on?.saveTags(sent.tags);
          else on?.addComment(sent.comment);
        },
      },
    });
  const button = (mode: 'tags' | 'comment', icon: string, text: string, title: string) =>
    h(
      'button',
      { class: ['review-btn', `info-${mode}-btn`], type: 'button', title, on: { click: () => on?.edit(mode) } },
      codiconNode(icon),
      text,
    );

  const tagsPart =
    editing === 'tags' && on
      ? field('tags', tags.join(', '), 'Tags, comma-separated (Enter saves, Escape cancels)', 'baseline, judge v3')
      : [
          tags.length ? tags.map((t) => h('span', { class: 'badge outline info-tag' }, t)) : h('span', { class: 'dim' }, 'no tags'),
          on ? button('tags', 'edit', 'Edit', 'Edit the tags (the Experiments view filters by them)') : null,
        ];
  const commentTitle = comments.map((c) => `${c.author} · ${c.at.slice(0, 16).replace('T', ' ')}: ${c.text}`).join('\n') || undefined;
  const commentsPart = [
    h(
      'span',
      { class: 'item info-comments', title: commentTitle },
      codiconNode('comment'),
      `${comments.length} comment${comments.length === 1 ? '' : 's'}`,
    ),
    on
      ? editing === 'comment'
        ? field('comment', '', 'Comment on this experiment (Enter adds it, Escape cancels)', 'What changed in this run…')
        : button('comment', 'add', 'Add comment', 'Add a comment on this experiment')
      : null,
  ];
  return h(
    'div',
    { class: 'info-line', role: 'group', 'aria-label': 'Tags and comments' },
    h('span', { class: 'item info-tags' }, codiconNode('tag'), tagsPart),
    commentsPart,
  );
}
