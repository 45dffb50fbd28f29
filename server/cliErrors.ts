// The two ways a command fails on what it was given, each with its exit code (cliCommand.ts
// prints them).

/** The command line is wrong: exit 2 with the usage text, or where to find it. */
export class UsageError extends Error {
  /** `fromParser`: the argument parser refused the line (an unknown option, a missing value). */
  constructor(
    message: string,
    readonly fromParser = false,
  ) {
    super(message);
  }
}
/** The input was refused or held nothing to do: exit 1 with this one line. */
export class InputError extends Error {}
