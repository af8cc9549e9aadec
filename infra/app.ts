import { App, type CfnElement } from 'aws-cdk-lib';
import { findConfigFile, readConfigFile } from '../shared/suite/file';
import { parseConfig } from '../shared/suite/load';
import { applyNag } from './nag';
import { deploymentNames } from './names';
import { MailprobeStack } from './stack';

/**
 * `npx cdk synth|deploy [-c config=<file>]`: the same config file the CLI reads becomes one stack.
 * A bad config fails synth with every problem and its path.
 */
async function main(): Promise<void> {
  const app = new App();
  const file = findConfigFile(app.node.tryGetContext('config') as string | undefined);
  const input = await readConfigFile(file);
  // The stack name comes from the config's `name`: a staging and a production config are two stacks.
  const { stackName } = deploymentNames(parseConfig(input, file).name);
  const stack = new MailprobeStack(app, stackName, { configInput: input, configSource: file });
  applyNag(stack, stack.results.table.node.defaultChild as CfnElement);
  app.synth();
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
});
