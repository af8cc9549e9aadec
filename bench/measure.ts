/** What several benchmarks measure the same way: medians, a process's CPU seconds, the machine's load. */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * CPU seconds (user + sys) of one whole process and its children, from /usr/bin/time; a failing command rejects
 * with the tail of its output. Asynchronous, so servers in this process keep answering the command.
 */
export function cpuSeconds(command: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', '%U %S', ...command],
      { encoding: 'utf8', timeout: 60_000, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command.join(' ')} failed: ${stdout.slice(-600)} ${stderr.slice(-300)}`));
          return;
        }
        const [user, sys] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
        resolve((user ?? Number.NaN) + (sys ?? Number.NaN));
      },
    );
  });
}

/** The 1-minute load average, for the table's note: the machine is shared, ratios are what compare. */
export function loadNote(): string {
  return `load ${loadavg()[0]?.toFixed(1)} on 2 cores`;
}
