// `tsipvsadm top`: the live view. On a terminal it switches to the alternate screen, hides the
// cursor, reads keys raw, redraws every `delay` seconds and on every key, and puts all of that
// back however it ends (q, Ctrl-C, SIGTERM, SIGHUP, an error). Anywhere else it prints one frame
// and exits, so `tsipvsadm top | cat` and scripts get a snapshot.

import type { ServiceKey } from '../../ipvs/types';
import { SORT_KEYS, columnOf } from './columns';
import { readServices, renderFrame, rowsOf, samplesOf, sortRows, type RowGroup, type ServiceSource, type SortOrder } from './frame';
import type { Sample } from './rates';

/** What top needs of the terminal; injectable so the loop runs in tests without one. */
export interface TopTerminal {
  readonly isTTY: boolean;
  size(): { columns: number; rows: number };
  write(text: string): void;
  /** Raw key input (no echo, no line buffering); resolves to a function that undoes it. */
  onKeys(handler: (keys: string) => void): () => void;
  onResize(handler: () => void): () => void;
  /** SIGINT, SIGTERM, SIGHUP. */
  onSignal(handler: () => void): () => void;
}

export interface TopOptions {
  delaySeconds: number;
  order: SortOrder;
  only?: ServiceKey;
  numeric: boolean;
  program: string;
}

/** Alternate screen on, cursor hidden / cursor shown, alternate screen off. */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
export const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';
const HOME_CLEAR = '\x1b[H\x1b[2J';

const CTRL_C = '\x03';

export interface TopClock {
  /** Monotonic milliseconds (rates). */
  now(): number;
  /** Wall-clock time shown in the title. */
  wall(): Date;
}

export const systemClock: TopClock = { now: () => performance.now(), wall: () => new Date() };

function title(o: TopOptions, order: SortOrder, clock: TopClock, interactive: boolean): string {
  const time = clock.wall().toTimeString().slice(0, 8);
  const col = columnOf(order.key);
  const head = `${o.program} top  ${time}  every ${o.delaySeconds} s  sorted by ${col.header}${order.reverse ? ' (reversed)' : ''}`;
  return interactive ? `${head}   keys: q quit  s/S next/previous sort column  r reverse` : head;
}

/** One frame for a non-terminal: the kernel's rate estimates, as there is no earlier reading. */
async function printOnce(o: TopOptions, source: ServiceSource, term: TopTerminal, clock: TopClock): Promise<number> {
  const reading = await readServices(source, clock.now, o.only);
  const rows = await rowsOf(reading, new Map(), o.numeric);
  term.write(renderFrame(sortRows(rows, o.order), { order: o.order, title: title(o, o.order, clock, false) }));
  return 0;
}

export async function runTop(o: TopOptions, source: ServiceSource, term: TopTerminal, clock: TopClock = systemClock): Promise<number> {
  if (!term.isTTY) return printOnce(o, source, term, clock);

  const order: SortOrder = { ...o.order };
  let quit = false;
  let wake: () => void = () => undefined;
  const stopQuit = () => {
    quit = true;
    wake();
  };
  let groups: RowGroup[] = [];
  let error = '';
  const draw = () => {
    const text = error
      ? `${title(o, order, clock, true)}\n${error}\n`
      : renderFrame(sortRows(groups, order), { order, title: title(o, order, clock, true), height: term.size().rows });
    // Lines wider than the terminal would wrap and push the table off the screen: cut them.
    const width = term.size().columns;
    const lines = text.split('\n').map((l) => [...l].slice(0, width).join(''));
    term.write(HOME_CLEAR + lines.join('\r\n'));
  };
  const onKeys = (keys: string) => {
    for (const k of keys) {
      const i = SORT_KEYS.indexOf(order.key);
      if (k === 'q' || k === 'Q' || k === CTRL_C) stopQuit();
      else if (k === 's') order.key = SORT_KEYS[(i + 1) % SORT_KEYS.length];
      else if (k === 'S') order.key = SORT_KEYS[(i + SORT_KEYS.length - 1) % SORT_KEYS.length];
      else if (k === 'r') order.reverse = !order.reverse;
    }
    if (!quit) draw();
  };

  term.write(ENTER_SCREEN);
  const undo = [term.onKeys(onKeys), term.onSignal(stopQuit), term.onResize(() => draw())];
  try {
    let previous = new Map<string, Sample>();
    while (!quit) {
      try {
        const reading = await readServices(source, clock.now, o.only);
        groups = await rowsOf(reading, previous, o.numeric);
        previous = samplesOf(reading);
        error = '';
      } catch (err) {
        // Shown in place of the table; the next refresh tries again.
        error = err instanceof Error ? err.message : String(err);
      }
      if (quit) break;
      draw();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.delaySeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const u of undo) u();
    term.write(LEAVE_SCREEN);
  }
  return 0;
}

/** The process's own terminal: stdout for the frames, stdin for keys, the usual signals. */
export function processTerminal(): TopTerminal {
  const { stdin, stdout } = process;
  return {
    isTTY: stdout.isTTY === true,
    size: () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 }),
    write: (text) => void stdout.write(text),
    onKeys(handler) {
      if (!stdin.isTTY) return () => undefined;
      const onData = (d: Buffer) => handler(d.toString('latin1'));
      stdin.setRawMode(true);
      stdin.on('data', onData);
      stdin.resume();
      return () => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
      };
    },
    onResize(handler) {
      stdout.on('resize', handler);
      return () => void stdout.off('resize', handler);
    },
    onSignal(handler) {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, handler);
      return () => {
        for (const s of signals) process.off(s, handler);
      };
    },
  };
}
