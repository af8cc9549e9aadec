/**
 * SMTP probe benchmark against the lab Postfix submission port (STARTTLS + AUTH + MAIL + RCPT):
 * - wall time of one probe run vs `swaks --quit-after RCPT` doing the same steps (median of 20 each);
 * - 50 endpoints probed concurrently vs one (median of 5 rounds each), on in-process smtp-server endpoints (STARTTLS +
 *   AUTH) running in a child process: the lab Postfix cannot serve this fairly, its in_flow_delay pauses every
 *   transaction for 1 s once aborted transactions have used up its flow-control tokens.
 * The lab must be up (`test/lab/install.sh` once, then `test/lab/up.sh`); without it this throws, it never invents
 * numbers.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers } from '../test/lab/ports';
import { createTestCa } from '../test/support/smtp/certs';
import { runSmtpProbe } from '../test/support/smtp/harness';
import type { BenchRow } from './types';

const exec = promisify(execFile);
const RUNS = 20;
const ROUNDS = 5;
const CONCURRENT = 50;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

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

async function probeOnce(
  target: Parameters<typeof runSmtpProbe>[0] = endpoint,
  extra: { rcpt?: number[] } = {},
): Promise<number> {
  const start = performance.now();
  // The daily TLS scan (three extra connections, once a day per endpoint) is not one of the peer's steps.
  const result = await runSmtpProbe(target, { secrets, options: { tlsScan: false } });
  const elapsed = performance.now() - start;
  const bad = result.checks.filter((c) => c.status !== 'pass');
  if (bad.length > 0)
    throw new Error(`probe did not pass: ${bad.map((c) => `${c.id} ${c.message}`).join('; ')}`);
  extra.rcpt?.push(result.timings.rcpt ?? 0);
  return elapsed;
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
      const first = targets[0] as (typeof targets)[0];
      await probeOnce(first);
      const one: number[] = [];
      const fifty: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let start = performance.now();
        await probeOnce(first);
        one.push(performance.now() - start);
        start = performance.now();
        await Promise.all(targets.map((t) => probeOnce(t)));
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

async function swaksOnce(): Promise<number> {
  const start = performance.now();
  await exec(
    'swaks',
    [
      ...['--server', LAB_HOST, '--port', String(labPorts.submission), '--ehlo', 'probe.lab.test'],
      ...['--tls', '--tls-verify', '--tls-ca-path', labPaths.caCert, '--tls-sni', LAB_MAIL_HOSTNAME],
      ...[
        '--auth',
        'PLAIN',
        '--auth-user',
        labUsers.probe.address,
        '--auth-password',
        labUsers.probe.password,
      ],
      ...[
        '--from',
        labUsers.probe.address,
        '--to',
        labUsers.bob.address,
        '--quit-after',
        'RCPT',
        '--hide-all',
      ],
    ],
    { timeout: 30_000 },
  );
  return performance.now() - start;
}

/** In-process peer: Python's smtplib, same steps and session, RUNS sessions in one warm process (bench/peers). */
async function smtplibSessions(runs: number): Promise<{ ms: number[]; cpu: number }> {
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
      String(runs),
    ],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout) as { ms: number[]; cpu: number };
}

export async function run(): Promise<BenchRow[]> {
  await labReachable();
  await probeOnce(); // warm-up: module loading and the first TLS context are not what is measured
  await swaksOnce();
  const probe: number[] = [];
  const swaks: number[] = [];
  const rcpt: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    probe.push(await probeOnce(endpoint, { rcpt }));
    swaks.push(await swaksOnce());
  }
  const smtplib = await smtplibSessions(RUNS);
  const { one: oneMs, fifty: fiftyMs } = await concurrency();
  const probeMs = median(probe);
  const swaksMs = median(swaks);
  const smtplibMs = median(smtplib.ms);
  return [
    {
      figure: 'in-process smtp probe vs smtplib, STARTTLS+AUTH+MAIL+RCPT+QUIT (median of 20)',
      value: Math.round(probeMs * 10) / 10,
      unit: 'ms',
      baseline: Math.round(smtplibMs * 10) / 10,
      note: `baseline: python3 smtplib, same steps and lab session, warm process; goal <= 1.5x: ${probeMs / smtplibMs <= 1.5 ? 'met' : 'missed'}`,
    },
    {
      figure: 'smtp probe, lab submission STARTTLS+AUTH+MAIL+RCPT (median of 20)',
      value: Math.round(probeMs * 10) / 10,
      unit: 'ms',
      baseline: Math.round(swaksMs * 10) / 10,
      note:
        `baseline: swaks --quit-after RCPT, same steps, process start included; ratio ${(probeMs / swaksMs).toFixed(2)} ` +
        `(goal <= 0.5)${median(rcpt) > 500 ? '; Postfix in_flow_delay engaged (RCPT ~1 s): restart the lab with in_flow_delay = 0' : ''}`,
    },
    {
      figure: `smtp probe, ${CONCURRENT} endpoints concurrently (median of ${ROUNDS} rounds)`,
      value: Math.round(fiftyMs),
      unit: 'ms',
      baseline: Math.round(oneMs * 10) / 10,
      note: `baseline: one endpoint; ratio ${(fiftyMs / oneMs).toFixed(2)} (goal < 3); smtp-server endpoints in a child process (smtp-server holds each greeting 100 ms)`,
    },
  ];
}
