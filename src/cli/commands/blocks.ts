// Rendering many services' blocks in ipvsadm's order: name look-ups for a window of services run
// at once (a listing without -n may look up thousands of names), and the blocks are written in
// order. A block that throws (save's simulated crash) ends the listing after the blocks before it.

import type { BufferedOutput } from './output';

const RENDER_WINDOW = 64;

export async function writeBlocks<T>(out: BufferedOutput, items: readonly T[], render: (item: T) => Promise<string>): Promise<void> {
  for (let start = 0; start < items.length; start += RENDER_WINDOW) {
    const window = items.slice(start, start + RENDER_WINDOW);
    const blocks = await Promise.allSettled(window.map(render));
    for (const b of blocks) {
      if (b.status === 'rejected') {
        out.flush();
        throw b.reason;
      }
      out.write(b.value);
    }
  }
}
