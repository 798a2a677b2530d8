// The fuzz harness on the host, against a fake kernel that accepts everything and has nothing
// to list: the parser, the runner and the formatters must end every generated case with an
// exit status, no uncaught error and no stack trace. (The guest runs it against the real kernel.)

import { expect, it } from 'vitest';
import { IpvsClient } from '../../src/ipvs/client';
import { runFuzz } from '../fuzz/fuzz';
import { IpvsCommand, InfoAttr, CmdAttr } from '../../src/ipvs/constants';
import { NLM_F_DUMP, encodeAttr } from '../../src/netlink/genl';
import { FakeNetlink, type FakeAnswer, type FakeRequest } from './fake-netlink';

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

/** An empty IPVS: every change accepted, nothing to list, one service never found. */
function emptyKernel(req: FakeRequest): FakeAnswer {
  const dump = (req.flags & NLM_F_DUMP) === NLM_F_DUMP;
  if (req.cmd === IpvsCommand.GET_INFO) return { replies: [Buffer.concat([...encodeAttr(InfoAttr.VERSION, u32(0x010201)), ...encodeAttr(InfoAttr.CONN_TAB_SIZE, u32(4096))])] };
  if (req.cmd === IpvsCommand.GET_CONFIG) return { replies: [Buffer.concat([...encodeAttr(CmdAttr.TIMEOUT_TCP, u32(900)), ...encodeAttr(CmdAttr.TIMEOUT_TCP_FIN, u32(120)), ...encodeAttr(CmdAttr.TIMEOUT_UDP, u32(300))])] };
  if (req.cmd === IpvsCommand.GET_SERVICE && !dump) return { errno: 3 };
  return {};
}

// TSIPVSADM_FUZZ_HOST="SEED ARGV RESTORE" runs a bigger campaign the same way.
const [seed, argv, restore] = (process.env.TSIPVSADM_FUZZ_HOST ?? '99 1500 300').split(' ').map(Number);

it(`ends every generated case cleanly (seed ${seed}: ${argv} command lines, ${restore} -R inputs and rules files)`, async () => {
  const report = await runFuzz({
    seed, argv, restore, compareArgv: 0, compareRestore: 0,
    open: () => IpvsClient.open({ socket: new FakeNetlink(emptyKernel) }),
  });
  expect(report.ran).toMatchObject({ argv, restore: restore / 2, rules: restore / 2 });
  expect(report.findings.map((f) => `${f.kind} ${JSON.stringify(f.args)} ${JSON.stringify(f.stdin ?? '')}: ${f.detail.slice(0, 400)}`)).toEqual([]);
}, 3_600_000);
