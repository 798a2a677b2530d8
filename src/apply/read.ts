// Reading the desired state: an ipvsadm rules file (what -S writes and -R reads, parsed by the
// same tokenizer and the same compatible command-line parser, so the grammar is exactly
// ipvsadm's), or the JSON/YAML document `export` writes. Everything is checked before anything
// is sent; each problem names the file and the line (or the JSON/YAML path) and the reason.

import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { CliExit } from '../cli/command';
import { parseCommandLine } from '../cli/parse';
import { parseCanonicalRule } from '../cli/canonical-rule';
import { defaultDeps, type ParseDeps } from '../cli/options/state';
import { tokenizeRestoreLines } from '../cli/restore';
import { AF_INET, AF_INET6, FwdMethod, TunnelType } from '../ipvs/constants';
import type { Destination, Service } from '../ipvs/types';
import { inetPton4, inetPton6 } from '../net/inet';
import { destId, serviceId } from './identity';
import type { IpvsState, ServiceState } from './plan';
import { inScope, type Scope } from './scope';
import { desiredFromDocument, jsonPath } from './document';

/** One thing wrong with the input: where (`file:line` or `file: $.path`) and why. */
export interface Problem {
  where: string;
  reason: string;
}

/** The input is refused: nothing was sent. */
export class InvalidInput extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.where}: ${p.reason}`).join('\n'));
  }
}

/** A desired state and where in the input each service and server was given. */
export interface Desired {
  state: IpvsState;
  /** serviceId → location of its definition. */
  serviceAt: Map<string, string>;
  /** serviceId + ' ' + destId → location. */
  serverAt: Map<string, string>;
  /** Turns locations into what users read (adds line numbers to document paths). */
  locate?(problems: Problem[]): Promise<Problem[]>;
}

export type InputFormat = 'rules' | 'json' | 'yaml';

/**
 * The format by file name (.json, .yaml, .yml; anything else by content), or by content: JSON
 * starts with `{`, a rules file's first word is an option (`-A`, `--add-service`) or `ipvsadm`,
 * anything else is YAML.
 */
export function detectFormat(name: string, text: string): InputFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return 'json';
  if (start === '' || /^(-[^\s-]|--[a-z]|ipvsadm\s)/.test(start)) return 'rules';
  return 'yaml';
}

const ALLOWED_COMMANDS = new Set(['add-service', 'add-server']);

/**
 * A rules file: `-A` and `-a` lines (any spelling ipvsadm -R accepts, names resolved as ipvsadm
 * resolves them). Other commands describe changes, not a state, and are refused.
 */
export async function readRules(text: string, name: string, deps: ParseDeps = defaultDeps): Promise<Desired> {
  const problems: Problem[] = [];
  const desired: Desired = { state: [], serviceAt: new Map(), serverAt: new Map() };
  const byId = new Map<string, ServiceState>();
  let last: { service?: Service; id: string } = { id: '' };
  for (const { line, tokens } of tokenizeRestoreLines(text)) {
    const where = `${name}:${line}`;
    // Lines as -S -n writes them take the fast path; the rest (and every error) the full parser.
    let cmd = parseCanonicalRule(tokens);
    if (!cmd) {
      try {
        cmd = await parseCommandLine(tokens, 'ipvsadm', deps);
      } catch (err) {
        if (!(err instanceof CliExit)) throw err;
        const said = (err.stderr || err.stdout).trim().split('\n')[0];
        problems.push({ where, reason: said || `ipvsadm would exit with status ${err.exitCode}` });
        continue;
      }
    }
    if (!ALLOWED_COMMANDS.has(cmd.command)) {
      problems.push({ where, reason: `a state file has only -A (add-service) and -a (add-server) lines, not ${cmd.command}` });
      continue;
    }
    // A service's -a lines follow its -A line: its key, formatted once, serves them all.
    const id = sameKeyFields(cmd.service, last.service) ? last.id : serviceId(cmd.service);
    last = { service: cmd.service, id };
    if (cmd.command === 'add-service') {
      if (byId.has(id)) {
        problems.push({ where, reason: `this service is already defined at ${desired.serviceAt.get(id)}` });
        continue;
      }
      const entry: ServiceState = { service: cmd.service, dests: [] };
      byId.set(id, entry);
      desired.state.push(entry);
      desired.serviceAt.set(id, where);
      continue;
    }
    const entry = byId.get(id);
    if (!entry) {
      problems.push({ where, reason: 'no -A line before this one defines its service' });
      continue;
    }
    const key = `${id} ${destId(cmd.dest)}`;
    if (desired.serverAt.has(key)) {
      problems.push({ where, reason: `this server is already defined at ${desired.serverAt.get(key)}` });
      continue;
    }
    entry.dests.push(cmd.dest);
    desired.serverAt.set(key, where);
  }
  if (problems.length) throw new InvalidInput(problems);
  return desired;
}

/** Whether two services have the fields serviceId is made of in common (so the same id). */
function sameKeyFields(a: Service, b: Service | undefined): boolean {
  return b !== undefined && a.fwmark === b.fwmark && a.af === b.af && a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}

// ---- what the kernel would refuse -----------------------------------------------------------

/**
 * Whether the running kernel can load a scheduler or persistence-engine module: true or false
 * when known, undefined when this machine cannot tell (then the kernel has the last word).
 */
export interface ModuleLookup {
  (module: string): boolean | undefined;
}

/** modules.dep and modules.builtin of the running kernel, read once (null: not readable). */
let moduleList: string | null | undefined;

/** Looks in /sys/module (loaded), then modules.builtin and modules.dep of the running kernel. */
export const kernelModuleLookup: ModuleLookup = (module) => {
  if (existsSync(`/sys/module/${module}`)) return true;
  if (moduleList === undefined) {
    const dir = `/lib/modules/${release()}`;
    try {
      moduleList = readFileSync(`${dir}/modules.dep`, 'utf8') + readFileSync(`${dir}/modules.builtin`, 'utf8');
    } catch {
      moduleList = null;
    }
  }
  return moduleList === null ? undefined : moduleList.includes(`/${module}.ko`);
};

/** A look-up that asks `lookup` once per module (a file names the same scheduler thousands of times). */
function memoized(lookup: ModuleLookup): ModuleLookup {
  const known = new Map<string, boolean | undefined>();
  return (module) => {
    if (!known.has(module)) known.set(module, lookup(module));
    return known.get(module);
  };
}

/** The addresses NEW_DEST refuses (ip_vs_ctl.c: not RTN_UNICAST/RTN_LOCAL, not IPv6 unicast). */
function badServerAddress(d: Destination): string | undefined {
  if (d.af === AF_INET) {
    const b = inetPton4(d.address);
    if (!b) return `${d.address} is not an IPv4 address`;
    if (b[0] === 0) return `${d.address} is in 0.0.0.0/8, which the kernel refuses for a real server`;
    if (b[0] >= 224 && b[0] <= 239) return `${d.address} is a multicast address, which the kernel refuses for a real server`;
    if (b.every((x) => x === 255)) return `${d.address} is the broadcast address, which the kernel refuses for a real server`;
    return undefined;
  }
  const b = inetPton6(d.address);
  if (!b) return `${d.address} is not an IPv6 address`;
  if (b.every((x) => x === 0)) return `${d.address} is the unspecified address, which the kernel refuses for a real server`;
  if (b[0] === 0xff) return `${d.address} is a multicast address, which the kernel refuses for a real server`;
  return undefined;
}

function serverProblem(svc: Service, d: Destination): string | undefined {
  const address = badServerAddress(d);
  if (address) return address;
  if (d.lowerThreshold > d.upperThreshold) return `the lower threshold (${d.lowerThreshold}) is above the upper threshold (${d.upperThreshold})`;
  if (d.af !== svc.af && d.fwdMethod !== FwdMethod.TUNNEL) return 'only a tunnelling server may have another address family than its service';
  if (d.fwdMethod === FwdMethod.TUNNEL && d.tunType === TunnelType.GUE && d.tunPort === 0) return 'a GUE tunnel needs a port';
  return undefined;
}

export interface CheckOptions {
  scope: Scope;
  modules?: ModuleLookup;
}

/** What the kernel (or the scope) would refuse in a desired state, before anything is sent. */
export async function checkDesired(desired: Desired, options: CheckOptions): Promise<void> {
  const problems: Problem[] = [];
  const modules = memoized(options.modules ?? kernelModuleLookup);
  for (const { service: svc, dests } of desired.state) {
    // The service's key and location only when there is something to report.
    const id = () => serviceId(svc);
    const where = () => desired.serviceAt.get(id()) ?? id();
    if (!inScope(options.scope, svc)) {
      problems.push({ where: where(), reason: `this service is outside --scope ${options.scope.text.join(' --scope ')}` });
    }
    if (svc.scheduler !== 'none' && modules(`ip_vs_${svc.scheduler}`) === false) {
      problems.push({ where: where(), reason: `scheduler ${svc.scheduler} is not available in this kernel (no module ip_vs_${svc.scheduler})` });
    }
    if (svc.peName && modules(`ip_vs_pe_${svc.peName}`) === false) {
      problems.push({ where: where(), reason: `persistence engine ${svc.peName} is not available in this kernel (no module ip_vs_pe_${svc.peName})` });
    }
    if (svc.af === AF_INET6 && (svc.netmask < 1 || svc.netmask > 128)) {
      problems.push({ where: where(), reason: `an IPv6 netmask is a prefix length from 1 to 128, not ${svc.netmask}` });
    }
    for (const d of dests) {
      const reason = serverProblem(svc, d);
      if (reason) problems.push({ where: desired.serverAt.get(`${id()} ${destId(d)}`) ?? `${where()} server ${d.address}`, reason });
    }
  }
  if (problems.length) throw new InvalidInput(desired.locate ? await desired.locate(problems) : problems);
}

// ---- JSON and YAML ------------------------------------------------------------------------------

/** `$.services[2].destinations[0]` → ['services', 2, 'destinations', 0]. */
function pathSegments(path: string): Array<string | number> | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Array<string | number> = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  re.lastIndex = 1;
  for (let m; re.lastIndex < path.length && (m = re.exec(path)); ) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(m[3])));
  return out;
}

/**
 * Locations as users read them: `file:line: $.path` for documents (the line of the value the
 * path names, or of the nearest enclosing one), computed only when there is something to report.
 */
async function withLines(problems: Problem[], text: string, name: string): Promise<Problem[]> {
  const YAML = await import('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  return problems.map((p) => {
    const segments = pathSegments(p.where);
    if (!segments) return p;
    for (let n = segments.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (range) return { where: `${name}:${lineCounter.linePos(range[0]).line}: ${p.where}`, reason: p.reason };
    }
    return { where: `${name}: ${p.where}`, reason: p.reason };
  });
}

/** A JSON or YAML document: parsed, checked against the schema, mapped onto the model. */
export async function readDocument(text: string, name: string, format: 'json' | 'yaml'): Promise<Desired> {
  let doc: unknown;
  if (format === 'json') {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      // JSON.parse says where in characters; the YAML parser (JSON is YAML) says where in lines.
      const YAML = await import('yaml');
      const line = YAML.parseDocument(text).errors[0]?.linePos?.[0].line;
      throw new InvalidInput([{ where: line ? `${name}:${line}` : name, reason: `not valid JSON: ${(err as Error).message}` }]);
    }
  } else {
    const YAML = await import('yaml');
    const lineCounter = new YAML.LineCounter();
    const parsed = YAML.parseDocument(text, { lineCounter, uniqueKeys: true });
    if (parsed.errors.length) {
      throw new InvalidInput(parsed.errors.map((e) => ({ where: e.linePos ? `${name}:${e.linePos[0].line}` : name, reason: `not valid YAML: ${e.message.split('\n')[0]}` })));
    }
    doc = parsed.toJS({ maxAliasCount: 10000 });
  }
  const { schemaViolations } = await import('./schema');
  const violations = schemaViolations(doc);
  if (violations.length) {
    throw new InvalidInput(await withLines(violations.map((v) => ({ where: jsonPath(v.path), reason: v.message })), text, name));
  }
  const { desired, problems } = desiredFromDocument(doc as never, jsonPath);
  if (problems.length) throw new InvalidInput(await withLines(problems, text, name));
  desired.locate = (problems) => withLines(problems, text, name);
  return desired;
}

/** Read the desired state from a file's text, in whichever format it is. */
export async function readDesired(text: string, name: string, deps: ParseDeps = defaultDeps): Promise<Desired> {
  const format = detectFormat(name, text);
  return format === 'rules' ? readRules(text, name, deps) : readDocument(text, name, format);
}
