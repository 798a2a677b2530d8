// Kernel errno → the text ipvsadm prints. ipvsadm words a failure by the libipvs operation that
// failed first (ipvs_strerror's table), then falls back to glibc's strerror.

import type { IpvsOperation } from '../ipvs/client';

const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EEXIST: 17, ENOMEM: 12, EINVAL: 22,
  EMSGSIZE: 90, ENOPROTOOPT: 92, EOPNOTSUPP: 95, EAFNOSUPPORT: 97,
} as const;

/** ipvs_strerror's table: [operation or '*' for any, errno, message]; the first match wins. */
const IPVS_MESSAGES: ReadonlyArray<readonly [IpvsOperation | '*', number, string]> = [
  ['add_service', E.EEXIST, 'Service already exists'],
  ['add_service', E.ENOENT, 'Scheduler or persistence engine not found'],
  ['update_service', E.ESRCH, 'No such service'],
  ['update_service', E.ENOENT, 'Scheduler or persistence engine not found'],
  ['del_service', E.ESRCH, 'No such service'],
  ['zero_service', E.ESRCH, 'No such service'],
  ['add_dest', E.ESRCH, 'Service not defined'],
  ['add_dest', E.EEXIST, 'Destination already exists'],
  ['update_dest', E.ESRCH, 'Service not defined'],
  ['update_dest', E.ENOENT, 'No such destination'],
  ['del_dest', E.ESRCH, 'Service not defined'],
  ['del_dest', E.ENOENT, 'No such destination'],
  ['start_daemon', E.EEXIST, 'Daemon has already run'],
  ['stop_daemon', E.ESRCH, 'No daemon is running'],
  ['get_dests', E.ESRCH, 'No such service'],
  ['get_service', E.ESRCH, 'No such service'],
  ['*', E.EPERM, 'Permission denied (you must be root)'],
  ['*', E.EINVAL, 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
  ['*', E.ENOPROTOOPT, 'Protocol not available'],
  ['*', E.ENOMEM, 'Memory allocation problem'],
  ['*', E.EOPNOTSUPP, 'Operation not supported with IPv6'],
  ['*', E.EAFNOSUPPORT, 'Operation not supported with specified address family'],
  ['*', E.EMSGSIZE, 'Module is wrong version'],
];

/**
 * Operations whose libipvs function never records itself (ipvs_func stays as it was, which at
 * that point is unset), so only the '*' rows apply: the service dump, flush, info and the
 * timeout/daemon getters. zero-all does record itself as zero_service.
 */
const UNRECORDED: ReadonlySet<IpvsOperation> = new Set(['get_services', 'flush', 'get_info', 'get_timeout', 'get_daemon', 'init']);

/** glibc 2.36 strerror texts for the errnos a netlink exchange can produce. */
const STRERROR: Readonly<Record<number, string>> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  3: 'No such process',
  4: 'Interrupted system call',
  5: 'Input/output error',
  6: 'No such device or address',
  7: 'Argument list too long',
  9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  14: 'Bad address',
  16: 'Device or resource busy',
  17: 'File exists',
  19: 'No such device',
  20: 'Not a directory',
  21: 'Is a directory',
  22: 'Invalid argument',
  23: 'Too many open files in system',
  24: 'Too many open files',
  28: 'No space left on device',
  30: 'Read-only file system',
  32: 'Broken pipe',
  33: 'Numerical argument out of domain',
  34: 'Numerical result out of range',
  61: 'No data available',
  71: 'Protocol error',
  74: 'Bad message',
  75: 'Value too large for defined data type',
  90: 'Message too long',
  92: 'Protocol not available',
  93: 'Protocol not supported',
  95: 'Operation not supported',
  97: 'Address family not supported by protocol',
  98: 'Address already in use',
  99: 'Cannot assign requested address',
  100: 'Network is down',
  101: 'Network is unreachable',
  105: 'No buffer space available',
  110: 'Connection timed out',
  111: 'Connection refused',
};

export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

/** ipvs_strerror's own table entry for `errno` from `operation`, if it has one (no fallback). */
export function ipvsTableMessage(operation: IpvsOperation, errno: number): string | undefined {
  const op = UNRECORDED.has(operation) ? undefined : operation === 'zero' ? 'zero_service' : operation;
  return IPVS_MESSAGES.find(([o, e]) => e === errno && (o === '*' || o === op))?.[2];
}

/** The message ipvsadm prints for `errno` from `operation` (without the newline). */
export function ipvsStrerror(operation: IpvsOperation, errno: number): string {
  return ipvsTableMessage(operation, errno) ?? strerror(errno);
}
