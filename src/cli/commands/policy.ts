// The error policy: how kernel refusals end a command. ipvsadm's exit statuses are 0 ok,
// 1 a listing that failed, 2 bad usage, 255 a refused change (or a popt error).

import { IpvsError } from '../../ipvs/client';
import { SnapshotReadError } from '../../model/snapshot';
import { CliExit } from '../command';
import { ipvsStrerror } from '../errors';
import type { Context } from './context';

export const KERNEL_OP_FAILED = 255;
export const LISTING_FAILED = 1;

/** ipvsadm's message for a kernel refusal. */
export const refusalMessage = (err: IpvsError) => ipvsStrerror(err.operation, err.errno) + '\n';

/** A kernel operation: on refusal print ipvsadm's message and exit 255 (or go on, under -R). */
export async function kernelOp(ctx: Context, op: () => Promise<void>): Promise<number> {
  try {
    await op();
    return 0;
  } catch (err) {
    if (!(err instanceof IpvsError)) throw err;
    ctx.io.stderr(refusalMessage(err));
    return KERNEL_OP_FAILED;
  }
}

/** A listing fetch: on refusal print the message (unless ipvsadm is silent) and exit 1 at once. */
export async function fetchOrExit<T>(fetch: () => Promise<T>, silent = false): Promise<T> {
  try {
    return await fetch();
  } catch (err) {
    throw listingFailure(err, silent);
  }
}

/** The CliExit a failed listing read ends with; anything but a kernel refusal is rethrown as is. */
export function listingFailure(err: unknown, silent = false): unknown {
  const cause = err instanceof SnapshotReadError ? err.cause : err;
  if (!(cause instanceof IpvsError)) return err;
  return new CliExit(LISTING_FAILED, silent ? '' : refusalMessage(cause));
}
