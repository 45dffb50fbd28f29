// Group commit for one appended file: fdatasync off the event loop, one flush covering every
// line written before it started, so that items running side by side do not wait for each
// other's disk writes.
import * as fs from 'node:fs';

/**
 * fdatasync for one file, off the event loop: callers wait for a flush that starts after their
 * write; callers arriving while one runs share the next. After `closed()` (the file was flushed
 * synchronously and closed), waiters resolve.
 */
export class GroupFlush {
  private running = false;
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private isClosed = false;

  constructor(private readonly fd: number) {}

  flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  closed(): void {
    this.isClosed = true;
    const batch = this.waiting;
    this.waiting = [];
    for (const w of batch) w.resolve();
  }

  private start(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    fs.fdatasync(this.fd, (err) => {
      this.running = false;
      // Closed meanwhile: close() flushed everything synchronously first.
      for (const w of batch) {
        if (err && !this.isClosed) w.reject(err);
        else w.resolve();
      }
      if (this.waiting.length > 0 && !this.isClosed) this.start();
    });
  }
}
