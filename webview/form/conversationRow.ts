// How the picker draws one conversation: a row of the list, and the preview of the focused one.
// Trace text is always set as text (el() never parses HTML).
import { MAX_CONVERSATIONS } from '../../common/schema';
import type { ConversationSummary } from '../../common/protocol';
import { codicon, el } from '../lib/dom';
import { plural } from '../lib/format';
import { baseName } from '../lib/selection';

export function conversationRow(c: ConversationSummary, state: { selected: boolean; blocked: boolean; focused: boolean }): HTMLElement {
  const { selected, blocked, focused } = state;
  return el(
    'div',
    {
      class: `conv-row${selected ? ' selected' : ''}${blocked ? ' blocked' : ''}${focused ? ' focused' : ''}`,
      role: 'option',
      'aria-selected': selected ? 'true' : 'false',
      'aria-disabled': blocked ? 'true' : undefined,
      'data-id': c.id,
      title: blocked ? `Limit reached: at most ${MAX_CONVERSATIONS} conversations` : undefined,
    },
    el('span', { class: 'cb' }, codicon('check')),
    el(
      'div',
      { class: 'conv-main' },
      el(
        'div',
        { class: 'conv-top' },
        el('span', { class: 'conv-id' }, c.id),
        el('span', { class: 'where', title: c.file }, `${baseName(c.file)}:${c.line + 1}`),
        c.hasToolCalls ? el('span', { class: 'badge outline', title: 'Has tool calls' }, codicon('symbol-method'), 'tools') : null,
        el('span', { class: 'badge outline' }, `${c.messageCount} msgs`),
        c.model ? el('span', { class: 'badge outline', title: 'Traced model' }, c.model) : null,
      ),
      el(
        'div',
        { class: 'conv-line' },
        el('span', { class: 'who' }, 'User'),
        el('span', { class: 'txt' }, c.firstUserMessage.slice(0, 300) || '—'),
      ),
      el(
        'div',
        { class: 'conv-line' },
        el('span', { class: 'who' }, 'Traced'),
        el('span', { class: 'txt' }, c.tracedResponse.slice(0, 300) || '—'),
      ),
    ),
  );
}

export function conversationPreview(c: ConversationSummary | undefined): Node[] {
  if (!c) return [el('div', { class: 'empty' }, 'Select a conversation to preview it.')];
  return [
    el('h3', {}, c.id),
    el(
      'div',
      { class: 'meta' },
      el('span', { title: c.file }, codicon('file'), ` ${c.file}:${c.line + 1}`),
      el('span', {}, codicon('comment-discussion'), ` ${plural(c.messageCount, 'message')}`),
      c.hasToolCalls ? el('span', {}, codicon('symbol-method'), ' tool calls') : null,
      c.model ? el('span', {}, codicon('hubot'), ` ${c.model}`) : null,
    ),
    el('div', { class: 'block-title' }, codicon('account'), 'First user message'),
    el('div', { class: `block${c.firstUserMessage ? '' : ' empty'}` }, c.firstUserMessage || 'No user message.'),
    el('div', { class: 'block-title' }, codicon('sparkle'), 'Traced response'),
    el('div', { class: `block${c.tracedResponse ? '' : ' empty'}` }, c.tracedResponse || 'No traced response.'),
  ];
}
