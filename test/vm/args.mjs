// The harness's own command line: options, then `--` and the command to run in the guest.

import { settings, shq } from './util.mjs';

function usage(code) {
  const text = `usage: node test/vm/run.mjs [options] -- <shell command...>

Runs the command with /bin/sh -c inside a QEMU guest booting Debian's kernel
(with IPVS), in the current directory, seeing the host's files through a
throw-away overlay. Exits with the command's exit status.

options:
  --timeout SECONDS   kill the guest after this long (default 1800); exit 124
  --mem MB            guest memory (default 3072)
  --smp N             guest CPUs (default 2)
  -e, --env NAME[=V]  pass NAME (from the host, or with value V) to the command
  -v, --verbose       show the guest's boot log and setup output on stderr
  --prepare           only fetch and build what a boot needs (packages, kernel,
                      initramfs), then exit: lets several guests start at once
  -h, --help          this text

One command argument is taken as a shell command line; several are quoted
one by one and run as a program with its arguments.
`;
  (code ? process.stderr : process.stdout).write(text);
  process.exit(code);
}

export function parseArgs(argv) {
  const o = { timeout: 1800, mem: 3072, smp: 2, env: new Map(), command: null, prepare: false };
  let i = 0;
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`vm: ${name} needs a positive number, got ${JSON.stringify(v)}\n`);
      usage(2);
    }
    return n;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (a === '--') {
      i++;
      break;
    } else if (flag === '--timeout') o.timeout = num('--timeout', value());
    else if (flag === '--mem') o.mem = Math.round(num('--mem', value()));
    else if (flag === '--smp') o.smp = Math.round(num('--smp', value()));
    else if (flag === '-e' || flag === '--env') {
      const spec = value() ?? '';
      const k = spec.indexOf('=');
      const name = k >= 0 ? spec.slice(0, k) : spec;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        process.stderr.write(`vm: bad environment variable name ${JSON.stringify(name)}\n`);
        usage(2);
      }
      o.env.set(name, k >= 0 ? spec.slice(k + 1) : process.env[name]);
    } else if (a === '-v' || a === '--verbose') settings.verbose = true;
    else if (a === '--prepare') o.prepare = true;
    else if (a === '-h' || a === '--help') usage(0);
    else if (a.startsWith('-')) {
      process.stderr.write(`vm: unknown option ${a}\n`);
      usage(2);
    } else break;
  }
  const rest = argv.slice(i);
  if (process.env.TSIPVSADM_VM_VERBOSE && process.env.TSIPVSADM_VM_VERBOSE !== '0') settings.verbose = true;
  if (o.prepare) return o;
  if (rest.length === 0) {
    process.stderr.write('vm: no command given\n');
    usage(2);
  }
  o.command = rest.length === 1 ? rest[0] : rest.map(shq).join(' ');
  return o;
}
