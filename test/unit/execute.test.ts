import type { SecretRef } from '../../shared/config/secret-ref';
import { type DnsResolver, resolverFactory } from '../../shared/dns/resolver';
import type { ProbeOutcome } from '../../shared/model/result';
import type { ProbeContext } from '../../shared/probes/types';
import { type ExecuteDeps, executeProbe } from '../../shared/run/execute';
import { createSecretResolver } from '../../shared/secrets/resolve';
import type { ProbeSpec } from '../../shared/suite/expand';
import { parseConfig } from '../../shared/suite/load';
import { silentLog } from '../../shared/util/log';

const config = parseConfig({
  targets: { smtp: [{ name: 'submission', host: 'smtp.example.com' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 1 }],
});

function spec(
  timeoutMs: number,
  run: (ctx: ProbeContext) => Promise<ProbeOutcome>,
  target: unknown,
): ProbeSpec {
  return {
    id: 'smtp-5m/submission',
    kind: 'smtp',
    group: config.probes[0] as ProbeSpec['group'],
    targetName: 'submission',
    target,
    thresholds: config.thresholds,
    timeoutMs,
    definition: { kind: 'smtp', run: (_t, _g, ctx) => run(ctx) },
  };
}

/** The endpoint with a password reference: the runner resolves it before the probe runs. */
const withPassword = (password: SecretRef) => ({
  ...config.targets.smtp[0],
  auth: { user: 'bob', password },
});

async function execute(
  run: (ctx: ProbeContext) => Promise<ProbeOutcome>,
  timeoutMs = 10_000,
  env: NodeJS.ProcessEnv = {},
  target: unknown = config.targets.smtp[0],
  deps: Partial<ExecuteDeps> = {},
) {
  const { result, memo } = await executeProbe(
    spec(timeoutMs, run, target),
    new Date('2026-11-23T10:05:00Z'),
    { seen: 'before' },
    {
      secrets: createSecretResolver({ env }),
      resolver: config.resolver,
      dns: resolverFactory(),
      log: silentLog,
      now: () => new Date(),
      ...deps,
    },
  );
  return { result, memo };
}

describe('executeProbe', () => {
  it('rolls the checks up into the result with identity, slot and timings', async () => {
    const { result, memo } = await execute(async (ctx) => {
      await ctx.timings.measure('connect', async () => undefined);
      expect(ctx.memo).toEqual({ seen: 'before' });
      return {
        checks: [
          { id: 'banner', status: 'pass', message: 'ok' },
          { id: 'tls.certificate', status: 'warn', cause: 'probe.timeout', message: 'soon' },
        ],
        memo: { seen: 'after' },
      };
    });
    expect(result).toMatchObject({
      probeId: 'smtp-5m/submission',
      kind: 'smtp',
      group: 'smtp-5m',
      target: 'submission',
      scheduledAt: '2026-11-23T10:05:00.000Z',
      status: 'warn',
    });
    expect(Object.keys(result.timings)).toEqual(['connect']);
    expect(memo).toEqual({ seen: 'after' });
  });

  it('records a probe that throws as unknown with cause probe.crashed', async () => {
    const { result } = await execute(async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(result.status).toBe('unknown');
    expect(result.checks).toEqual([
      {
        id: 'probe',
        status: 'unknown',
        cause: 'probe.crashed',
        message: 'TypeError: cannot read properties of undefined',
      },
    ]);
  });

  it('records a probe that hangs and ignores its signal as unknown with cause probe.timeout', async () => {
    const { result } = await execute(() => new Promise<never>(() => {}), 100);
    expect(result.status).toBe('unknown');
    expect(result.checks[0]).toMatchObject({ status: 'unknown', cause: 'probe.timeout' });
    expect(result.durationMs).toBeGreaterThanOrEqual(90);
  });

  it('keeps the checks of a probe that stops at its signal, and names the phase that was waiting', async () => {
    const { result } = await execute(async (ctx) => {
      await ctx.timings.measure('connect', async () => undefined);
      await ctx.timings.measure(
        'banner',
        () => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve())),
      );
      return { checks: [{ id: 'connect', status: 'pass', message: 'connected' }] };
    }, 100);
    expect(result.checks).toEqual([
      { id: 'connect', status: 'pass', message: 'connected' },
      expect.objectContaining({
        id: 'probe',
        status: 'unknown',
        cause: 'probe.timeout',
        message: 'time budget of 0.1 s spent while waiting for banner (finished: connect)',
        details: expect.objectContaining({ waitingFor: ['banner'], finished: ['connect'] }),
      }),
    ]);
  });

  it('names the waiting phase of a probe that ignores its signal, after the grace period', async () => {
    const { result } = await execute(async (ctx) => {
      await ctx.timings.measure('dns', async () => undefined);
      await ctx.timings.measure('connect', async () => undefined);
      return ctx.timings.measure('banner', () => new Promise<never>(() => {}));
    }, 100);
    expect(result.checks).toEqual([
      expect.objectContaining({
        cause: 'probe.timeout',
        message: 'time budget of 0.1 s spent while waiting for banner (finished: dns, connect)',
      }),
    ]);
  });

  it('aborts the signal at the time budget so a well-behaved probe can stop its I/O', async () => {
    let aborted = false;
    await execute(
      (ctx) =>
        new Promise<never>((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(ctx.signal.reason);
          });
        }),
      50,
    );
    expect(aborted).toBe(true);
  });

  it('records a missing secret as unknown naming the reference, never a value', async () => {
    const ref = { secret: 'mailprobe/smtp' };
    const { result } = await execute(
      async (ctx) => {
        ctx.secret(ref);
        return { checks: [] };
      },
      200,
      {},
      withPassword(ref),
    );
    expect(result.checks[0]).toMatchObject({ status: 'unknown', cause: 'probe.secret-unavailable' });
    expect(result.checks[0]?.message).toContain('secret:mailprobe/smtp');
    expect(result.checks[0]?.message).toContain('MAILPROBE_SECRET_MAILPROBE_SMTP');
  });

  it('masks a secret of the target, registered by the runner, in a crash message and the transcript', async () => {
    const { result } = await execute(
      async (ctx) => {
        const password = ctx.secret({ env: 'SMTP_PASSWORD' });
        ctx.transcript.add(`C: AUTH PLAIN ${Buffer.from(password).toString('base64')}`);
        throw new Error(`server echoed ${password}`);
      },
      10_000,
      { SMTP_PASSWORD: 'Correct-Horse-42' },
      withPassword({ env: 'SMTP_PASSWORD' }),
    );
    const stored = JSON.stringify(result);
    expect(stored).not.toContain('Correct-Horse-42');
    expect(stored).not.toContain(Buffer.from('Correct-Horse-42').toString('base64'));
    expect(result.transcript).toEqual(['C: AUTH PLAIN ***']);
    expect(result.checks[0]?.message).toBe('Error: server echoed ***');
  });

  it('masks the secrets of the target in every string the probe returns: checks, details (keys too) and memo', async () => {
    const logged: string[] = [];
    const { result, memo } = await execute(
      async (ctx) => {
        const echoed = `535 5.7.8 bad password ${ctx.secret({ env: 'SMTP_PASSWORD' })}`;
        ctx.log.warn(`server said ${echoed}`, { reply: echoed });
        return {
          checks: [
            {
              id: 'auth',
              status: 'fail',
              message: echoed,
              observed: [echoed],
              details: { reply: echoed, byReply: { [echoed]: 1 } },
            },
          ],
          memo: { last: echoed },
        };
      },
      200,
      { SMTP_PASSWORD: 'Correct-Horse-42' },
      withPassword({ env: 'SMTP_PASSWORD' }),
      { log: { ...silentLog, warn: (m, e) => logged.push(`${m} ${JSON.stringify(e)}`) } },
    );
    const everything = JSON.stringify({ result, memo, logged });
    expect(everything).not.toContain('Correct-Horse-42');
    expect(result.checks[0]).toMatchObject({
      message: '535 5.7.8 bad password ***',
      observed: ['535 5.7.8 bad password ***'],
      details: { reply: '535 5.7.8 bad password ***', byReply: { '535 5.7.8 bad password ***': 1 } },
    });
    expect(memo).toEqual({ last: '535 5.7.8 bad password ***' });
    expect(logged).toEqual(['server said 535 5.7.8 bad password *** {"reply":"535 5.7.8 bad password ***"}']);
  });

  it('refuses a secret the target and group do not reference', async () => {
    const { result } = await execute(async (ctx) => {
      ctx.secret({ env: 'HOME' });
      return { checks: [] };
    });
    expect(result.checks[0]).toMatchObject({ status: 'unknown', cause: 'probe.secret-unavailable' });
    expect(result.checks[0]?.message).toContain('not referenced by this target or group');
  });

  it('hands the probe its deadline and resolvers from the one factory, with overrides on the configured settings', async () => {
    const asked: unknown[] = [];
    const fake = (async () => []) as unknown as DnsResolver;
    let deadline = 0;
    const before = Date.now();
    await execute(
      async (ctx) => {
        deadline = ctx.deadline;
        ctx.dns();
        ctx.dns({ servers: ['127.0.0.1:5300'] });
        return { checks: [] };
      },
      5_000,
      {},
      config.targets.smtp[0],
      {
        dns: (settings) => {
          asked.push(settings);
          return fake;
        },
      },
    );
    expect(deadline).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(asked).toEqual([config.resolver, { ...config.resolver, servers: ['127.0.0.1:5300'] }]);
  });
});
