// The guest's serial console, as QEMU relays it on its stdout. Before the begin marker it is boot
// noise (kept for error reports, shown with -v); between the per-run nonce markers it is the
// command's output, copied to our stdout with `\r\n` turned back into `\n`; the end marker
// carries the command's exit status.

import fs from 'node:fs';
import { settings } from './util.mjs';

export class ConsoleRelay {
  constructor(nonce, started) {
    this.BEGIN = `@@TSIPVSADM-VM-BEGIN-${nonce}@@`;
    this.END_PREFIX = `@@TSIPVSADM-VM-END-${nonce}-`;
    this.started = started;
    this.bootedAt = null;
    this.state = 'boot'; // boot -> run -> done
    this.bootLog = ''; // console text before the begin marker (latin1 = raw bytes)
    this.pending = ''; // run-state text held back (a possible partial marker or \r)
    this.endStatus = null;
    this.verboseStamp = !!process.env.TSIPVSADM_VM_STAMP;
    this.stdoutBroken = false; // e.g. piped into head: keep running, drop output
    process.stdout.on('error', () => {
      this.stdoutBroken = true;
    });
    this.rawLog = process.env.TSIPVSADM_VM_RAWLOG ? fs.openSync(process.env.TSIPVSADM_VM_RAWLOG, 'w') : null;
  }

  out(s) {
    if (s && !this.stdoutBroken) process.stdout.write(Buffer.from(s, 'latin1'));
  }

  onRun(text) {
    const END_PREFIX = this.END_PREFIX;
    this.pending += text;
    const e = this.pending.indexOf(END_PREFIX);
    let emit;
    if (e >= 0) {
      emit = this.pending.slice(0, e);
      const m = this.pending.slice(e + END_PREFIX.length).match(/^(\d*)(@@)?/);
      if (m[2]) {
        this.endStatus = Number(m[1]);
        this.pending = '';
        this.state = 'done';
      } else {
        this.pending = this.pending.slice(e); // the status digits are still on the way
      }
    } else {
      // hold back a trailing partial marker and a trailing \r (maybe half of \r\n)
      const pending = this.pending;
      let keep = 0;
      for (let k = Math.min(END_PREFIX.length - 1, pending.length); k > 0; k--) {
        if (END_PREFIX.startsWith(pending.slice(pending.length - k))) {
          keep = k;
          break;
        }
      }
      if (keep === 0 && pending.endsWith('\r')) keep = 1;
      emit = pending.slice(0, pending.length - keep);
      this.pending = pending.slice(pending.length - keep);
    }
    this.out(emit.replace(/\r\n/g, '\n'));
  }

  /** One chunk of QEMU's stdout. */
  onData(chunk) {
    if (this.rawLog !== null) fs.writeSync(this.rawLog, chunk);
    const text = chunk.toString('latin1');
    if (this.state === 'boot') {
      if (settings.verbose) {
        process.stderr.write(this.verboseStamp ? `[+${((Date.now() - this.started) / 1000).toFixed(2)}]` + text : chunk);
      }
      this.bootLog += text;
      const b = this.bootLog.indexOf(this.BEGIN);
      if (b < 0) {
        if (this.bootLog.length > 4e6) this.bootLog = this.bootLog.slice(-2e6);
        return;
      }
      this.bootedAt = Date.now();
      const rest = this.bootLog.slice(b + this.BEGIN.length);
      this.bootLog = this.bootLog.slice(0, b);
      this.state = 'run';
      if (rest) this.onRun(rest);
    } else if (this.state === 'run') {
      this.onRun(text);
    } else if (settings.verbose) {
      process.stderr.write(chunk);
    }
  }

  /** QEMU has exited: whatever was held back is output after all. */
  flush() {
    if (this.state === 'run' && this.pending) this.out(this.pending.replace(/\r\n/g, '\n'));
  }

  /** The last 60 lines of the boot log on stderr (unless -v already showed all of it). */
  dumpBootLog() {
    if (settings.verbose) return;
    const lines = this.bootLog.replace(/\r\n/g, '\n').split('\n');
    process.stderr.write('vm: ---- guest console (last 60 lines) ----\n');
    process.stderr.write(lines.slice(-60).join('\n') + '\n');
    process.stderr.write('vm: ---- end of guest console ----\n');
  }
}
