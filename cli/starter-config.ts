import { domainToASCII } from 'node:url';

/** What `mailprobe init` asks for; everything but the domain has a default. */
export interface StarterAnswers {
  domain: string;
  /** Deployment name; default derived from the domain. */
  name?: string;
  /** Submission host to probe; default `smtp.<domain>`. */
  smtpHost?: string;
  sendingIps: string[];
  dkimSelectors: string[];
  /** Subscribed to the SNS alert topic when deployed. */
  alertEmail?: string;
}

/** A field the operator still has to fill in: its path in the file and what belongs there. */
interface FillIn {
  path: string;
  what: string;
}

export interface StarterConfig {
  /** The file's text (YAML with comments, or JSON). */
  text: string;
  /** What the starter leaves for the operator, in file order (marked `FILL IN` in YAML). */
  fillIn: FillIn[];
}

/** Which flag each generated field came from, so a bad value is reported against what the operator typed. */
export const FIELD_FLAGS: readonly { path: RegExp; flag: string }[] = [
  { path: /^name$/, flag: '--name' },
  { path: /^targets\.domains\[0\]\.name$/, flag: '--domain' },
  { path: /^targets\.domains\[0\]\.sendingIps/, flag: '--sending-ip' },
  { path: /^targets\.domains\[0\]\.dkimSelectors/, flag: '--dkim-selector' },
  { path: /^targets\.sendingIps/, flag: '--sending-ip' },
  { path: /^targets\.smtp\[0\]\.host$/, flag: '--smtp-host' },
  { path: /^alerts\.sns\.emails/, flag: '--alert-email' },
];

/**
 * A deployment name from a domain (`mail.example.com` -> `mail-example-com`): the config's `name` pattern
 * (lowercase letters, digits, single inner dashes, at most 30 characters, a letter first).
 */
function nameFromDomain(domain: string): string {
  const ascii = domainToASCII(domain.trim()) || domain.trim().toLowerCase();
  let name = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `mp-${name}`;
  return name.slice(0, 30).replace(/-+$/, '') || 'mailprobe';
}

/**
 * The starter config for one domain: the DNS checks of the domain, the submission endpoint, the blocklists for
 * the sending addresses, alerts on the console (and SNS when an address is given). Nothing in it needs a secret,
 * so `mailprobe validate` and `mailprobe run` work on it at once; what only the operator knows is listed.
 */
export function starterConfig(answers: StarterAnswers, format: 'yaml' | 'json'): StarterConfig {
  const domain = answers.domain.trim();
  const smtpHost = answers.smtpHost?.trim() || `smtp.${domain}`;
  const name = answers.name?.trim() || nameFromDomain(domain);
  const fillIn: FillIn[] = [];
  if (answers.dkimSelectors.length === 0)
    fillIn.push({
      path: 'targets.domains[0].dkimSelectors',
      what: 'the DKIM selectors your mail is signed with (s= of a DKIM-Signature header)',
    });
  if (answers.sendingIps.length === 0)
    fillIn.push({
      path: 'targets.sendingIps',
      what: 'the public IPs your mail leaves from (SPF and PTR checks, blocklists); until then dnsbl checks the domain only',
    });
  if (!answers.smtpHost)
    fillIn.push({ path: 'targets.smtp[0].host', what: `your submission server, if not ${smtpHost}` });
  fillIn.push({
    path: 'targets.smtp[0].auth',
    what: 'optional: a monitoring account, its password as a secret reference, to test AUTH',
  });
  if (!answers.alertEmail)
    fillIn.push({ path: 'alerts.sns.emails', what: 'who gets alerts from the deployed stack (e-mail)' });

  const config = {
    name,
    targets: {
      domains: [{ name: domain, dkimSelectors: answers.dkimSelectors, sendingIps: answers.sendingIps }],
      smtp: [{ name: 'submission', host: smtpHost, port: 587, mode: 'starttls' }],
      sendingIps: answers.sendingIps,
    },
    probes: [
      { name: 'dns-hourly', kind: 'dns', schedule: 'rate(1 hour)' },
      { name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)' },
      { name: 'dnsbl-15m', kind: 'dnsbl', schedule: 'rate(15 minutes)' },
    ],
    alerts: { console: true, sns: { emails: answers.alertEmail ? [answers.alertEmail.trim()] : [] } },
  };
  if (format === 'json') return { text: `${JSON.stringify(config, null, 2)}\n`, fillIn };

  // Hand-written YAML so the comments can say what each field is for. Every operator-given value goes through
  // JSON.stringify: a JSON string is a valid YAML double-quoted scalar, so no value can break the document.
  const q = (s: string) => JSON.stringify(s);
  const shown = domain.replace(/[\p{Cc}"\\]/gu, ''); // in comments
  const list = (items: string[]) => `[${items.map(q).join(', ')}]`;
  const mark = (path: string) => (fillIn.some((f) => f.path === path) ? '  # FILL IN' : '');
  const text = `# mailprobe starter config for ${shown}, written by \`mailprobe init\`.
# Check it: mailprobe validate    Run every probe once: mailprobe run    Deploy: npx cdk deploy -c config=<this file>
# Every field, with its default: docs/config-reference.md (or \`mailprobe schema --reference\`).
# Lines marked FILL IN hold what only you know; the file is valid and runs as it is.

# Names the deployed stack, its metrics and dashboard: give staging and production different names.
name: ${q(name)}

targets:
  domains:
    - name: ${q(domain)}
      # DKIM selectors your senders sign with (s= in a DKIM-Signature header), e.g. ["s1", "google"]
      dkimSelectors: ${list(answers.dkimSelectors)}${mark('targets.domains[0].dkimSelectors')}
      # Addresses that send for this domain: SPF must authorise them and their PTR must match
      sendingIps: ${list(answers.sendingIps)}
  smtp:
    - name: submission
      host: ${q(smtpHost)}${mark('targets.smtp[0].host')}
      port: 587
      mode: starttls
      # To test AUTH too: a monitoring account, its password by reference (never the password itself).
      # Locally { secret: "mailprobe/smtp-submission" } is read from MAILPROBE_SECRET_MAILPROBE_SMTP_SUBMISSION.
      # auth: { user: "monitor@${shown}", password: { secret: "mailprobe/smtp-submission" } }  # FILL IN
  # Addresses (or CIDR ranges) checked against the DNS blocklists
  sendingIps: ${list(answers.sendingIps)}${mark('targets.sendingIps')}

probes:
  - { name: dns-hourly, kind: dns, schedule: rate(1 hour) }
  - { name: smtp-5m, kind: smtp, schedule: rate(5 minutes) }
  - { name: dnsbl-15m, kind: dnsbl, schedule: rate(15 minutes) }
  # Canaries (a real message to seed mailboxes: arrival, latency, folder): see docs/config.md.

alerts:
  console: true
  # Subscribed to the deployed stack's alert topic (each address confirms the subscription by e-mail)
  sns: { emails: ${list(config.alerts.sns.emails)} }${mark('alerts.sns.emails')}
`;
  return { text, fillIn };
}
