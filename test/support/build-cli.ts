/** Jest globalSetup of the integ tier: compiles the CLI (sub-second), so tests that spawn bin/mailprobe.js run the sources under test. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildCli(): void {
  execFileSync(process.execPath, [join(__dirname, '../../scripts/build.js')], { stdio: 'inherit' });
}
