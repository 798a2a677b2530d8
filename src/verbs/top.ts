// `tsipvsadm top`: the live view (src/cli/top/), reading through the model's snapshot reader.

import { IpvsError, type IpvsClient } from '../ipvs/client';
import type { ServiceKey } from '../ipvs/types';
import { readServices, SnapshotReadError } from '../model';
import type { ServiceSource } from '../cli/top/frame';
import { topMain, type TopVerbOptions } from '../cli/top/index';
import type { VerbHandler } from './registry';

/** All services (or one) with their real servers; a kernel refusal surfaces as the IpvsError it is. */
export function serviceSource(client: IpvsClient): ServiceSource {
  return async (only?: ServiceKey) => {
    try {
      // A dump the table changed under is still a usable view (ipvsadm ignores the mark too).
      return await readServices(client, { service: only, acceptInterrupted: true });
    } catch (err) {
      if (err instanceof SnapshotReadError && err.cause instanceof IpvsError) throw err.cause;
      throw err;
    }
  };
}

export const topVerb: VerbHandler = async (ctx, options) => {
  let source: ServiceSource | undefined;
  const lazy: ServiceSource = async (only) => (source ??= serviceSource(await ctx.client()))(only);
  return topMain(options as TopVerbOptions, lazy, ctx.argv0);
};
