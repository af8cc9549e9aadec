/**
 * SMTP probe benchmark against the lab Postfix submission port (STARTTLS + AUTH + MAIL + RCPT):
 * - whole process against whole process: CPU seconds of `mailprobe run --only <the probe>` (config load, embedded
 *   store, result stored and evaluated) against `swaks --quit-after RCPT` doing the same steps, interleaved with an
 *   empty `node -e 0`; where the rest of mailprobe's CPU goes, from `node --cpu-prof` runs of the same command;
 * - in process against in process: one probe run against Python's smtplib doing the same steps, each in a warm
 *   process of its own (bench/smtp-sessions.ts) with its setup (config parsed, modules loaded) outside the timed loop;
 * - 50 endpoints probed concurrently vs one (median of 5 rounds each), on in-process smtp-server endpoints (STARTTLS +
 *   AUTH) running in a child process: the lab Postfix cannot serve this fairly, its in_flow_delay pauses every
 *   transaction for 1 s once aborted transactions have used up its flow-control tokens.
 * The lab must be up (`test/lab/install.sh` once, then `test/lab/up.sh`); without it this throws, it never invents
 * numbers.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers } from '../test/lab/ports';
import { createTestCa } from '../test/support/smtp/certs';
import { runSmtpSetup, type SmtpProbeSetup, smtpProbeSetup } from '../test/support/smtp/harness';
import { whereCpuGoes } from './cpu-profile';
import { cpuSeconds, loadNote, median } from './measure';
import type { BenchRow } from './types';

const exec = promisify(execFile);
const RUNS = 100;
const BLOCK = 25;
/** Untimed sessions before each block's timed ones, on both sides: the probe's first sessions in a process run
 * while V8 is still compiling its hot paths (CPython has no such phase). */
const WARMUP = 20;
const PROCESS_RUNS = 11;
const ROUNDS = 5;
const CONCURRENT = 50;

async function labReachable(): Promise<void> {
  const problem = !existsSync(labPaths.caCert)
    ? `no lab CA at ${labPaths.caCert}`
    : await new Promise<string | undefined>((resolve) => {
        const s = connect({ host: LAB_HOST, port: labPorts.submission });
        const done = (why?: string) => {
          s.destroy();
          resolve(why);
        };
        s.setTimeout(2000, () => done('connection timed out'));
        s.once('connect', () => done());
        s.once('error', (err) => done(err.message));
      });
  if (problem) {
    throw new Error(
      `smtp bench needs the lab Postfix on ${LAB_HOST}:${labPorts.submission} (${problem}): ` +
        'run test/lab/install.sh once, then test/lab/up.sh',
    );
  }
}

const endpoint = {
  name: 'lab-submission',
  host: LAB_HOST,
  port: labPorts.submission,
  mode: 'starttls' as const,
  ehloName: 'probe.lab.test',
  tls: { caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME },
  auth: { user: labUsers.probe.address, password: { env: 'LAB_PASS' } },
  envelope: { from: labUsers.probe.address, to: [labUsers.bob.address] },
};
const secrets = { LAB_PASS: labUsers.probe.password };
// The daily TLS scan (three extra connections, once a day per endpoint) is not one of the peers' steps.
const options = { tlsScan: false };

/** One probe run of a parsed setup, required to pass (the concurrency rounds). */
async function probeOnce(setup: SmtpProbeSetup): Promise<void> {
  const result = await runSmtpSetup(setup, { secrets });
  const bad = result.checks.filter((c) => c.status !== 'pass');
  if (bad.length > 0)
    throw new Error(`probe did not pass: ${bad.map((c) => `${c.id} ${c.message}`).join('; ')}`);
}

interface Sessions {
  ms: number[];
  /** Process CPU seconds over the timed sessions. */
  cpu: number;
}

/** The probe's side: `runs` probe runs in a warm process of its own (bench/smtp-sessions.ts), as smtplib's. */
async function probeSessions(runs: number): Promise<Sessions & { rcpt: number[] }> {
  const child = exec(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'smtp-sessions.ts')], {
    cwd: join(__dirname, '..'),
    timeout: 60_000,
  });
  child.child.stdin?.end(JSON.stringify({ endpoint, options, secrets, warmup: WARMUP, runs }));
  return JSON.parse((await child).stdout) as Sessions & { rcpt: number[] };
}

