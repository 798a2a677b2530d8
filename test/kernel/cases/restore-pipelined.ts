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
add('long: 500 services x 2 real servers', restore(text(services(500, 2))));
// Every 97th line adds a service again: refusals spread over many datagrams, in order.
const dups = services(400).flatMap((l, i) => (i % 97 === 96 ? [l, services(1, 0, i - 50)[0]] : [l]));
add('long: refusals spread through 400 lines', restore(text(dups)));
add('long: refusal on the last line', restore(text(services(300), services(1, 0, 3))));
// The starting state already has the first line's service.
add('long: refusal on the first line', restore(text(services(300)), ['-A -t 10.3.0.0:80 -s wlc']));
add('long: every change command', restore(text(
  services(150, 1),
  ['-E -t 10.3.0.5:80 -s rr -p 60', '-e -t 10.3.0.6:80 -r 10.200.0.1:80 -m -w 9', '-d -t 10.3.0.7:80 -r 10.200.0.1:80'],
  ['-D -t 10.3.0.8:80', '-Z', '-Z -t 10.3.0.9:80', '--set 100 20 30'],
  services(150, 1, 150),
  ['-C'],
  services(100, 2, 300),
)));

// ---- popt errors (fail only their line) ----
add('popt error first, 200 lines after', restore(text(['-A -t 10.3.200.1:80 --bogus'], services(200))));
add('popt error in the middle of 300 lines', restore(text(services(150), ['-a -t 10.3.0.1:80 -r 10.200.0.9 -m -w'], services(150, 0, 150))));
add('popt error on the last line', restore(text(services(200), ['-A --nope'])));
add('popt errors and refusals alternating', restore(text(
  ...Array.from({ length: 20 }, (_, i) => [...services(10, 0, i * 10), `-A -t 10.3.0.${i}:80`, `-L --what${i}`]),
)));

// ---- errors that end -R (validation, nested -R) ----
add('ending error first', restore(text(['-A -t 10.3.0.1:0'], services(100))));
add('ending error in the middle', restore(text(services(150), ['-a -t 10.3.0.1:80'], services(150, 0, 150))));
add('ending error after a refusal in the same run', restore(text(services(150), services(1, 0, 7), ['-A -6 -f 1'], services(150, 0, 150))));
add('ending error on the last line', restore(text(services(200), ['-A -t 10.3.0.1:80 -s rr -o'])));
add('nested -R in the middle', restore(text(services(150), ['-R'], services(150, 0, 150))));

// ---- -h and -v inside the input ----
add('-h in the middle of 300 lines', restore(text(services(150), ['-h'], services(150, 0, 150))));
add('-v in the middle after a refusal', restore(text(services(150), services(1, 0, 5), ['-v'], services(150, 0, 150))));
add('-h first', restore(text(['-h'], services(100))));

// ---- kernel refusals of several kinds in the middle ----
add('refusals of several kinds in the middle', restore(text(
  services(150, 1),
  [
    '-a -t 10.9.9.9:80 -r 10.200.0.1:80 -m', // Service not defined
    '-d -t 10.3.0.1:80 -r 10.200.0.99:80', // No such destination
    '-A -t 10.3.9.9:80 -s nosuchsched', // scheduler not found
    '-D -t 10.9.9.9:80', // No such service
    '-a -t 10.3.0.2:80 -r 10.200.0.1:80 -m', // Destination already exists
  ],
  services(150, 1, 150),
)));

// ---- listings inside the input see exactly the changes before them ----
add('listings in the middle of a long input', restore(text(
  services(120, 1),
  ['-L -n'],
  services(120, 1, 120),
  ['-S -n', '-L -n -t 10.3.0.3:80', '-D -t 10.3.0.3:80', '-L -n -t 10.3.0.3:80'],
  services(10, 0, 300),
)));
add('listing fails in the middle', restore(text(services(150), ['-L -n -t 10.9.9.9:80'], services(150, 0, 150))));

export default cases;
