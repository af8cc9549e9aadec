import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config/errors';
import { loadConfig } from '../../shared/suite/file';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes } from '../../shared/suite/probes';
import type { MailprobeConfigInput } from '../../shared/suite/schema';
import { testProbeDefinitions } from '../support/probe-context';

const minimal: MailprobeConfigInput = {
  targets: { smtp: [{ name: 'submission', host: 'smtp.example.com' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)' }],
};

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills every default from a minimal file', () => {
    const config = parseConfig(minimal);
    expect(config.name).toBe('mailprobe');
    expect(config.retentionDays).toBe(90);
    expect(config.thresholds).toEqual({
      failuresBeforeAlert: 2,
      flapStartPercent: 50,
      flapStopPercent: 25,
      flapWindow: 20,
      passesBeforeRecovery: 2,
      reminderEvery: 6 * 3_600_000,
      unknownsBeforeCoverageAlert: 6,
      reportPreExisting: true,
    });
    expect(config.resolver).toEqual({ servers: [], timeoutMs: 2000, tries: 2, validating: false });
    expect(config.targets.smtp[0]).toMatchObject({ port: 587, mode: 'starttls' });
    expect(config.probes[0]).toMatchObject({ timeoutSeconds: 60, enabled: true });
  });

  it('reports all five mistakes of a file with their paths at once', async () => {
    const err = await loadConfig(join(__dirname, '../fixtures/five-mistakes.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const paths = (err as ConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'name',
      'probes[0].schedule',
      'probes[1].timeoutSecs',
      'retentionDays',
      'targets.smtp[0].port',
    ]);
    expect((err as ConfigError).message).toContain('5 problems');
  });

  it('names an unknown target reference by its path', () => {
    const issues = issuesOf(() =>
      parseConfig({
        ...minimal,
        probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', targets: ['nope'] }],
      }),
    );
    expect(issues).toEqual([
      { path: 'probes[0].targets[0]', message: 'unknown target "nope": not in targets.smtp' },
    ]);
  });

  it('lets a dnsbl group name single addresses inside a sending range, and nothing outside it', () => {
    const issues = issuesOf(() =>
      parseConfig({
        targets: { sendingIps: ['192.0.2.0/30', '2001:db8::/126'] },
        probes: [
          {
            name: 'bl',
            kind: 'dnsbl',
            schedule: 'rate(15 minutes)',
            targets: ['192.0.2.3', '2001:db8::2', '192.0.2.4'],
          },
        ],
      }),
    );
    expect(issues).toEqual([
      {
        path: 'probes[0].targets[2]',
        message: 'unknown target "192.0.2.4": not in targets.sendingIps or targets.domains',
      },
    ]);
  });

  it('rejects duplicate probe group names', () => {
    const group = { name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)' } as const;
    const issues = issuesOf(() => parseConfig({ ...minimal, probes: [group, group] }));
    expect(issues).toEqual([{ path: 'probes[1].name', message: 'duplicate probe group name "smtp-5m"' }]);
  });

  it('refuses an inline password: secrets are references', () => {
    const issues = issuesOf(() =>
      parseConfig({
        ...minimal,
        targets: { smtp: [{ name: 's', host: 'h', auth: { user: 'u', password: 'hunter2' as never } }] },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['targets.smtp[0].auth.password']);
  });

  it('loads the same config from .json, .yaml and .ts files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-config-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(minimal));
    writeFileSync(
      join(dir, 'c.yaml'),
      'targets:\n  smtp:\n    - { name: submission, host: smtp.example.com }\nprobes:\n  - { name: smtp-5m, kind: smtp, schedule: rate(5 minutes) }\n',
    );
    writeFileSync(join(dir, 'c.ts'), `export default ${JSON.stringify(minimal)};\n`);
    const loaded = await Promise.all(['c.json', 'c.yaml', 'c.ts'].map((f) => loadConfig(join(dir, f))));
    expect(loaded[1]).toEqual(loaded[0]);
    expect(loaded[2]).toEqual(loaded[0]);
  });

  it('documents the full example verbatim in docs/config.md, and the example is valid', async () => {
    const example = readFileSync(join(__dirname, '../../examples/mailprobe.config.ts'), 'utf8').trimEnd();
    expect(readFileSync(join(__dirname, '../../docs/config.md'), 'utf8')).toContain(example);
    await expect(loadConfig(join(__dirname, '../../examples/mailprobe.config.ts'))).resolves.toMatchObject({
      name: 'acme-mail',
    });
  });

  it('names the file and the parse error of malformed YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-config-'));
    writeFileSync(join(dir, 'bad.yaml'), 'probes: [\n');
    const err = (await loadConfig(join(dir, 'bad.yaml')).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.issues[0]?.path).toBe('(file)');
    expect(err.message).toContain('bad.yaml');
  });

  it('merges group thresholds over the global ones per probe', async () => {
    const config = parseConfig({
      ...minimal,
      thresholds: { failuresBeforeAlert: 3, reminderEvery: '1h' },
      probes: [
        {
          name: 'smtp-5m',
          kind: 'smtp',
          schedule: 'rate(5 minutes)',
          thresholds: { failuresBeforeAlert: 1 },
        },
      ],
    });
    const specs = expandProbes(config, await testProbeDefinitions());
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({ id: 'smtp-5m/submission', timeoutMs: 60_000 });
    expect(specs[0]?.thresholds).toMatchObject({
      failuresBeforeAlert: 1,
      reminderEvery: 3_600_000,
      passesBeforeRecovery: 2,
    });
  });
});

