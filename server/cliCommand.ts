// What every `hallucination-lab` command shares: its arguments read with Node's util.parseArgs,
// option values checked the same way, and how a usage or input error becomes one message and an
// exit code (2 and 1; any other error goes up).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { traceFormats } from '../common/schema';
import type { FormatChoice } from './core/formats/indexer';
import { InputError, UsageError } from './cliErrors';
import { shownLines } from './terminalText';

export type CommandIo = { out: NodeJS.WritableStream; err: NodeJS.WritableStream };

/** util.parseArgs; what it refuses (an unknown option, a missing value) is a UsageError. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    if ((e as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message, true);
    throw e;
  }
}

export interface CommandErrors {
  /** What each error line starts with: "hallucination-lab", "hallucination-lab check"… */
  prefix: string;
  /** Written after a usage error's line: the usage text, or where to find it. */
  afterUsage(e: UsageError): string;
}

/** Writes a usage or input error and gives its exit code; undefined for any other error. */
export function reportCommandError(e: unknown, errors: CommandErrors, err: NodeJS.WritableStream): number | undefined {
  if (e instanceof UsageError) {
    err.write(`${errors.prefix}: ${shownLines(e.message)}\n${errors.afterUsage(e)}`);
    return 2;
  }
  if (e instanceof InputError) {
    err.write(`${errors.prefix}: ${shownLines(e.message)}\n`);
    return 1;
  }
  return undefined;
}

/** Runs a subcommand's body, its usage and input errors written to `io.err` as their exit codes. */
export async function runCommand(io: CommandIo, errors: CommandErrors, body: () => number | Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code = reportCommandError(e, errors, io.err);
    if (code === undefined) throw e;
    return code;
  }
}

/** "(see hallucination-lab <command> --help)" after a subcommand's usage error. */
export const seeHelp = (command: string) => () => `(see hallucination-lab ${command} --help)\n`;

/** A whole-number option (≥ 0), or undefined when it was not given. */
export function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, not "${v}"`);
  return n;
}

export const FORMAT_CHOICES: readonly FormatChoice[] = ['auto', ...traceFormats];

/** --format: one of FORMAT_CHOICES, or undefined when it was not given. */
export function formatOption(v: string | undefined): FormatChoice | undefined {
  if (v === undefined) return undefined;
  if (!(FORMAT_CHOICES as readonly string[]).includes(v))
    throw new UsageError(`--format must be one of ${FORMAT_CHOICES.join(', ')}, not "${v}"`);
  return v as FormatChoice;
}

/** --detector local|judge|both (default local) as the experiment's `detectors`. */
export function detectorsOption(v: string | undefined): Array<'local' | 'judge'> {
  const detector = v ?? 'local';
  if (detector === 'both') return ['local', 'judge'];
  if (detector === 'local' || detector === 'judge') return [detector];
  throw new UsageError(`--detector must be local, judge or both, not "${detector}"`);
}

/** The JSON document in the file an option names. */
export function jsonFileOption(file: string, name: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${name} ${file}: ${(e as Error).message}`);
  }
}

/** Who runs the command (what experiments and verdicts record as their author). */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
