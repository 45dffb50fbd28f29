// Answer text that is one short phrase is the answer itself: a capitalised name there is a claim
// even at the start (a heading or a sentence's first word is not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Annotation, Conversation, Message } from '../../common/schema';
import { detectLocal } from '../../server/core/detectors/local/index';

function answer(text: string, question = 'Who discovered penicillin? The passage: Alexander Fleming found it in 1928.'): Annotation[] {
  const messages: Message[] = [
    { role: 'user', content: question },
    { role: 'assistant', content: text },
  ];
  const conversation: Conversation = { id: 'c', file: 'f', line: 0, position: 0, sourcePath: [], messages, tools: [] };
  return detectLocal({ conversation, messageIndex: 1, message: messages[1]! });
}

test('a bare capitalised answer not in the context is a made-up name', () => {
  assert.deepEqual(answer('Alexander Fleming.'), []);
  assert.deepEqual(answer('Fleming'), []);
  assert.deepEqual(
    answer('Pasteur.').map((a) => [a.label, a.text]),
    [['fabricated_entity', 'Pasteur']],
  );
  assert.deepEqual(
    answer('Louis Pasteur').map((a) => a.text),
    ['Louis Pasteur'],
  );
});

test('a sentence or a heading is not a bare answer: its first word is capitalised for grammar', () => {
  assert.deepEqual(answer('Yes.'), []);
  assert.deepEqual(answer('Thanks, glad to help.'), []);
  assert.deepEqual(answer('# Summary\nAlexander Fleming found it in 1928.'), []);
});
