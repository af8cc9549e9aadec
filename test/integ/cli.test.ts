import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

const BIN = join(__dirname, '../../bin/mailprobe.js');

function cli(args: string[], cwd = process.cwd()) {
  const out = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mailprobe CLI', () => {
  it('validate reports all five mistakes with their paths and exits 2', () => {
    const { code, stderr } = cli(['validate', '-c', join(__dirname, '../fixtures/five-mistakes.yaml')]);
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

  it('schema prints the JSON Schema of the config', () => {
    const { code, stdout } = cli(['schema']);
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
    const run = cli(['run', '--json'], dir);
    expect(run.code).toBe(1);
    const [result] = JSON.parse(run.stdout);
    expect(result).toMatchObject({ probeId: 'smtp-5m/relay', status: 'fail' });

    const history = cli(['history', 'smtp-5m/relay', '--format', 'json'], dir);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual([
      result.scheduledAt,
    ]);
    const byTarget = cli(['history', 'relay', '--format', 'csv'], dir);
    expect(byTarget.stdout.split('\n')[0]).toBe('scheduled_at,probe,status,duration_ms,causes');
    expect(byTarget.stdout).toContain('"smtp-5m/relay","fail",');

    const status = cli(['status'], dir);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/FAIL\s+smtp-5m\/relay/);
  });

  it('run --only with no match says so instead of running nothing silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-cli-'));
    writeFileSync(
      join(dir, 'mailprobe.config.yaml'),
      'targets:\n  smtp:\n    - { name: relay, host: 127.0.0.1, port: 1, mode: plain }\nprobes:\n  - { name: smtp-5m, kind: smtp, schedule: rate(5 minutes) }\n',
    );
    const { code, stderr } = cli(['run', '--only', 'dns'], dir);
    expect(code).toBe(4);
    expect(stderr).toContain('no probe matches --only dns');
  });
});
