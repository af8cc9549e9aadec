import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MailprobeStack } from './stack';

export interface FunctionBundle {
  /** Logical id of the function in the template. */
  function: string;
  description: string;
  /** Directory of the bundled asset (index.js, its source map, mailprobe.config.json). */
  dir: string;
  files: string[];
  /** Bytes of the minified index.js. */
  bytes: number;
}

/**
 * Synthesizes the stack with real esbuild bundling into `outdir` and lists every function's bundle: what the
 * bundle test checks and the bundle benchmark measures.
 */
export function synthesizeBundles(configInput: unknown, outdir: string): FunctionBundle[] {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new MailprobeStack(app, 'Mailprobe', { configInput, configSource: 'bundle check' });
  app.synth();
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  return Object.entries(functions).map(([id, fn]) => {
    const { Metadata, Properties } = fn as {
      Metadata: Record<string, string>;
      Properties: { Description: string };
    };
    const dir = join(outdir, Metadata['aws:asset:path'] as string);
    return {
      function: id,
      description: Properties.Description,
      dir,
      files: readdirSync(dir).sort(),
      bytes: statSync(join(dir, 'index.js')).size,
    };
  });
}
