import type { ConfigWarning } from '../../config/errors';
import { mixedScriptProblem } from '../../config/host';
import type { KindGroupEntry } from '../manifest';
import type { SmtpEndpoint, SmtpGroup } from './config';

/**
 * Settings that validate but will not work as the operator probably expects: port 25 from Lambda (outside the
 * static egress), a TLS mode
 * that does not match the well-known port, a password sent in plaintext, a greylist retry longer than the run.
 * Pure: shown by `mailprobe validate` and at synth time.
 */
export function smtpConfigWarnings(input: {
  targets: { smtp: SmtpEndpoint[] };
  groups: KindGroupEntry<SmtpGroup>[];
}): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const enabled = input.groups.filter((g) => g.group.enabled);
  const probing = (name: string) => enabled.filter(({ group: g }) => !g.targets || g.targets.includes(name));
  const probed = (name: string) => probing(name).length > 0;

  input.targets.smtp.forEach((e, i) => {
    if (!probed(e.name)) return;
    const at = (field: string) => `targets.smtp[${i}].${field}`;
    const spoof = mixedScriptProblem(e.host);
    if (spoof) warnings.push({ path: at('host'), message: spoof });
    // Groups behind the static egress can reach port 25 (once AWS lifts the account's restriction); others not.
    const direct = probing(e.name).filter((g) => !g.staticEgress);
    if (e.port === 25 && direct.length > 0) {
      const names = direct.map((g) => `"${g.group.name}"`).join(', ');
      warnings.push({
        path: at('port'),
        message:
          `AWS Lambda cannot open outbound connections to port 25, and group${direct.length > 1 ? 's' : ''} ${names} ` +
          `${direct.length > 1 ? 'run' : 'runs'} outside the static egress: deployed, this probe times out and reports unknown. Add ` +
          `${direct.length > 1 ? 'them' : 'it'} to deploy.staticEgress.groups (a VPC with a NAT gateway and a fixed ` +
          'address; AWS must also lift the port-25 restriction), or probe the submission port (587/465).',
      });
    }
    if (e.port === 465 && e.mode !== 'implicit-tls') {
      warnings.push({
        path: at('mode'),
        message: `port 465 is SMTPS (implicit TLS) by convention, but mode is ${e.mode}: use mode implicit-tls`,
      });
    }
    if ((e.port === 587 || e.port === 25) && e.mode === 'implicit-tls') {
      warnings.push({
        path: at('mode'),
        message: `port ${e.port} speaks STARTTLS by convention, but mode is implicit-tls: use mode starttls`,
      });
    }
    if (e.mode === 'plain' && e.auth) {
      warnings.push({
        path: at('auth'),
        message: 'mode plain sends the password unencrypted: use starttls or implicit-tls',
      });
    }
    if (e.mode === 'starttls' && !e.requireTls && e.auth) {
      warnings.push({
        path: at('requireTls'),
        message:
          'requireTls is false: if STARTTLS disappears the password is not sent and AUTH is not tested',
      });
    }
  });

  input.groups.forEach(({ group: g, path }) => {
    if (!g.enabled) return;
    if (g.options.replyTimeoutSeconds > g.timeoutSeconds) {
      warnings.push({
        path: `${path}.options.replyTimeoutSeconds`,
        message: `a reply may take ${g.options.replyTimeoutSeconds}s but the whole run has timeoutSeconds ${g.timeoutSeconds}: a slow server is reported as a probe timeout (unknown), not as the slow step; lower replyTimeoutSeconds or raise timeoutSeconds`,
      });
    }
    if (g.options.greylistRetrySeconds > 0 && g.options.greylistRetrySeconds + 30 > g.timeoutSeconds) {
      warnings.push({
        path: `${path}.options.greylistRetrySeconds`,
        message: `the retry after ${g.options.greylistRetrySeconds}s does not fit in timeoutSeconds ${g.timeoutSeconds}: raise timeoutSeconds`,
      });
    }
  });
  return warnings;
}
