// The CLI's shared pieces: argument parsing and its errors, the exit code and message of each kind
// of error, option values, settings from flags (validated with the language server's schema), and
// trace text printed within one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassThrough } from 'node:stream';
import { settingsSchema } from '../../common/protocol';
import {
  detectorsOption,
  formatOption,
  intOption,
  parseCommandArgs,
  reportCommandError,
  runCommand,
  seeHelp,
} from '../../server/cliCommand';
import { InputError, UsageError } from '../../server/cliErrors';
import { cliEndpoint, cliSettings } from '../../server/cliSettings';
import { shownOnOneLine } from '../../server/terminalText';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

test('parseCommandArgs: what the parser refuses is a UsageError from the parser; values as util.parseArgs gives them', () => {
  const options = { out: { type: 'string' }, json: { type: 'boolean', default: false } } as const;
  assert.throws(
    () => parseCommandArgs({ args: ['--nope'], options }),
    (e: unknown) => e instanceof UsageError && e.fromParser && /--nope/.test(e.message),
  );
  assert.throws(
    () => parseCommandArgs({ args: ['extra'], options }),
    (e: unknown) => e instanceof UsageError && e.fromParser,
  );
  const { values, positionals } = parseCommandArgs({ args: ['a', '--out', 'd'], options, allowPositionals: true });
  assert.deepEqual({ ...values }, { out: 'd', json: false });
  assert.deepEqual(positionals, ['a']);
});

test('reportCommandError / runCommand: usage → 2 with what follows it, input → 1, control characters shown escaped', async () => {
  const err = sink();
  const errors = { prefix: 'hallucination-lab check', afterUsage: seeHelp('check') };
  assert.equal(reportCommandError(new UsageError('give the files'), errors, err.stream), 2);
  assert.equal(reportCommandError(new InputError('no experiment "x\u001b[2J"'), errors, err.stream), 1);
  assert.equal(reportCommandError(new Error('a bug'), errors, err.stream), undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(
    err.text(),
    'hallucination-lab check: give the files\n(see hallucination-lab check --help)\nhallucination-lab check: no experiment "x\\u001b[2J"\n',
  );
  const io = { out: sink().stream, err: sink().stream };
  assert.equal(
    await runCommand(io, errors, () => {
      throw new UsageError('x');
    }),
    2,
  );
  await assert.rejects(
    runCommand(io, errors, () => Promise.reject(new Error('a bug'))),
    /a bug/,
  );
  assert.equal(await runCommand(io, errors, () => 3), 3);
});

test('intOption: whole numbers only, named in the refusal', () => {
  assert.equal(intOption(undefined, '--samples'), undefined);
  assert.equal(intOption('12', '--samples'), 12);
  for (const bad of ['1.5', '-1', 'x'])
    assert.throws(() => intOption(bad, '--samples'), new UsageError(`--samples takes a whole number, not "${bad}"`));
});

test('cliSettings: flags not given take the schema defaults; values are validated by the settings schema', () => {
  assert.deepEqual(cliSettings({}), settingsSchema.parse({}));
  const s = cliSettings({
    model: ['m1', 'm2'],
    'judge-model': 'j',
    'base-url': 'http://127.0.0.1:9/v1',
    rpm: '60',
    'min-confidence': '0.5',
  });
  assert.deepEqual(
    s.models.map((m) => [m.model, m.baseURL, m.apiKeyName]),
    [
      ['m1', 'http://127.0.0.1:9/v1', 'OPENAI_API_KEY'],
      ['m2', 'http://127.0.0.1:9/v1', 'OPENAI_API_KEY'],
    ],
  );
  assert.equal(s.judgeModel?.model, 'j');
  assert.equal(s.requestsPerMinute, 60);
  assert.equal(s.minConfidence, 0.5);
  assert.throws(
    () => cliSettings({ rpm: '0' }),
    (e: unknown) => e instanceof UsageError && /^requestsPerMinute: /.test(e.message),
  );
  assert.throws(
    () => cliSettings({ 'min-confidence': '2' }),
    (e: unknown) => e instanceof UsageError && /^minConfidence: /.test(e.message),
  );
  assert.throws(() => cliSettings({ concurrency: 'many' }), new UsageError('--concurrency takes a whole number, not "many"'));
  assert.deepEqual(cliEndpoint('m', { 'api-key-env': 'MY_KEY' }), { model: 'm', apiKeyName: 'MY_KEY' });
});

test('shownOnOneLine: line feeds become spaces, every other control character is shown escaped', () => {
  assert.equal(shownOnOneLine('a\nb\u001b[2J\u009b\u202e'), 'a b\\u001b[2J\\u009b\\u202e');
});

test('detectorsOption: local by default, both as local and judge, anything else refused', () => {
  assert.deepEqual(detectorsOption(undefined), ['local']);
  assert.deepEqual(detectorsOption('judge'), ['judge']);
  assert.deepEqual(detectorsOption('both'), ['local', 'judge']);
  assert.throws(() => detectorsOption('llm'), new UsageError('--detector must be local, judge or both, not "llm"'));
});

test('formatOption: a trace format or auto, named in the refusal', () => {
  assert.equal(formatOption(undefined), undefined);
  assert.equal(formatOption('otel-genai'), 'otel-genai');
  assert.throws(
    () => formatOption('csv'),
    (e: unknown) => e instanceof UsageError && /^--format must be one of auto, openai, .* not "csv"$/.test(e.message),
  );
});
