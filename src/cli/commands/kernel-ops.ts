// The commands that change kernel state: one change each (the table below, which -R's batches
// use too), ipvsadm's message and status 255 on refusal (see policy.ts).

import type { IpvsChange } from '../../ipvs/changes';
import type { CommandName, ParsedCommand } from '../command';
import { has, type CommandHandler } from './context';
import { kernelOp } from './policy';

/** Every command but help, version and the listings, save and restore. */
export type KernelOpCommand = Exclude<CommandName, 'help' | 'version' | 'list' | 'save' | 'restore'>;

/** The change each of these command lines makes. */
export const CHANGE_OF_COMMAND: Record<KernelOpCommand, (cmd: ParsedCommand) => IpvsChange> = {
  'add-service': (c) => ({ op: 'add_service', service: c.service }),
  'edit-service': (c) => ({ op: 'update_service', service: c.service }),
  'delete-service': (c) => ({ op: 'del_service', service: c.service }),
  flush: () => ({ op: 'flush' }),
  'add-server': (c) => ({ op: 'add_dest', service: c.service, dest: c.dest }),
  'edit-server': (c) => ({ op: 'update_dest', service: c.service, dest: c.dest }),
  'delete-server': (c) => ({ op: 'del_dest', service: c.service, dest: c.dest }),
  zero: (c) => (has(c, 'service-address') ? { op: 'zero_service', service: c.service } : { op: 'zero' }),
  set: (c) => ({ op: 'set_timeout', timeouts: c.timeouts }),
  'start-daemon': (c) => ({ op: 'start_daemon', daemon: c.daemon }),
  'stop-daemon': (c) => ({ op: 'stop_daemon', daemon: c.daemon }),
};

/** The change a parsed command line makes, or undefined for listings, save, restore, -h, -v. */
export function changeOfCommand(cmd: ParsedCommand): IpvsChange | undefined {
  return (CHANGE_OF_COMMAND as Partial<Record<CommandName, (cmd: ParsedCommand) => IpvsChange>>)[cmd.command]?.(cmd);
}

export const KERNEL_OPS = Object.fromEntries(
  Object.entries(CHANGE_OF_COMMAND).map(([name, change]) => [name, (ctx, cmd) => kernelOp(ctx, () => ctx.client.apply(change(cmd)))]),
) as Record<KernelOpCommand, CommandHandler>;
