// Reading /proc/net/ip_vs_conn as ipvsadm does (there is no netlink call for connections):
// fgets into a 256-byte buffer, streamed so memory stays flat whatever the table size. The file
// is decoded as latin1 so that a byte is a character. Reads are synchronous (there is nothing
// else to do meanwhile): node:fs/promises would load Node's stream machinery into every command's
// start-up, a tenth of a short command's time in the emulated test guest.

import { closeSync, openSync, readSync } from 'node:fs';

/** fgets(buf, 256, …): a piece ends after a newline or at 255 bytes. */
const FGETS_MAX = 255;

/**
 * Streams the file as ipvsadm's fgets loop sees it: pieces of at most 255 bytes, each ending at a
 * newline (kept) or where the 255 bytes ran out; the first piece is the file's header line, which
 * ipvsadm reads and discards. Opening errors surface from the first next(); a file with no data
 * at all finishes without yielding. Pieces are latin1 byte strings.
 */
export async function* readConnections(path = '/proc/net/ip_vs_conn'): AsyncGenerator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    let pending: Buffer = Buffer.alloc(0);
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const limit = Math.min(start + FGETS_MAX, data.length);
        const nl = data.subarray(start, limit).indexOf(10);
        if (nl >= 0) {
          yield data.toString('latin1', start, start + nl + 1);
          start += nl + 1;
        } else if (limit - start === FGETS_MAX) {
          yield data.toString('latin1', start, limit);
          start = limit;
        } else break;
      }
      // Copy: `buf` is reused by the next read.
      pending = Buffer.from(data.subarray(start));
    }
    if (pending.length) yield pending.toString('latin1');
  } finally {
    closeSync(fd);
  }
}