/** Child process serving `count` STARTTLS+AUTH endpoints with smtp-server; prints their ports as one JSON line. */
const SERVERS = `
const { SMTPServer } = require('smtp-server');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const { key, cert, count, password } = JSON.parse(input);
  const ports = [];
  for (let i = 0; i < count; i++) {
    const s = new SMTPServer({
      key, cert, logger: false, disableReverseLookup: true, authMethods: ['PLAIN'],
      onAuth: (a, _s, cb) => (a.password === password ? cb(null, { user: a.username }) : cb(new Error('no'))),
    });
    // A client resetting its connection (the probe giving up under load) is an event, not the server's end.
    s.on('error', () => {});
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    ports.push(s.server.address().port);
  }
  process.stdout.write(JSON.stringify(ports) + '\\n');
});
`;

async function concurrency(): Promise<{ one: number; fifty: number }> {
  const ca = await createTestCa();
  try {
    const leaf = await ca.issue({ names: ['bench.test'] });
    const child = spawn(process.execPath, ['-e', SERVERS], {
      cwd: join(__dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      child.stdin.end(JSON.stringify({ ...leaf, count: CONCURRENT, password: labUsers.probe.password }));
      const ports = await new Promise<number[]>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('bench servers did not start within 20 s')), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(JSON.parse(out) as number[]);
          }
        });
        child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
      });
      const targets = ports.map((port, i) => ({
        ...endpoint,
        name: `bench-${i}`,
        port,
        tls: { caPem: ca.cert, servername: 'bench.test' },
      }));
      const setups = targets.map((t) => smtpProbeSetup(t, { options }));
      const first = setups[0] as SmtpProbeSetup;
      await probeOnce(first);
      const one: number[] = [];
      const fifty: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let start = performance.now();
        await probeOnce(first);
        one.push(performance.now() - start);
        start = performance.now();
        await Promise.all(setups.map((t) => probeOnce(t)));
        fifty.push(performance.now() - start);
      }
      return { one: median(one), fifty: median(fifty) };
    } finally {
      child.kill();
    }
  } finally {
    await ca.dispose();
  }
}

/** swaks doing the probe's steps: STARTTLS with verification, AUTH PLAIN, MAIL, RCPT, then QUIT. */
const SWAKS = [
  'swaks',
  ...['--server', LAB_HOST, '--port', String(labPorts.submission), '--ehlo', 'probe.lab.test'],
  ...['--tls', '--tls-verify', '--tls-ca-path', labPaths.caCert, '--tls-sni', LAB_MAIL_HOSTNAME],
  ...['--auth', 'PLAIN', '--auth-user', labUsers.probe.address, '--auth-password', labUsers.probe.password],
  ...['--from', labUsers.probe.address, '--to', labUsers.bob.address, '--quit-after', 'RCPT', '--hide-all'],
];

/**
 * `mailprobe run --only lab-submission` as a user runs it (compiled CLI, JSON config, embedded store in a fresh
 * data directory that keeps the results between runs) against swaks, CPU medians of interleaved runs; then the
 * split of mailprobe's CPU from profiled runs of the same command.
 */
