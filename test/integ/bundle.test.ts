import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import example from '../../examples/mailprobe.config';
import { type FunctionBundle, synthesizeBundles } from '../../infra/bundles';
import { deployedSuite } from '../../shared/suite/deployed';
import { parseConfig } from '../../shared/suite/load';

jest.setTimeout(120_000);

let bundles: FunctionBundle[];

beforeAll(() => {
  // Inside the repository, so the bundles resolve the AWS SDK from node_modules as the Lambda runtime provides it.
  const outRoot = join(__dirname, '../../cdk.out');
  mkdirSync(outRoot, { recursive: true });
  bundles = synthesizeBundles(example, mkdtempSync(join(outRoot, 'bundle-test-')));
  // The sizes are recorded in the test log; the size goal lives in the bundle benchmark.
  for (const b of bundles) process.stdout.write(`bundle ${b.function}: ${b.bytes} bytes\n`);
});

describe('function bundles (real esbuild bundling through NodejsFunction)', () => {
  it('bundles every function with its source map and the deployed config, no Docker', () => {
    expect(bundles.map((b) => b.description).sort()).toEqual([
      'mailprobe: activates the canary receipt rule set at deploy, restores the previous one on delete',
      'mailprobe: delivers incident messages whose group wait or interval ends between runs',
      'mailprobe: posts alerts from the topic to Slack',
      'mailprobe: records canary arrivals received by SES',
      'mailprobe: runs the canary probes of one group for one schedule slot',
      'mailprobe: runs the dns probes of one group for one schedule slot',
      'mailprobe: runs the dnsbl probes of one group for one schedule slot',
      'mailprobe: runs the smtp probes of one group for one schedule slot',
    ]);
    for (const b of bundles) {
      expect(b.files).toEqual(['index.js', 'index.js.map', 'mailprobe.config.json']);
      expect(JSON.parse(readFileSync(join(b.dir, 'mailprobe.config.json'), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(deployedSuite(parseConfig(example)))),
      );
    }
  });

  it('keeps the embedded-only code (dynalite, YAML) and the config schema out of the Lambda bundles, and leaves the AWS SDK to the runtime', () => {
    for (const b of bundles) {
      const code = readFileSync(join(b.dir, 'index.js'), 'utf8');
      expect(code).not.toMatch(/dynalite/);
      expect(code).not.toContain('at most 30 characters'); // a message of the config schema (shared/suite/schema.ts)
      expect(code).toMatch(/require\("@aws-sdk\/client-/);
    }
  });

  it('loads each bundle in a fresh node and exports its handler', () => {
    for (const b of bundles) {
      const out = spawnSync(
        process.execPath,
        [
          '-e',
          `const m = require(${JSON.stringify(join(b.dir, 'index.js'))}); process.stdout.write(typeof m.handler)`,
        ],
        {
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      );
      expect({ status: out.status, stderr: out.stderr.slice(0, 500), stdout: out.stdout }).toEqual({
        status: 0,
        stderr: '',
        stdout: 'function',
      });
    }
  });
});
