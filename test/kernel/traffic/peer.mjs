#!/usr/bin/env node
// Small TCP/UDP peers for the live-traffic tests. One node process per namespace does a whole
// batch (node takes ~0.5 s to start in the emulated guest), so nothing here starts a process per
// connection. Only node built-ins.
//
//   node peer.mjs serve NAME [tcp=P,P...] [udp=P,P...] [sink=P,P...] [http=P,P...]
//       Real server. Every TCP line and every UDP datagram is answered with "NAME ADDR\n" (ADDR:
//       the local address the request reached: the RIP under NAT, the VIP under -g/-i); `sink` UDP
//       ports swallow datagrams without answering. Prints "READY" once everything listens.
//       TCP listens on [::] (dual stack); UDP binds each local address separately so that the
//       answer leaves from the address the request went to (the VIP under -g / -i).
//       A TCP line "FIN" makes the server answer and then shut its side of the connection down.
//       `http` ports answer every request with 200 and the body "NAME ADDR\n" (health checks).
//
//   node peer.mjs batch JOBS_JSON
//       Client. JOBS_JSON is an array of jobs, run one after the other:
//         { proto: "tcp"|"udp", host, port, count, from?: [addr...], parallel?, gapMs?,
//           durationMs? (stop starting connections after this long), payload?, noReply?,
//           sourcePortBase?, timeoutMs? }
//       Prints one JSON line per job: { answers: [name | "ERR:code"...], from: [addr...], ms }.
//       `from` source addresses are used in turn; `noReply` + `sourcePortBase` send one UDP
//       datagram from each of `count` consecutive source ports (a cheap large connection table).
//
//   node peer.mjs hold HOST PORT [FROM]
//       One TCP connection held open. Prints "LOCAL addr port" once connected and
//       "ANSWER name addr" after the first exchange, then reads commands on stdin: "ping"
//       (exchange a line again → "ANSWER name addr"), "serverclose" (the server answers and shuts
//       its side down → "ANSWER ...", "SERVER-CLOSED"; our side stays open: IPVS state
//       FIN_WAIT), "close" (end and exit). Errors print "ERROR code" and exit 1.
//
//   node peer.mjs holds HOST PORT FROM,FROM,...
//       Like `hold`, one TCP connection per FROM address (addresses may repeat), in one process:
//       "LOCAL i addr port", "ANSWER i name addr", "ERROR i code" (that connection is over; the
//       others go on). stdin: "ping" exchanges a line on every connection still open.
//
//   node peer.mjs probe HOST PORT INTERVAL_MS [TIMEOUT_MS]
//       A new TCP connection (one line exchanged) every INTERVAL_MS until stdin closes; prints
//       "OK START END answer" or "FAIL START END code" per attempt (epoch ms: fail-over times).

import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import readline from 'node:readline';

const [mode, ...args] = process.argv.slice(2);

function ports(list) {
  return list ? list.split(',').filter(Boolean).map(Number) : [];
}

function lineReader(socket, onLine) {
  let buf = '';
  socket.setEncoding('latin1');
  socket.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      onLine(line);
    }
  });
}

async function serve(name, opts) {
  const kv = Object.fromEntries(opts.map((o) => o.split('=')));
  const tcp = ports(kv.tcp);
  const udp = ports(kv.udp);
  const sink = new Set(ports(kv.sink));
  const waits = [];
  for (const port of ports(kv.http)) {
    const server = http.createServer((req, res) => {
      const local = String(req.socket.localAddress).replace(/^::ffff:/, '');
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      res.end(`${name} ${local}\n`);
    });
    waits.push(new Promise((res, rej) => server.listen({ port, host: '::', ipv6Only: false }, res).on('error', rej)));
  }
  for (const port of tcp) {
    const server = net.createServer((sock) => {
      sock.on('error', () => {});
      // The address the request reached: the RIP under NAT, the VIP under -g / -i.
      const local = String(sock.localAddress).replace(/^::ffff:/, '');
      lineReader(sock, (line) => {
        sock.write(`${name} ${local}\n`);
        // The server closes its side first (the client stays open): IPVS state FIN_WAIT.
        if (line === 'FIN') sock.end();
      });
    });
    waits.push(new Promise((res, rej) => server.listen({ port, host: '::', ipv6Only: false }, res).on('error', rej)));
  }
  // Each local address separately: a wildcard socket would answer from the route's source
  // address, not from the VIP the datagram was sent to.
  const addrs = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => !(a.family === 'IPv6' && a.address.startsWith('fe80')))
    .map((a) => a.address);
  for (const port of [...udp, ...sink]) {
    for (const address of addrs) {
      const sock = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: true });
      sock.on('message', (msg, rinfo) => {
        if (!sink.has(port)) sock.send(`${name} ${address}\n`, rinfo.port, rinfo.address);
      });
      waits.push(new Promise((res, rej) => sock.bind({ port, address }, res).on('error', rej)));
    }
  }
  await Promise.all(waits);
  console.log('READY');
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

function tcpOnce(job, from) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(v);
    };
    const sock = net.connect({ host: job.host, port: job.port, ...(from ? { localAddress: from } : {}) }, () => {
      sock.write(job.payload ?? 'hello\n');
    });
    const timer = setTimeout(() => {
      sock.destroy();
      finish('ERR:TIMEOUT');
    }, job.timeoutMs ?? 5000);
    sock.on('error', (e) => finish(`ERR:${e.code ?? e.message}`));
    lineReader(sock, (line) => {
      sock.end();
      finish(line);
    });
  });
}

