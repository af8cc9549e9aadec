// Peer of the DNSBL sweep: npm `dnsbl` 4's batch() over the same addresses and zones, on the same server and
// concurrency. Reads {server, zones, addresses, listed, concurrency} as JSON on stdin, checks every answer (listed
// exactly when `listed` maps the address to that zone), prints one JSON line: CPU milliseconds and wall milliseconds of the
// batch, peak RSS growth over the RSS before it (sampled every 50 ms, as the bench samples its own), wrong answers.
import { batch } from 'dnsbl';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { server, zones, addresses, listed, concurrency } = JSON.parse(input);

const before = process.memoryUsage.rss();
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 50);
const cpu = process.cpuUsage();
const start = performance.now();
// dnsbl 4.0.3 never clears a query's timer after a failure and cancels the whole shared resolver when one fires:
// a long timeout keeps that from dropping answers (bench answers arrive in milliseconds).
const items = await batch(addresses, zones, { servers: [server], concurrency, timeout: 60_000 });
const wallMs = performance.now() - start;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
const wrong = items.filter((item) => item.listed !== (listed[item.address] === item.blacklist)).length;
process.stdout.write(
  `${JSON.stringify({
    cpuMs: (used.user + used.system) / 1000,
    wallMs,
    rssGrowth: peak - before,
    answers: items.length,
    listed: items.filter((item) => item.listed).length,
    wrong,
  })}\n`,
);
