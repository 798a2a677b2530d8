// ipvsadm's command/option compatibility tables (commands_v_options and tunnel_types_v_options)
// as data, and the checks that walk them. The messages, and the order in which the checks find a
// fault (table order, not command-line order), are ipvsadm's.

import { CliExit, type CommandName, type OptionName } from './command';
import { TUNNEL_TYPES } from '../model/tables';

/** ipvsadm's fail(): the message and a newline on stderr, exit status 2. */
export function fail(message: string): never {
  throw new CliExit(2, `${message}\n`);
}

/** The matrix's option rows, in table order (bit 0 .. 33 of ipvsadm's option mask). */
export const MATRIX_OPTIONS: readonly OptionName[] = [
  'numeric',
  'connection',
  'service-address',
  'scheduler',
  'persistent',
  'netmask',
  'real-server',
  'forwarding-method',
  'weight',
  'u-threshold',
  'l-threshold',
  'mcast-interface',
  'timeout',
  'daemon',
  'stats',
  'rate',
  'thresholds',
  'persistent-conn',
  'nosort',
  'syncid',
  'exact',
  'ops',
  'pe',
  'sched-flags',
  'mcast-group',
  'mcast-port',
  'mcast-ttl',
  'sync-maxlen',
  'tun-info',
  'tun-type',
  'tun-port',
  'tun-nocsum',
  'tun-csum',
  'tun-remcsum',
];

/** The commands the matrix has a column for (help and version never reach the check). */
export type MatrixCommand = Exclude<CommandName, 'help' | 'version'>;

/**
 * One string per command, one character per option in MATRIX_OPTIONS order:
 * `+` required, `x` illegal, `1` at most one of the `1` options, `·` optional.
 */
export const COMMANDS_V_OPTIONS: Readonly<Record<MatrixCommand, string>> = {
  //                0         1         2         3      (option index, see MATRIX_OPTIONS)
  //                0123456789012345678901234567890123
  'add-service':    'xx+···xxxxxxxxxxxxxxx···xxxxxxxxxx',
  'edit-service':   'xx+···xxxxxxxxxxxxxxx···xxxxxxxxxx',
  'delete-service': 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  flush:            'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  list:             '·11xxxxxxxxx11·······xxxxxxx·xxxxx',
  'add-server':     'xx+xxx+····xxxxxxxxxxxxxxxxxx·····',
  'delete-server':  'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'edit-server':    'xx+xxx+····xxxxxxxxxxxxxxxxxx·····',
  set:              'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'start-daemon':   'xxxxxxxxxxx·xxxxxxx·xxxx····xxxxxx',
  'stop-daemon':    'xxxxxxxxxxxxxxxxxxx·xxxxxxxxxxxxxx',
  restore:          'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  save:             '·xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  zero:             'xx·xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
};

/** Tunnel type names by IP_VS_CONN_F_TUNNEL_TYPE_* value. */
export const TUNNEL_TYPE_NAMES: readonly string[] = TUNNEL_TYPES.map((t) => t.name);

/** The tunnel matrix's option columns. */
export const TUNNEL_OPTIONS: readonly OptionName[] = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];

/** One string per tunnel type (indexed like TUNNEL_TYPE_NAMES), one character per TUNNEL_OPTIONS column. */
export const TUNNEL_TYPES_V_OPTIONS: readonly string[] = [
  /* ipip */ 'xxxx',
  /* gue  */ '+111',
  /* gre  */ 'x11x',
];

/** Walk one row of a table the way ipvsadm's generic_opt_check / tunnel_opt_check do. */
function checkRow(row: string, columns: readonly OptionName[], options: ReadonlySet<OptionName>, what: string): void {
  let first: OptionName | undefined;
  columns.forEach((opt, j) => {
    const rule = row[j];
    if (!options.has(opt)) {
      if (rule === '+') fail(`You need to supply the '${opt}' option for the ${what}`);
      return;
    }
    if (rule === 'x') fail(`Illegal '${opt}' option with the ${what}`);
    if (rule === '1') {
      if (first === undefined) first = opt;
      else fail(`The option '${opt}' conflicts with the '${first}' option in the ${what}`);
    }
  });
}

/** generic_opt_check: the first violation in table order wins; exits 2. */
export function genericOptCheck(command: MatrixCommand, options: ReadonlySet<OptionName>): void {
  checkRow(COMMANDS_V_OPTIONS[command], MATRIX_OPTIONS, options, `'${command}' command`);
}

/** tunnel_opt_check for -a/-e: the tunnel type's row of the tunnel matrix; exits 2. */
export function tunnelOptCheck(tunType: number, options: ReadonlySet<OptionName>): void {
  checkRow(TUNNEL_TYPES_V_OPTIONS[tunType], TUNNEL_OPTIONS, options, `'${TUNNEL_TYPE_NAMES[tunType]}' tunnel type`);
}
