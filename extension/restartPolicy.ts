// When the language server process dies (a crash, an out-of-memory kill), the client starts it
// again — up to `maxRestarts` times within `windowMs` — and says so. Pure (no vscode import), so
// that the decision and its wording are unit-tested; serverClient.ts maps it onto the
// LanguageClient's errorHandler.

export interface RestartDecision {
  restart: boolean;
  /** 1-based count of crashes within the window. */
  crashes: number;
  /** What the user is told (a warning when restarted, an error when given up). */
  message: string;
}

export interface ConnectionErrorDecision {
  /** false: shut the connection down (the close that follows decides about a restart). */
  continue: boolean;
}

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The connection to the server closed without us asking. */
  closed(): RestartDecision {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    const n = this.crashes.length;
    const minutes = Math.round(this.windowMs / 60_000);
    if (n <= this.maxRestarts)
      return {
        restart: true,
        crashes: n,
        message:
          `The Hallucination Lab server stopped unexpectedly and was restarted (${n} of at most ${this.maxRestarts} restarts in ${minutes} minutes). ` +
          'Stored results are intact; an experiment that was running keeps its finished items — use Resume Experiment to finish the rest.',
      };
    return {
      restart: false,
      crashes: n,
      message:
        `The Hallucination Lab server stopped unexpectedly ${n} times in ${minutes} minutes and was not restarted again. ` +
        'See the output (Hallucination Lab: Show Output), then use Hallucination Lab: Restart Server.',
    };
  }

  /** A write or read on the connection failed; `count` is how many times in a row. */
  error(count: number | undefined): ConnectionErrorDecision {
    return { continue: count !== undefined && count <= 3 };
  }

  /** After a restart the user asked for: the crash history starts again. */
  reset(): void {
    this.crashes = [];
  }
}
