/**
 * The in-process side of the smtp bench, in a process of its own as its peer bench/peers/smtp_session.py is: reads
 * {endpoint, options, secrets, warmup, runs} as JSON on stdin, parses the config once, runs the probe `warmup` times
 * untimed (as the peer does: V8 compiles the hot paths during the first sessions), then `runs` times, every run
 * required to pass. Prints one JSON line: the wall milliseconds of each run, the process
 * CPU seconds spent in them and each run's RCPT time (Postfix's in_flow_delay shows there).
 * Run by bench/smtp.bench.ts as `node --require tsx/cjs bench/smtp-sessions.ts`.
 */
import { runSmtpSetup, smtpProbeSetup } from '../test/support/smtp/harness';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { endpoint, options, secrets, warmup, runs } = JSON.parse(input);
  const setup = smtpProbeSetup(endpoint, { options });
  const once = async () => {
    const result = await runSmtpSetup(setup, { secrets });
    const bad = result.checks.filter((c) => c.status !== 'pass');
    if (bad.length > 0)
      throw new Error(`probe did not pass: ${bad.map((c) => `${c.id} ${c.message}`).join('; ')}`);
    return result.timings.rcpt ?? 0;
  };
  for (let i = 0; i < warmup; i++) await once(); // untimed, as the peer's warm-up
  const ms: number[] = [];
  const rcpt: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    rcpt.push(await once());
    ms.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ ms, cpu: (used.user + used.system) / 1e6, rcpt })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`smtp sessions: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
