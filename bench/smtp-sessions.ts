/**
 * The in-process side of the smtp bench, in a process of its own as its peer bench/peers/smtp_session.py is: reads
 * {endpoint, options, secrets, runs} as JSON on stdin, parses the config once, runs the probe once to warm up, then
 * `runs` times, every run required to pass. Prints one JSON line: the wall milliseconds of each run, the process
 * CPU seconds spent in them and each run's RCPT time (Postfix's in_flow_delay shows there).
 * Run by bench/smtp.bench.ts as `node --require tsx/cjs bench/smtp-sessions.ts`.
 */
import { runSmtpSetup, smtpProbeSetup } from '../test/support/smtp/harness';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { endpoint, options, secrets, runs } = JSON.parse(input);
  const setup = smtpProbeSetup(endpoint, { options });
  const once = async () => {
    const result = await runSmtpSetup(setup, { secrets });
    const bad = result.checks.filter((c) => c.status !== 'pass');
    if (bad.length > 0)
      throw new Error(`probe did not pass: ${bad.map((c) => `${c.id} ${c.message}`).join('; ')}`);
    return result.timings.rcpt ?? 0;
  };
  await once(); // warm-up, as the peer warms up
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
