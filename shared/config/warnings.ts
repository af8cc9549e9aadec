import { smtpConfigWarnings } from '../probes/smtp/warnings';
import type { MailprobeConfig } from './schema';

export interface ConfigWarning {
  path: string;
  message: string;
}

/** Valid but risky settings, shown by `mailprobe validate` and at synth time. */
export function configWarnings(config: MailprobeConfig): ConfigWarning[] {
  return [...smtpConfigWarnings(config)];
}