function udpOnce(job, from, i) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(job.host.includes(':') ? 'udp6' : 'udp4');
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {}
      resolve(v);
    };
    const timer = job.noReply ? undefined : setTimeout(() => finish('ERR:TIMEOUT'), job.timeoutMs ?? 3000);
    sock.on('error', (e) => finish(`ERR:${e.code ?? e.message}`));
    sock.on('message', (msg) => finish(msg.toString('latin1').trim()));
    const port = job.sourcePortBase ? job.sourcePortBase + i : 0;
    sock.bind({ port, ...(from ? { address: from } : {}) }, () => {
      // Connected: an answer from any other address than the one asked is not delivered.
      sock.connect(job.port, job.host, () => {
        sock.send(job.payload ?? 'hello\n', (err) => {
          if (err) finish(`ERR:${err.code ?? err.message}`);
          else if (job.noReply) finish('SENT');
        });
      });
    });
  });
}

async function runJob(job) {
  const started = Date.now();
  const answers = new Array(job.count);
  const sources = new Array(job.count);
  let next = 0;
  const worker = async () => {
    while (next < job.count) {
      if (job.durationMs && Date.now() - started >= job.durationMs) break;
      const i = next++;
      const from = job.from?.length ? job.from[i % job.from.length] : undefined;
      sources[i] = from ?? null;
      answers[i] = job.proto === 'udp' ? await udpOnce(job, from, i) : await tcpOnce(job, from);
      if (job.gapMs) await delay(job.gapMs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.parallel ?? 1, job.count)) }, worker));
  return { answers: answers.slice(0, next), from: sources.slice(0, next), ms: Date.now() - started };
}

async function batch(json) {
  for (const job of JSON.parse(json)) console.log(JSON.stringify(await runJob(job)));
}

async function hold(host, port, from) {
  const sock = net.connect({ host, port: Number(port), allowHalfOpen: true, ...(from ? { localAddress: from } : {}) });
  sock.on('error', (e) => {
    console.log(`ERROR ${e.code ?? e.message}`);
    process.exit(1);
  });
  lineReader(sock, (line) => console.log(`ANSWER ${line}`));
  sock.on('end', () => console.log('SERVER-CLOSED'));
  sock.on('connect', () => {
    console.log(`LOCAL ${String(sock.localAddress).replace(/^::ffff:/, '')} ${sock.localPort}`);
    sock.write('hello\n');
  });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (cmd) => {
    if (cmd === 'ping') sock.write('ping\n');
    else if (cmd === 'serverclose') sock.write('FIN\n');
    else if (cmd === 'close') {
      sock.on('close', () => process.exit(0));
      sock.end();
      setTimeout(() => process.exit(0), 3000).unref();
    }
  });
  rl.on('close', () => {
    sock.destroy();
    process.exit(0);
  });
}

function holds(host, port, froms) {
  const socks = froms.split(',').map((from, i) => {
    const sock = net.connect({ host, port: Number(port), localAddress: from });
    let open = true;
    sock.on('error', (e) => {
      if (open) console.log(`ERROR ${i} ${e.code ?? e.message}`);
      open = false;
    });
    sock.on('close', () => {
      if (open) console.log(`ERROR ${i} CLOSED`);
      open = false;
    });
    lineReader(sock, (line) => console.log(`ANSWER ${i} ${line}`));
    sock.on('connect', () => {
      console.log(`LOCAL ${i} ${String(sock.localAddress).replace(/^::ffff:/, '')} ${sock.localPort}`);
      sock.write('hello\n');
    });
    return { sock, isOpen: () => open };
  });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (cmd) => {
    if (cmd === 'ping') for (const s of socks) if (s.isOpen()) s.sock.write('ping\n');
  });
  rl.on('close', () => process.exit(0));
}

async function probe(host, port, intervalMs, timeoutMs) {
  let stop = false;
  readline.createInterface({ input: process.stdin }).on('close', () => (stop = true));
  while (!stop) {
    const t = Date.now();
    const answer = await tcpOnce({ host, port: Number(port), timeoutMs: Number(timeoutMs ?? 1000) });
    const span = `${t} ${Date.now()}`;
    console.log(answer.startsWith('ERR:') ? `FAIL ${span} ${answer.slice(4)}` : `OK ${span} ${answer}`);
    await delay(Math.max(0, Number(intervalMs) - (Date.now() - t)));
  }
  process.exit(0);
}

if (mode === 'serve') await serve(args[0], args.slice(1));
else if (mode === 'batch') await batch(args[0]);
else if (mode === 'hold') await hold(args[0], args[1], args[2]);
else if (mode === 'holds') holds(args[0], args[1], args[2]);
else if (mode === 'probe') await probe(args[0], args[1], args[2], args[3]);
else {
  process.stderr.write('usage: peer.mjs serve NAME ... | batch JOBS_JSON | hold HOST PORT [FROM] | holds HOST PORT FROM,... | probe HOST PORT INTERVAL_MS [TIMEOUT_MS]\n');
  process.exit(2);
}
