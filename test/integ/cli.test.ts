import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { version } from '../../package.json';
import { openEmbeddedStore } from '../../shared/store/embedded';

jest.setTimeout(60_000);

const BIN = join(__dirname, '../../bin/mailprobe.js');

/** Runs the CLI without blocking this process (whose in-process servers the CLI may be talking to). */
function cli(
  args: string[],
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = {},
  nodeOptions: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeOptions, BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the CLI and returns the files of the modules it loaded. */
async function modulesLoadedBy(
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'mailprobe-modules-')), 'modules.txt');
  const { code, stdout } = await cli(args, cwd, { MAILPROBE_TEST_MODULES_FILE: file }, [
    '--require',
    join(__dirname, '../support/report-modules.js'),
  ]);
  return { code, stdout, modules: readFileSync(file, 'utf8').split('\n') };
}

describe('mailprobe CLI', () => {
  it.each([['--help'], ['--version']])(
    '%s loads the compiled CLI and no probe, store, SDK or TypeScript loader',
    async (flag) => {
      const { code, stdout, modules } = await modulesLoadedBy([flag]);
      expect(code).toBe(0);
      if (flag === '--help') expect(stdout).toContain('\n  run  ');
      else expect(stdout.trim()).toBe(version);
      expect(modules.some((m) => m.includes('/dist/cli/main.js'))).toBe(true);
      const heavy = modules.filter((m) =>
        /\/(probes|store|run)\/|@aws-sdk|dynalite|nodemailer|mailauth|imapflow|zod|tsx/.test(m),
      );
      expect(heavy).toEqual([]);
    },
  );

  it('loads the probe code of the kinds a run picks only: validate none, run --only an smtp probe the smtp probe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const port = await closedPort();
    writeFileSync(
      join(dir, 'mailprobe.config.json'),
      JSON.stringify({
        targets: {
          smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }],
          domains: [{ name: 'example.test' }],
        },
        probes: [
          { name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 },
          { name: 'dns-1h', kind: 'dns', schedule: 'rate(1 hour)' },
          { name: 'rbl-1h', kind: 'dnsbl', schedule: 'rate(1 hour)', targets: [] },
        ],
        alerts: { console: false },
      }),
    );
    const probeCode = (modules: string[]) =>
      modules.filter((m) => /\/probes\/\w+\/probe\.js$|mailauth|imapflow|nodemailer\/lib\/smtp/.test(m));
    const validate = await modulesLoadedBy(['validate'], dir);
    expect(validate.code).toBe(0);
    expect(probeCode(validate.modules)).toEqual([]);
    const run = await modulesLoadedBy(['run', '--json', '--only', 'smtp-5m/relay'], dir);
    expect(JSON.parse(run.stdout).map((r: { probeId: string }) => r.probeId)).toEqual(['smtp-5m/relay']);
    expect(probeCode(run.modules).map((m) => m.slice(m.indexOf('/dist/')))).toEqual([
      '/dist/shared/probes/smtp/probe.js',
    ]);
    // Nor the SDK clients a local run without SES, SNS or Secrets Manager never calls, the pattern engine of a
    // config without patterns, or the progress bar off a terminal.
    expect(
      run.modules.filter((m) => /client-(sesv2|sns|secrets-manager)\/|\/re2js\/|\/cli-progress\//.test(m)),
    ).toEqual([]);
  });

  it('reads a YAML config without loading the TypeScript loader', async () => {
    const { code, modules } = await modulesLoadedBy([
      'validate',
      '-c',
      join(__dirname, '../fixtures/five-mistakes.yaml'),
    ]);
    expect(code).toBe(2);
    expect(modules.filter((m) => m.includes('/node_modules/tsx/'))).toEqual([]);
  });

  it('reads a .ts config through the TypeScript loader', async () => {
    const { code, modules } = await modulesLoadedBy([
      'validate',
      '-c',
      join(__dirname, '../../examples/mailprobe.config.ts'),
    ]);
    expect(code).toBe(0);
    expect(modules.some((m) => m.includes('/node_modules/tsx/'))).toBe(true);
  });

  it('validate reports all five mistakes with their paths and exits 2', async () => {
    const { code, stderr } = await cli(['validate', '-c', join(__dirname, '../fixtures/five-mistakes.yaml')]);
    expect(code).toBe(2);
    for (const path of [
      'name:',
      'retentionDays:',
      'targets.smtp[0].port:',
      'probes[0].schedule:',
      'probes[1].timeoutSecs:',
    ]) {
      expect(stderr).toContain(`\n  ${path}`);
    }
  });

  it('schema prints the JSON Schema of the config', async () => {
    const { code, stdout } = await cli(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.required).toEqual(['probes']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['targets', 'probes', 'thresholds', 'alerts', 'retentionDays']),
    );
  });

  it('run stores a failing probe (exit 1), then history and status read it back from the data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const port = await closedPort();
    writeFileSync(
      join(dir, 'mailprobe.config.json'),
      JSON.stringify({
        targets: { smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }] },
        probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 }],
        alerts: { console: false },
      }),
    );
    const run = await cli(['run', '--json'], dir);
    expect(run.code).toBe(1);
    const [result] = JSON.parse(run.stdout);
    expect(result).toMatchObject({ probeId: 'smtp-5m/relay', status: 'fail' });

    const history = await cli(['history', 'smtp-5m/relay', '--format', 'json'], dir);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual([
      result.scheduledAt,
    ]);
    const byTarget = await cli(['history', 'relay', '--format', 'csv'], dir);
    expect(byTarget.stdout.split('\n')[0]).toBe('scheduled_at,probe,target,status,duration_ms,causes');
    expect(byTarget.stdout).toContain('"smtp-5m/relay","relay","fail",');

    const unknown = await cli(['history', 'smtp-5m/nope'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no probe or target named "smtp-5m/nope"');

    const stats = await cli(['history', 'relay', '--stats', '--format', 'json'], dir);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject([{ probeId: 'smtp-5m/relay', runs: 1, status: 'fail' }]);

    const report = await cli(['report', '--since', '1d', '--out', join(dir, 'r.html')], dir);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`report written to ${join(dir, 'r.html')}`);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('smtp-5m/relay');
    const nothing = await cli(
      ['report', '--only', 'relay', 'smtp-5m/nope', '--out', join(dir, 'n.html')],
      dir,
    );
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('--only: no probe, target, group or kind named "smtp-5m/nope"');
    expect(existsSync(join(dir, 'n.html'))).toBe(false);

    const status = await cli(['status'], dir);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/FAIL\s+smtp-5m\/relay/);

    // --remote reads a deployed table through the same adapter; here the "deployed" DynamoDB is this data dir's dynalite.
    const served = await openEmbeddedStore({ dataDir: join(dir, '.mailprobe') });
    try {
      const remote = await cli(
        ['history', 'smtp-5m/relay', '--format', 'json', '--remote', '--table', served.tableName],
        dir,
        {
          AWS_ENDPOINT_URL_DYNAMODB: served.endpoint,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
      );
      expect(remote.stderr).toBe('');
      expect(remote.code).toBe(0);
      expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(history.stdout));
    } finally {
      await served.close();
    }
    // Eight CLI processes, each starting node and tsx.
  }, 180_000);

  it('silence add/list/rm: a silenced failure is recorded, not printed, shown in history, and told once the silence is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const port = await closedPort();
    writeFileSync(
      join(dir, 'mailprobe.config.json'),
      JSON.stringify({
        targets: { smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }] },
        probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 }],
      }),
    );
    const wrong = await cli(['silence', 'add', 'nothing', '--for', '2h', '--reason', 'x'], dir);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('"nothing" is no probe id, probe group or target name in the config');

    const add = await cli(
      ['silence', 'add', 'relay', '--for', '2h', '--reason', 'relay swap', '--json'],
      dir,
    );
    expect(add.code).toBe(0);
    const silence = JSON.parse(add.stdout);
    expect(silence).toMatchObject({ matcher: { scope: 'target', value: 'relay' }, reason: 'relay swap' });
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(2 * 3_600_000);
    const list = await cli(['silence', 'list'], dir);
    expect(list.stdout).toMatch(
      new RegExp(`^${silence.id}  target relay  .+ \\((2h|119m) left\\)  by .+: relay swap\n$`),
    );

    const silenced = await cli(['run'], dir);
    expect(silenced.code).toBe(1);
    expect(silenced.stdout).not.toContain('[mailprobe] FAIL');
    const history = await cli(['history', 'smtp-5m/relay'], dir);
    expect(history.stdout).toContain('Alerts held back by silences:');
    expect(history.stdout).toMatch(
      new RegExp(`failure smtp-5m/relay  silenced by ${silence.id}: relay swap`),
    );

    expect((await cli(['silence', 'rm', silence.id], dir)).stdout).toBe(`silence ${silence.id} removed\n`);
    expect((await cli(['silence', 'list'], dir)).stdout).toBe('no silences\n');
    const told = await cli(['run'], dir);
    expect(told.stdout).toContain('[mailprobe] FAIL smtp-5m/relay: ');
  }, 180_000);

  it('run --json prints the JSON document alone on stdout while a console alert fires (on stderr)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const refusing = createServer((socket) => socket.end('554 5.3.2 no service here\r\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = refusing.address() as { port: number };
      writeFileSync(
        join(dir, 'mailprobe.config.json'),
        JSON.stringify({
          targets: { smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }] },
          probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 }],
          thresholds: { reportPreExisting: true },
          alerts: { console: true },
        }),
      );
      const run = await cli(['run', '--json'], dir);
      expect(run.code).toBe(1);
      const results = JSON.parse(run.stdout);
      expect(results).toEqual([expect.objectContaining({ probeId: 'smtp-5m/relay', status: 'fail' })]);
      expect(run.stderr).toMatch(/smtp-5m\/relay/);
      expect(run.stderr).toContain('no service here');
    } finally {
      refusing.close();
    }
  });

  it('history and status --json escape raw C1 controls that a stored result carries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const hostile = 'banner \u009b2J\u0085 \u202egpj.exe';
    const at = new Date().toISOString();
    const store = await openEmbeddedStore({ dataDir: join(dir, '.mailprobe'), retentionDays: 30 });
    try {
      await store.store.putResult({
        probeId: 'smtp-5m/relay',
        kind: 'smtp',
        group: 'smtp-5m',
        target: 'relay',
        scheduledAt: at,
        startedAt: at,
        finishedAt: at,
        durationMs: 1,
        status: 'fail',
        checks: [{ id: 'banner', status: 'fail', cause: 'smtp.banner.rejected', message: hostile }],
        timings: {},
        transcript: [`S: 554 ${hostile}`],
      });
    } finally {
      await store.close();
    }
    const history = await cli(['history', 'smtp-5m/relay', '--format', 'json'], dir);
    expect(history.code).toBe(0);
    expect(history.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    expect(history.stdout).toContain('\\u009b2J\\u0085 \\u202egpj.exe');
    expect(JSON.parse(history.stdout)[0].checks[0].message).toBe(hostile);
  });

  it('finishes and stores the probe in flight on a first and a second Ctrl-C, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    // A server that holds every connection until the test lets it answer.
    const held: Socket[] = [];
    let connected: () => void = () => undefined;
    const firstConnection = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const holding = createServer((socket) => {
      held.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => holding.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holding.address() as { port: number };
      writeFileSync(
        join(dir, 'mailprobe.config.json'),
        JSON.stringify({
          targets: { smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }] },
          probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 120 }],
          alerts: { console: false },
        }),
      );
      const child = spawn(process.execPath, [BIN, 'run', '--json'], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stderr.on('data', (d) => (stderr += d));
      /** Resolves once stderr says `text`; fails if the CLI exits first (as one killed by the signal does). */
      const said = async (text: string) => {
        while (!stderr.includes(text)) {
          const next = await Promise.race([
            new Promise((resolve) => child.stderr.once('data', () => resolve('data'))),
            exited.then(() => 'exited'),
          ]);
          if (next === 'exited' && !stderr.includes(text))
            throw new Error(`the CLI exited before saying "${text}"; stderr: ${stderr}`);
        }
      };

      await firstConnection;
      child.kill('SIGINT');
      await said('SIGINT received: stopping after the 1 probe(s) of this run (results are stored)');
      child.kill('SIGINT');
      await said('still finishing the 1 probe(s) of this run');
      for (const socket of held) socket.end('554 5.3.2 closed for maintenance\r\n');

      expect(await exited).toBe(1);
      expect(JSON.parse(stdout)).toEqual([
        expect.objectContaining({ probeId: 'smtp-5m/relay', status: 'fail' }),
      ]);
      const history = await cli(['history', 'smtp-5m/relay', '--format', 'json'], dir);
      expect(JSON.parse(history.stdout)).toHaveLength(1);
    } finally {
      for (const socket of held) socket.destroy();
      holding.close();
    }
  });

  it('history --remote without a table name says what is missing', async () => {
    const { code, stderr } = await cli(
      ['history', 'x', '--remote'],
      mkdtempSync(join(tmpdir(), 'mailprobe-cli-')),
      { MAILPROBE_TABLE: '' },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--remote needs --table <name>');
  });

  it('run --only with no match says so instead of running nothing silently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    writeFileSync(
      join(dir, 'mailprobe.config.yaml'),
      'targets:\n  smtp:\n    - { name: relay, host: 127.0.0.1, port: 1, mode: plain }\nprobes:\n  - { name: smtp-5m, kind: smtp, schedule: rate(5 minutes) }\n',
    );
    const { code, stderr } = await cli(['run', '--only', 'dns'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('no probe matches --only dns');
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await cli(['--version']);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it.each([['schema'], ['causes']])(
    '%s into a reader that closed early exits 0 without a stack trace',
    async (command) => {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, command], { env: { ...process.env, NO_COLOR: '1' } });
        // `| head -c 0`: the reader is gone before the first write.
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );

  it('a usage mistake exits 2 on every command, with the message and no stack trace', async () => {
    const causes = await cli(['causes', 'no.such.prefix']);
    expect(causes.code).toBe(2);
    expect(causes.stderr).toBe('mailprobe: no cause id starts with no.such.prefix\n');
    const flag = await cli(['status', '--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('watch says when each group runs next before the first slot, and stops with 0 on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    writeFileSync(
      join(dir, 'mailprobe.config.yaml'),
      'targets:\n  smtp:\n    - { name: relay, host: 127.0.0.1, port: 1, mode: plain }\n' +
        'probes:\n  - { name: smtp-hourly, kind: smtp, schedule: rate(1 hour) }\n' +
        '  - { name: smtp-daily, kind: smtp, schedule: cron(0 6 * * ? *) }\nalerts: { console: false }\n',
    );
    const child = spawn(process.execPath, [BIN, 'watch'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    const announced = new Promise<void>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('next smtp-daily')) resolve();
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await announced;
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(stderr).toMatch(/next smtp-hourly \(rate\(1 hour\)\) at \d{4}-\d\d-\d\dT\d\d:00:00\.000Z/);
    expect(stderr).toMatch(/next smtp-daily \(cron\(0 6 \* \* \? \*\)\) at \d{4}-\d\d-\d\dT06:00:00\.000Z/);
  });

  it('receive prints a line for every message it takes, canary or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    const child = spawn(process.execPath, [BIN, 'receive', '--port', '0', '--dns', '127.0.0.1:9'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const port = await new Promise<number>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'someone@example.com',
      to: 'seed@example.com',
      subject: 'hello \u001b[31mred',
      text: 'not a canary',
    });
    await transport.sendMail({
      from: 'canary@example.com',
      to: 'seed@example.com',
      subject: 'mailprobe canary mpc-abcdefghijklmnopqrstuvwxyz',
      headers: { 'X-Mailprobe-Canary': 'mpc-abcdefghijklmnopqrstuvwxyz; sent=2026-01-01T00:00:00.000Z' },
      text: 'canary',
    });
    while (stdout.split('\n').length < 3) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    const [first, second] = stdout.split('\n');
    expect(first).toMatch(/^\S+Z ignored \(not a canary\) from 127\.0\.0\.1 <someone@example\.com>$/);
    expect(second).toMatch(
      /^\S+Z mpc-abcdefghijklmnopqrstuvwxyz ignored \(no canary of this deployment\) .*from 127\.0\.0\.1 <canary@example\.com>$/,
    );
  });
});
