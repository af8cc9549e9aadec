import type { ProbeSpec } from '../../shared/config/expand';
import { parseConfig } from '../../shared/config/load';
import type { ProbeOutcome } from '../../shared/model/result';
import type { ProbeContext } from '../../shared/probes/types';
import { executeProbe } from '../../shared/run/execute';
import { createSecretResolver } from '../../shared/secrets/resolve';
import { silentLog } from '../../shared/util/log';

const config = parseConfig({
  targets: { smtp: [{ name: 'submission', host: 'smtp.example.com' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 1 }],
});

function spec(timeoutMs: number, run: (ctx: ProbeContext) => Promise<ProbeOutcome>): ProbeSpec {
  return {
    id: 'smtp-5m/submission',
    kind: 'smtp',
    group: config.probes[0] as ProbeSpec['group'],
    targetName: 'submission',
    target: config.targets.smtp[0],
    thresholds: config.thresholds,
    timeoutMs,
    definition: { kind: 'smtp', targets: () => [], run: (_t, _g, ctx) => run(ctx) },
  };
}

async function execute(
  run: (ctx: ProbeContext) => Promise<ProbeOutcome>,
  timeoutMs = 200,
  env: NodeJS.ProcessEnv = {},
) {
  const { result, memo } = await executeProbe(
    spec(timeoutMs, run),
    new Date('2026-11-23T10:05:00Z'),
    { seen: 'before' },
    {
      config,
      secrets: createSecretResolver({ env }),
      log: silentLog,
      now: () => new Date(),
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
    const { result } = await execute(async (ctx) => {
      await ctx.secrets({ secret: 'mailprobe/smtp' });
      return { checks: [] };
    });
    expect(result.checks[0]).toMatchObject({ status: 'unknown', cause: 'probe.secret-unavailable' });
    expect(result.checks[0]?.message).toContain('secret:mailprobe/smtp');
    expect(result.checks[0]?.message).toContain('MAILPROBE_SECRET_MAILPROBE_SMTP');
  });

  it('masks a registered secret in a crash message and the transcript', async () => {
    const { result } = await execute(
      async (ctx) => {
        const password = await ctx.secrets({ env: 'SMTP_PASSWORD' });
        ctx.transcript.redact(password);
        ctx.transcript.add(`C: AUTH PLAIN ${Buffer.from(password).toString('base64')}`);
        throw new Error(`server echoed ${password}`);
      },
      200,
      { SMTP_PASSWORD: 'Correct-Horse-42' },
    );
    const stored = JSON.stringify(result);
    expect(stored).not.toContain('Correct-Horse-42');
    expect(stored).not.toContain(Buffer.from('Correct-Horse-42').toString('base64'));
    expect(result.transcript).toEqual(['C: AUTH PLAIN ***']);
    expect(result.checks[0]?.message).toBe('Error: server echoed ***');
  });
});
