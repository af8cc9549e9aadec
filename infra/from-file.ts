import type { App } from 'aws-cdk-lib';
import { readConfigFile } from '../shared/suite/file';
import { parseConfig } from '../shared/suite/load';
import { deploymentNames } from './names';
import { MailprobeStack } from './stack';

/**
 * The stack of one config file, as `cdk synth` builds it: the file read as `mailprobe validate` reads it and
 * validated by the same `parseConfig`, so both give one verdict on every config.
 */
export async function stackFromFile(app: App, file: string): Promise<MailprobeStack> {
  const input = await readConfigFile(file);
  // The stack name comes from the config's `name`: a staging and a production config are two stacks.
  const { stackName } = deploymentNames(parseConfig(input, file).name);
  return new MailprobeStack(app, stackName, { configInput: input, configSource: file });
}
