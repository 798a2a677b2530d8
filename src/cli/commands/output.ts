// Buffered standard output for long listings: one write per 64 KiB instead of one per service
// (each write is a system call, and listings reach tens of thousands of services).

import type { CliIO } from './context';

const FLUSH_AT = 1 << 16;

export class BufferedOutput {
  private pending = '';
  constructor(private readonly io: CliIO) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending) this.io.stdout(this.pending);
    this.pending = '';
  }
}
