import { terminalText } from '../util/sanitize';
import { alertTextLines, renderAlert } from './render';
import type { Alert, Alerter, Severity } from './types';

export interface ConsoleAlerterOptions {
  /** Where alerts are written; defaults to stdout. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force colour on or off; by default colour is used only when the stream is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

const SGR: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  warning: '\u001b[1;33m',
  info: '\u001b[1;32m',
};
const RESET = '\u001b[0m';

/** The alert as terminal text: untrusted text escaped (no control characters reach the terminal), subject coloured by severity. */
export function formatConsoleAlert(alert: Alert, color: boolean): string {
  const rendered = renderAlert(alert);
  const subject = terminalText(rendered.subject);
  const head = color ? `${SGR[alert.severity]}${subject}${RESET}` : subject;
  const body = alertTextLines(alert, rendered, (text) => terminalText(text)).map((line) =>
    line ? `  ${line}` : '',
  );
  return `${[head, ...body].join('\n')}\n`;
}

/** Prints alerts for a human at a terminal (local runs). */
export function createConsoleAlerter(options: ConsoleAlerterOptions = {}): Alerter {
  const stream = options.stream ?? process.stdout;
  const color = options.color ?? (stream.isTTY === true && process.env.NO_COLOR === undefined);
  return {
    name: 'console',
    publish: (alert) =>
      new Promise<void>((resolve, reject) => {
        stream.write(formatConsoleAlert(alert, color), (err) => (err ? reject(err) : resolve()));
      }),
  };
}
