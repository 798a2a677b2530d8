// Pipelined -R against ipvsadm -R: long inputs whose changes travel many to a datagram, with
// lines that fail (popt errors that fail one line, errors that end -R, kernel refusals), -h/-v
// and listings in the middle, at the start and at the end. Every case compares stdout, stderr,
// exit status and the resulting kernel state with ipvsadm's.

import { caseBuilders } from '../case-helpers';
import type { DiffCase } from '../diff';

const { restore } = caseBuilders([]);

/** `n` services from `from` (10.3.x.y:80), each with `dests` NAT real servers. */
function services(n: number, dests = 0, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const vip = `10.3.${i >> 8}.${i & 255}:80`;
    lines.push(`-A -t ${vip} -s wlc`);
    for (let d = 1; d <= dests; d++) lines.push(`-a -t ${vip} -r 10.200.0.${d}:80 -m -w ${d}`);
  }
  return lines;
}
const text = (...parts: string[][]) => parts.flat().join('\n') + '\n';

const cases: Record<string, DiffCase> = {};
const add = (name: string, c: DiffCase) => void (cases[name] = c);

// ---- long inputs ----
add('long: 1200 services x 2 real servers', restore(text(services(1200, 2))));
// Every 97th line adds a service again: refusals spread over many datagrams, in order.
const dups = services(900).flatMap((l, i) => (i % 97 === 96 ? [l, services(1, 0, i - 50)[0]] : [l]));
add('long: refusals spread through 900 lines', restore(text(dups)));
add('long: refusal on the last line', restore(text(services(700), services(1, 0, 3))));
add('long: refusal on the first line', restore(text(services(1, 0, 0), services(700))));
add('long: every change command', restore(text(
  services(300, 1),
  ['-E -t 10.3.0.5:80 -s rr -p 60', '-e -t 10.3.0.6:80 -r 10.200.0.1:80 -m -w 9', '-d -t 10.3.0.7:80 -r 10.200.0.1:80'],
  ['-D -t 10.3.0.8:80', '-Z', '-Z -t 10.3.0.9:80', '--set 100 20 30'],
  services(300, 1, 300),
  ['-C'],
  services(200, 2, 600),
)));

// ---- popt errors (fail only their line) ----
add('popt error first, 500 lines after', restore(text(['-A -t 10.3.200.1:80 --bogus'], services(500))));
add('popt error in the middle of 600 lines', restore(text(services(300), ['-a -t 10.3.0.1:80 -r 10.200.0.9 -m -w'], services(300, 0, 300))));
add('popt error on the last line', restore(text(services(500), ['-A --nope'])));
add('popt errors and refusals alternating', restore(text(
  ...Array.from({ length: 40 }, (_, i) => [...services(10, 0, i * 10), `-A -t 10.3.0.${i}:80`, `-L --what${i}`]),
)));

// ---- errors that end -R (validation, nested -R) ----
add('ending error first', restore(text(['-A -t 10.3.0.1:0'], services(300))));
add('ending error in the middle', restore(text(services(400), ['-a -t 10.3.0.1:80'], services(400, 0, 400))));
add('ending error after a refusal in the same run', restore(text(services(200), services(1, 0, 7), ['-A -6 -f 1'], services(200, 0, 200))));
add('ending error on the last line', restore(text(services(500), ['-A -t 10.3.0.1:80 -s rr -o'])));
add('nested -R in the middle', restore(text(services(300), ['-R'], services(300, 0, 300))));

// ---- -h and -v inside the input ----
add('-h in the middle of 800 lines', restore(text(services(400), ['-h'], services(400, 0, 400))));
add('-v in the middle after a refusal', restore(text(services(300), services(1, 0, 5), ['-v'], services(300, 0, 300))));
add('-h first', restore(text(['-h'], services(300))));

// ---- kernel refusals of several kinds in the middle ----
add('refusals of several kinds in the middle', restore(text(
  services(300, 1),
  [
    '-a -t 10.9.9.9:80 -r 10.200.0.1:80 -m', // Service not defined
    '-d -t 10.3.0.1:80 -r 10.200.0.99:80', // No such destination
    '-A -t 10.3.9.9:80 -s nosuchsched', // scheduler not found
    '-D -t 10.9.9.9:80', // No such service
    '-a -t 10.3.0.2:80 -r 10.200.0.1:80 -m', // Destination already exists
  ],
  services(300, 1, 300),
)));

// ---- listings inside the input see exactly the changes before them ----
add('listings in the middle of a long input', restore(text(
  services(250, 1),
  ['-L -n'],
  services(250, 1, 250),
  ['-S -n', '-L -n -t 10.3.0.3:80', '-D -t 10.3.0.3:80', '-L -n -t 10.3.0.3:80'],
  services(10, 0, 600),
)));
add('listing fails in the middle', restore(text(services(300), ['-L -n -t 10.9.9.9:80'], services(300, 0, 300))));

export default cases;
