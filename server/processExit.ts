// Ending the CLI's process without cutting its output: exit only once stdout and stderr have
// handed everything to the operating system.

/**
 * Ends the process once stdout and stderr have handed over everything written: `process.exit`
 * right after a large write to a pipe would cut it (at 64 KiB). A reader that went away (EPIPE,
 * `| head`) ends it quietly.
 */
export function finish(code: number): void {
  process.exitCode = code;
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

/**
 * Resolves once `stream` has handed everything to the operating system. A spawned process's stdout
 * is a socket whose writes libuv queues below the stream (`bufferSize` counts them, `writableLength`
 * does not): a reader that reads slowly must still get every byte.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  const pending = () => (stream as NodeJS.WriteStream & { bufferSize?: number }).bufferSize ?? stream.writableLength;
  return new Promise<void>((resolve) => {
    const check = () => (pending() === 0 || stream.destroyed ? resolve() : setTimeout(check, 5));
    check();
  });
}