async function wholeProcess(): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-smtp-bench-'));
  try {
    const configFile = join(dir, 'mailprobe.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        name: 'bench',
        resolver: { servers: ['127.0.0.1:9'], timeoutMs: 3000, tries: 1 },
        targets: {
          smtp: [{ ...endpoint, tls: { caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME } }],
        },
        probes: [{ name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)', options }],
        alerts: { console: true },
      }),
    );
    const cli = (...node: string[]) => [
      process.execPath,
      ...node,
      join(__dirname, '../bin/mailprobe.js'),
      ...['run', '-c', configFile, '--data-dir', join(dir, 'data'), '--only', endpoint.name],
    ];
    const env = { ...process.env, ...secrets };
    await cpuSeconds(cli(), env); // creates the table, as any first run in a data directory does
    const node: number[] = [];
    const ours: number[] = [];
    const swaks: number[] = [];
    for (let i = 0; i < PROCESS_RUNS; i++) {
      node.push(await cpuSeconds([process.execPath, '-e', '0']));
      ours.push(await cpuSeconds(cli(), env));
      swaks.push(await cpuSeconds(SWAKS));
    }
    const oursMs = median(ours) * 1000;
    const nodeMs = median(node) * 1000;
    const split = await whereCpuGoes(cli, env, join(dir, 'profiles'), oursMs - nodeMs);
    const swaksMs = median(swaks) * 1000;
    return {
      figure: `mailprobe run --only <one smtp probe> vs swaks, STARTTLS+AUTH+MAIL+RCPT, CPU (median of ${PROCESS_RUNS})`,
      value: Math.round(oursMs),
      unit: 'ms',
      baseline: Math.round(swaksMs),
      note:
        `whole process vs whole process (user + sys), embedded store included, interleaved; goal <= 4x: ` +
        `${oursMs / swaksMs <= 4 ? 'met' : 'missed'}. Where it goes: node start ${Math.round(nodeMs)} ms ` +
        `(node -e 0), then ${split}; ${loadNote()}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In-process peer: Python's smtplib, same steps and session, `runs` sessions in one warm process (bench/peers). */
async function smtplibSessions(runs: number): Promise<Sessions> {
  const { stdout } = await exec(
    '/usr/bin/python3',
    [
      join(__dirname, 'peers/smtp_session.py'),
      LAB_HOST,
      String(labPorts.submission),
      labPaths.caCert,
      LAB_MAIL_HOSTNAME,
      labUsers.probe.address,
      labUsers.probe.password,
      labUsers.probe.address,
      labUsers.bob.address,
      String(WARMUP),
      String(runs),
    ],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout) as Sessions;
}

export async function run(): Promise<BenchRow[]> {
  await labReachable();
  // Interleaved blocks, each side in a fresh warm process per block, so both see the same load on this machine.
  const probe: number[] = [];
  const smtplib: number[] = [];
  const rcpt: number[] = [];
  const cpuMs = { probe: 0, smtplib: 0 };
  for (let block = 0; block < RUNS / BLOCK; block++) {
    const ours = await probeSessions(BLOCK);
    probe.push(...ours.ms);
    rcpt.push(...ours.rcpt);
    cpuMs.probe += ours.cpu * 1000;
    const peer = await smtplibSessions(BLOCK);
    smtplib.push(...peer.ms);
    cpuMs.smtplib += peer.cpu * 1000;
  }
  const whole = await wholeProcess();
  const { one: oneMs, fifty: fiftyMs } = await concurrency();
  const probeMs = median(probe);
  const smtplibMs = median(smtplib);
  return [
    {
      figure: `in-process smtp probe vs smtplib, STARTTLS+AUTH+MAIL+RCPT+QUIT (median of ${RUNS})`,
      value: Math.round(probeMs * 10) / 10,
      unit: 'ms',
      baseline: Math.round(smtplibMs * 10) / 10,
      note:
        `baseline: python3 smtplib, same steps and lab session; each side in a warm process of its own (bench/smtp-sessions.ts, bench/peers/smtp_session.py), setup (config parsed, modules loaded) and ${WARMUP} untimed sessions before each block of ${BLOCK} timed ones, interleaved blocks; ` +
        `goal <= 1.5x: ${probeMs / smtplibMs <= 1.5 ? 'met' : 'missed'}` +
        `${median(rcpt) > 500 ? '; Postfix in_flow_delay engaged (RCPT ~1 s): restart the lab with in_flow_delay = 0' : ''}; ${loadNote()}`,
    },
    {
      figure: `in-process smtp probe vs smtplib, CPU per session (mean of ${RUNS})`,
      value: Math.round((cpuMs.probe / RUNS) * 10) / 10,
      unit: 'ms',
      baseline: Math.round((cpuMs.smtplib / RUNS) * 10) / 10,
      note: 'process CPU (user + sys) over the timed sessions of each side; same runs as the row above',
    },
    whole,
    {
      figure: `smtp probe, ${CONCURRENT} endpoints concurrently (median of ${ROUNDS} rounds)`,
      value: Math.round(fiftyMs),
      unit: 'ms',
      baseline: Math.round(oneMs * 10) / 10,
      note: `baseline: one endpoint; ratio ${(fiftyMs / oneMs).toFixed(2)} (goal < 3); smtp-server endpoints in a child process (smtp-server holds each greeting 100 ms)`,
    },
  ];
}
