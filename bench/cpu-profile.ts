/**
 * Where a process's CPU went, from a V8 profile written by `node --cpu-prof`: each sample goes to the first
 * category that matches its stack. Module loading is any sample under the CommonJS loader (so a lazy require in
 * the middle of a run counts as loading); otherwise the innermost frame of the project or of a package names the
 * part. Async continuations lose their callers, so the frame's own file is what is matched, never a caller's name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, median } from './measure';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A category and the files (by URL) that belong to it; the first match wins. */
type ProfileCategories = [name: string, files: RegExp][];

/** The compiled CLI's files, by what they are: the project's own code last, after its dependencies. */
const CLI_PARTS: ProfileCategories = [
  [
    'store (dynalite, LevelDB, AWS SDK)',
    /node_modules\/(dynalite|[\w-]*level[\w-]*|memdown|@aws-sdk|@smithy|@aws-crypto|async|joi|big\.js|lock)\/|\/dist\/shared\/store\//,
  ],
  [
    'probe (its code and protocol libraries)',
    /node_modules\/(nodemailer|mailauth|tldts|punycode|psl|ipaddr\.js)\/|\/dist\/shared\/(probes|dns)\//,
  ],
  ['config and CLI', /node_modules\/(zod|yaml|commander)\/|\/dist\/shared\/(suite|config)\/|\/dist\/cli\//],
  ['runner, evaluation, alerts', /\/dist\/shared\//],
];

const PROFILED_RUNS = 3;

/**
 * Where `spentMs` of a CLI command's CPU goes: the command (`command(...nodeFlags)` builds its argv) runs
 * PROFILED_RUNS more times under `--cpu-prof`, and `spentMs` is split by the median share of each part. One line
 * for a table note, largest part first.
 */
export async function whereCpuGoes(
  command: (...nodeFlags: string[]) => string[],
  env: NodeJS.ProcessEnv,
  dir: string,
  spentMs: number,
): Promise<string> {
  for (let i = 0; i < PROFILED_RUNS; i++)
    await cpuSeconds(command('--cpu-prof', `--cpu-prof-dir=${dir}`), env);
  const shares = profilesIn(dir).map((file) => {
    const { idle: _idle, ...ms } = profileBreakdown(file, CLI_PARTS);
    const total = Object.values(ms).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / total]));
  });
  const byShare = (names: string[]) =>
    names
      .map((name) => [name, median(shares.map((s) => s[name] ?? 0)) * spentMs] as const)
      .sort((a, b) => b[1] - a[1]);
  const names = [...new Set(shares.flatMap((s) => Object.keys(s)))];
  const loads = byShare(names.filter((n) => n.startsWith(LOAD)));
  const loadMs = loads.reduce((sum, [, ms]) => sum + ms, 0);
  const largest = loads.slice(0, 6).map(([name, ms]) => `${name.slice(LOAD.length)} ${Math.round(ms)}`);
  const parts = byShare(names.filter((n) => !n.startsWith(LOAD))).map(
    ([name, ms]) => `${name} ${Math.round(ms)} ms`,
  );
  return (
    `split by ${PROFILED_RUNS} --cpu-prof runs: module load ${Math.round(loadMs)} ms (by who loads, largest: ` +
    `${largest.join(', ')} ms), ${parts.join(', ')}`
  );
}

const LOAD = 'module load: ';

/** Who is loading: the package (or probe kind's folder) of the innermost file on the stack of a loader sample. */
function loading(stack: CallFrame[]): string {
  const file = stack.find((f) => f.url.startsWith('file:') || f.url.startsWith('/'))?.url ?? '';
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  if (pkg) return pkg;
  const kind = /\/dist\/shared\/probes\/([^/]+)\//.exec(file)?.[1];
  return kind ? `${kind} kind` : file ? 'mailprobe' : 'node';
}

const LOADER = new Set([
  'Module._load',
  'Module._compile',
  'Module._resolveFilename',
  'wrapSafe',
  'compileForInternalLoader',
]);
const NATIVE = new Map([
  ['(garbage collector)', 'garbage collection'],
  ['(program)', 'V8 and native code'],
  ['(idle)', 'idle'],
]);

/**
 * Milliseconds of samples per category, plus `module load: <who loads>`, `garbage collection`, `node internals`,
 * `other`.
 */
function profileBreakdown(file: string, categories: ProfileCategories): Record<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ms: Record<string, number> = {};
  profile.samples.forEach((sample, i) => {
    const stack: CallFrame[] = [];
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node) stack.push(node.callFrame);
    }
    const top = stack[0]?.functionName ?? '';
    let name = NATIVE.get(top);
    if (!name && stack.some((f) => LOADER.has(f.functionName))) name = `${LOAD}${loading(stack)}`;
    if (!name) {
      const own = stack.find((f) => f.url.startsWith('file:') || f.url.startsWith('/'));
      name = own ? (categories.find(([, files]) => files.test(own.url))?.[0] ?? 'other') : 'node internals';
    }
    ms[name] = (ms[name] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return ms;
}

/** The profile files `node --cpu-prof --cpu-prof-dir=<dir>` left in `dir`. */
function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
}
