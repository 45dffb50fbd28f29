import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolateBidiControls, markdownCode, markdownText } from '../../server/core/untrustedText';

test('bidi controls are shown as code points; other text, right-to-left letters included, is unchanged', () => {
  assert.equal(isolateBidiControls('plain text, שלום, مرحبا'), 'plain text, שלום, مرحبا');
  assert.equal(isolateBidiControls('a\u202eb\u2066c\u2069d\u200fe\u061c'), 'a<U+202E>b<U+2066>c<U+2069>d<U+200F>e<U+061C>');
  for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'])
    assert.doesNotMatch(isolateBidiControls(`x${c}y`), /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
});

test('markdownText escapes every ASCII punctuation character and nothing else', () => {
  const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
  assert.equal(markdownText(punctuation), [...punctuation].map((c) => `\\${c}`).join(''));
  assert.equal(markdownText('abc 123 é 😀\nnext'), 'abc 123 é 😀\nnext');
  assert.equal(markdownText('https://x.example'), 'https\\:\\/\\/x\\.example');
});

test('markdownCode fences with more backticks than the text holds, on one line', () => {
  assert.equal(markdownCode('get_weather'), '`get_weather`');
  assert.equal(markdownCode('a`b'), '``a`b``');
  assert.equal(markdownCode('a``b`'), '``` a``b` ```');
  assert.equal(markdownCode('`x'), '`` `x ``');
  assert.equal(markdownCode('two\nlines\r\nhere'), '`two lines here`');
});

test('markdownText loses nothing: removing the backslash escapes gives the text back (bidi controls aside)', () => {
  const unescape = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');
  const samples = ['The number "1000" does not appear in the user\'s messages.', 'a\\b `c` [d](e) <f> & g: h@i.j ~k~ 100%', ''];
  let s = '';
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  for (const text of [...samples, s, s.split('').reverse().join('')]) assert.equal(unescape(markdownText(text)), text);
});