describe('the probes-per-minute ceiling', () => {
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
  const dnsbl = (schedule: string, extra: Record<string, unknown> = {}) => ({
    name: 'bl',
    kind: 'dnsbl' as const,
    schedule,
    options: { maxRangeSize: 65536 },
    ...extra,
  });

  it('refuses a suite over maxProbesPerMinute before expanding its targets, naming the biggest group', () => {
    const issues = issuesOf(() =>
      parseConfig({ targets: { sendingIps: ranges(20) }, probes: [dnsbl('rate(1 minute)')] }),
    );
    expect(issues).toEqual([
      {
        path: 'probes',
        message: expect.stringMatching(
          /^the enabled groups run 1,310,720 probes a minute, more than maxProbesPerMinute \(10,000\): probes\[0\] "bl" 1,310,720 \(1,310,720 targets\)\./,
        ),
      },
    ]);
  });

  it('spreads a rate over its interval and a cron over its firings per hour', () => {
    // One /16 is 65,536 targets: every 10 minutes is 6,553.6 a minute, 4 firings an hour 4,369 a minute.
    const sendingIps = ranges(1);
    expect(() => parseConfig({ targets: { sendingIps }, probes: [dnsbl('rate(10 minutes)')] })).not.toThrow();
    expect(() =>
      parseConfig({ targets: { sendingIps }, probes: [dnsbl('cron(0/15 * * * ? *)')] }),
    ).not.toThrow();
    expect(
      issuesOf(() => parseConfig({ targets: { sendingIps }, probes: [dnsbl('rate(5 minutes)')] })),
    ).toEqual([{ path: 'probes', message: expect.stringContaining('run 13,107 probes a minute') }]);
    expect(
      issuesOf(() => parseConfig({ targets: { sendingIps }, probes: [dnsbl('cron(* 9 * * ? *)')] })),
    ).toEqual([{ path: 'probes', message: expect.stringContaining('run 65,536 probes a minute') }]);
  });

  it('counts only enabled groups, only the targets a group names, and honours a raised ceiling', () => {
    const targets = { sendingIps: ranges(2) };
    expect(() =>
      parseConfig({
        targets,
        probes: [dnsbl('rate(1 minute)', { enabled: false }), dnsbl('rate(1 day)', { name: 'daily' })],
      }),
    ).not.toThrow();
    expect(() =>
      parseConfig({ targets, probes: [dnsbl('rate(1 minute)', { targets: ['10.0.0.1', '10.1.0.1'] })] }),
    ).not.toThrow();
    expect(() =>
      parseConfig({ maxProbesPerMinute: 200_000, targets, probes: [dnsbl('rate(1 minute)')] }),
    ).not.toThrow();
  });
});

describe('tls.caFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-ca-'));
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pem);
  const withTls = (tls: Record<string, unknown>) => ({
    targets: { smtp: [{ name: 'submission', host: 'smtp.example.com', tls }] },
    probes: [{ name: 'smtp-5m', kind: 'smtp' as const, schedule: 'rate(5 minutes)' }],
  });

  it('is read when the config is loaded: the parsed config (and so the deployed bundle) carries the PEM, not the path', () => {
    const config = parseConfig(withTls({ caFile }));
    expect(config.targets.smtp[0]?.tls).toEqual({ caPem: pem });
    expect(JSON.stringify(config)).not.toContain(caFile);
  });

  it('names the field when the file is unreadable, too large or holds no certificate', () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 'a'));
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    const messageOf = (file: string) => issuesOf(() => parseConfig(withTls({ caFile: file })));
    expect(messageOf(join(dir, 'missing.pem'))).toEqual([
      { path: 'targets.smtp[0].tls.caFile', message: `cannot read ${join(dir, 'missing.pem')}: ENOENT` },
    ]);
    expect(messageOf(big)).toEqual([
      { path: 'targets.smtp[0].tls.caFile', message: `${big} is larger than 1048576 bytes: not a CA bundle` },
    ]);
    expect(messageOf(notPem)).toEqual([
      {
        path: 'targets.smtp[0].tls.caFile',
        message: `${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      },
    ]);
  });

  it('names an inline caPem that holds no certificate, as for a file, and keeps one that does', () => {
    expect(issuesOf(() => parseConfig(withTls({ caPem: '/etc/ssl/private-ca.pem' })))).toEqual([
      {
        path: 'targets.smtp[0].tls.caPem',
        message: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
      },
    ]);
    expect(parseConfig(withTls({ caPem: pem })).targets.smtp[0]?.tls).toEqual({ caPem: pem });
  });
});
