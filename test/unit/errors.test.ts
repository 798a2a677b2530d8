// The errno → message table (src/cli/errors.ts) against the reference notes' §3.3 (ipvs_strerror's
// table, read from ../shared) and glibc 2.36's strerror texts written out here: removing or
// changing any row of either table fails a test.

import { constants as osConstants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ipvsStrerror, ipvsTableMessage, strerror } from '../../src/cli/errors';
import type { IpvsOperation } from '../../src/ipvs/client';
import { readReference } from './reference';

const ERRNO = osConstants.errno as Record<string, number>;

/** Every operation the client reports errors for. */
const OPERATIONS: IpvsOperation[] = [
  'init', 'add_service', 'update_service', 'del_service', 'zero_service', 'zero', 'flush', 'add_dest',
  'update_dest', 'del_dest', 'set_timeout', 'get_timeout', 'start_daemon', 'stop_daemon', 'get_daemon',
  'get_services', 'get_service', 'get_dests', 'get_info',
];

interface SpecRow {
  func: string;
  errno: string;
  message: string;
  /** Marked (*): a row the netlink path never reaches (the function does not set ipvs_func). */
  unreached: boolean;
}

/** The rows of the reference's §3.3 table `| function | errno | message |`. */
function specRows(): SpecRow[] {
  const spec = readReference('ipvsadm-1.31.md');
  const section = spec.slice(spec.indexOf('### 3.3 '), spec.indexOf('### 3.4 '));
  return section
    .split('\n')
    .filter((l) => /^\| [a-z_]+ \| E[A-Z]+ \|/.test(l))
    .map((l) => {
      const [func, errno, cell] = l.split('|').slice(1, -1).map((c) => c.trim());
      return { func, errno, message: /`([^`]*)`/.exec(cell)![1], unreached: cell.includes('(\\*)') };
    });
}

describe('ipvs_strerror', () => {
  const rows = specRows();

  it('reads the whole table from the reference', () => {
    expect(rows.length).toBe(24);
    expect(rows.filter((r) => r.func === 'any').length).toBe(7);
  });

  for (const row of rows.filter((r) => !r.unreached)) {
    const ops = row.func === 'any' ? OPERATIONS : [row.func as IpvsOperation];
    it(`${row.func} ${row.errno}: ${row.message}`, () => {
      const errno = ERRNO[row.errno];
      expect(errno).toBeGreaterThan(0);
      for (const op of ops) {
        // From the table itself (ENOPROTOOPT's text happens to equal glibc's), and as printed.
        expect(`${op}: ${ipvsTableMessage(op, errno)}`).toBe(`${op}: ${row.message}`);
        expect(`${op}: ${ipvsStrerror(op, errno)}`).toBe(`${op}: ${row.message}`);
      }
    });
  }

  it('the service dump, flush, info and the getters never set ipvs_func: only the "any" rows apply', () => {
    expect(rows.find((r) => r.unreached)).toMatchObject({ func: 'get_services', errno: 'ESRCH' });
    for (const op of ['get_services', 'flush', 'get_info', 'get_timeout', 'get_daemon', 'init'] as const) {
      expect(ipvsTableMessage(op, ERRNO.ESRCH)).toBeUndefined();
      expect(ipvsStrerror(op, ERRNO.ESRCH)).toBe('No such process');
    }
  });

  it('-Z without a service is worded as zero_service', () => {
    expect(ipvsStrerror('zero', ERRNO.ESRCH)).toBe('No such service');
  });

  // §3.3 "Observed per command": errnos no row matches fall back to strerror.
  it.each([
    ['ESRCH', 'No such process', ['add_service', 'flush', 'set_timeout', 'start_daemon']],
    ['ENOENT', 'No such file or directory', ['del_service', 'zero_service', 'zero', 'flush', 'add_dest', 'set_timeout', 'start_daemon', 'stop_daemon']],
    ['EEXIST', 'File exists', ['update_service', 'del_service', 'zero_service', 'zero', 'flush', 'update_dest', 'del_dest', 'set_timeout', 'stop_daemon']],
    ['ERANGE', 'Numerical result out of range', OPERATIONS],
    ['ENODEV', 'No such device', OPERATIONS],
    ['EBUSY', 'Device or resource busy', OPERATIONS],
  ] as const)('%s falls back to strerror: %s', (name, message, ops) => {
    for (const op of ops) {
      expect(ipvsTableMessage(op, ERRNO[name])).toBeUndefined();
      expect(`${op}: ${ipvsStrerror(op, ERRNO[name])}`).toBe(`${op}: ${message}`);
    }
  });
});

describe('strerror (glibc 2.36)', () => {
  // Every errno a netlink exchange can produce, as glibc 2.36 words it.
  const GLIBC: Record<string, string> = {
    EPERM: 'Operation not permitted',
    ENOENT: 'No such file or directory',
    ESRCH: 'No such process',
    EINTR: 'Interrupted system call',
    EIO: 'Input/output error',
    ENXIO: 'No such device or address',
    E2BIG: 'Argument list too long',
    EBADF: 'Bad file descriptor',
    EAGAIN: 'Resource temporarily unavailable',
    ENOMEM: 'Cannot allocate memory',
    EACCES: 'Permission denied',
    EFAULT: 'Bad address',
    EBUSY: 'Device or resource busy',
    EEXIST: 'File exists',
    ENODEV: 'No such device',
    ENOTDIR: 'Not a directory',
    EISDIR: 'Is a directory',
    EINVAL: 'Invalid argument',
    ENFILE: 'Too many open files in system',
    EMFILE: 'Too many open files',
    ENOSPC: 'No space left on device',
    EROFS: 'Read-only file system',
    EPIPE: 'Broken pipe',
    EDOM: 'Numerical argument out of domain',
    ERANGE: 'Numerical result out of range',
    ENODATA: 'No data available',
    EPROTO: 'Protocol error',
    EBADMSG: 'Bad message',
    EOVERFLOW: 'Value too large for defined data type',
    EMSGSIZE: 'Message too long',
    ENOPROTOOPT: 'Protocol not available',
    EPROTONOSUPPORT: 'Protocol not supported',
    EOPNOTSUPP: 'Operation not supported',
    EAFNOSUPPORT: 'Address family not supported by protocol',
    EADDRINUSE: 'Address already in use',
    EADDRNOTAVAIL: 'Cannot assign requested address',
    ENETDOWN: 'Network is down',
    ENETUNREACH: 'Network is unreachable',
    ENOBUFS: 'No buffer space available',
    ETIMEDOUT: 'Connection timed out',
    ECONNREFUSED: 'Connection refused',
  };

  it.each(Object.entries(GLIBC))('%s: %s', (name, text) => {
    expect(strerror(ERRNO[name])).toBe(text);
  });

  it('an errno glibc has no text for', () => {
    expect(strerror(9999)).toBe('Unknown error 9999');
  });
});
