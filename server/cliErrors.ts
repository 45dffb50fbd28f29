// The two ways a command fails on what it was given, each with its exit code (cli.ts maps them).

/** The command line is wrong: exit 2 with the usage text. */
export class UsageError extends Error {}
/** The input was refused or held nothing to do: exit 1 with this one line. */
export class InputError extends Error {}
