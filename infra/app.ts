import { App } from 'aws-cdk-lib';
import { findConfigFile } from '../shared/suite/file';
import { stackFromFile } from './from-file';
import { applyNag } from './nag';

/**
 * `npx cdk synth|deploy [-c config=<file>]`: the same config file the CLI reads becomes one stack.
 * A bad config fails synth with every problem and its path; this app then exits 2 (the CDK CLI reports any failed
 * app as its own exit 1).
 */
async function main(): Promise<void> {
  const app = new App();
  const stack = await stackFromFile(
    app,
    findConfigFile(app.node.tryGetContext('config') as string | undefined),
  );
  applyNag(stack);
  app.synth();
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
});
