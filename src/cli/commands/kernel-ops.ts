// The commands that change kernel state: one client call each, ipvsadm's message and status 255
// on refusal (see policy.ts).

import type { CommandName } from '../command';
import { has, type CommandHandler } from './context';
import { kernelOp } from './policy';

/** Every command but help, version and the listings, save and restore. */
export type KernelOpCommand = Exclude<CommandName, 'help' | 'version' | 'list' | 'save' | 'restore'>;

export const KERNEL_OPS: Record<KernelOpCommand, CommandHandler> = {
  'add-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.addService(cmd.service)),
  'edit-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.updateService(cmd.service)),
  'delete-service': (ctx, cmd) => kernelOp(ctx, () => ctx.client.deleteService(cmd.service)),
  flush: (ctx) => kernelOp(ctx, () => ctx.client.flush()),
  'add-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.addDestination(cmd.service, cmd.dest)),
  'edit-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.updateDestination(cmd.service, cmd.dest)),
  'delete-server': (ctx, cmd) => kernelOp(ctx, () => ctx.client.deleteDestination(cmd.service, cmd.dest)),
  zero: (ctx, cmd) => kernelOp(ctx, () => ctx.client.zero(has(cmd, 'service-address') ? cmd.service : undefined)),
  set: (ctx, cmd) => kernelOp(ctx, () => ctx.client.setTimeouts(cmd.timeouts)),
  'start-daemon': (ctx, cmd) => kernelOp(ctx, () => ctx.client.startDaemon(cmd.daemon)),
  'stop-daemon': (ctx, cmd) => kernelOp(ctx, () => ctx.client.stopDaemon(cmd.daemon)),
};
