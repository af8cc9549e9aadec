/** Lab helpers of the canary tests: the canary config against the lab, and holding Postfix's queue. */
import { execFileSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canaryConfig } from '../integ/canary-harness';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labRunDir, labUsers } from './ports';

export const CANARY_DOMAIN = 'canary.lab.test';
/** Test-only DKIM key whose public half is s1._domainkey.canary.lab.test in zones/canary.lab.test.zone. */
export const labDkimKey = readFileSync(join(__dirname, 'canary-dkim.key'), 'utf8');

export const labSecrets = { LAB_IMAP_PASS: labUsers.probe.password, LAB_DKIM_KEY: labDkimKey };

/** A canary from canary.lab.test through lab Postfix (MX port, STARTTLS) to `to`, looked for over IMAPS. */
export function labCanary(
  options: Record<string, unknown> = {},
  to: string = labUsers.probe.address,
  imap: Record<string, unknown> = {},
) {
  const tls = { caFile: labPaths.caCert, servername: LAB_MAIL_HOSTNAME };
  return canaryConfig(
    {
      name: 'lab-seed',
      address: to,
      arrival: {
        via: 'imap',
        host: LAB_HOST,
        port: labPorts.imaps,
        user: labUsers.probe.address,
        password: { env: 'LAB_IMAP_PASS' },
        tls,
        spamFolders: ['Junk'],
        ...imap,
      },
    },
    {
      timeoutSeconds: 40,
      options: {
        from: `canary@${CANARY_DOMAIN}`,
        send: {
          via: 'smtp',
          host: LAB_HOST,
          port: labPorts.smtp,
          mode: 'starttls',
          ehloName: `out.${CANARY_DOMAIN}`,
          tls,
          dkim: { domain: CANARY_DOMAIN, selector: 's1', privateKey: { env: 'LAB_DKIM_KEY' } },
        },
        waitSeconds: 15,
        ...options,
      },
    },
    [`${LAB_HOST}:${labPorts.dns}`],
  );
}

const postfixEtc = join(labRunDir, 'postfix', 'etc');

function postfix(cmd: string, args: string[]): string {
  return execFileSync(cmd, ['-c', postfixEtc, ...args], {
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Backdates main.cf and maps: Postfix waits seconds after a reload when they were modified just now. */
function backdate(...files: string[]): void {
  const past = new Date(Date.now() - 60_000);
  for (const f of files) utimesSync(f, past, past);
}

/**
 * Makes the lab Postfix put every canary (by subject) on hold, as an operator's `postsuper -h` or a
 * header_checks HOLD would; other lab mail keeps flowing. Returns the function that releases them.
 */
export function holdCanaries(): () => void {
  const map = join(postfixEtc, 'canary-hold.regexp');
  writeFileSync(map, '/^Subject: mailprobe canary / HOLD held by the canary lab test\n');
  postfix('postconf', ['-e', `header_checks = regexp:${map}`]);
  backdate(map, join(postfixEtc, 'main.cf'));
  postfix('postfix', ['reload']);
  return () => {
    postfix('postconf', ['-X', 'header_checks']);
    backdate(join(postfixEtc, 'main.cf'));
    postfix('postfix', ['reload']);
    postfix('postsuper', ['-d', 'ALL', 'hold']);
  };
}

/** Queue IDs Postfix holds right now. */
export function heldQueue(): string {
  return postfix('postqueue', ['-p']);
}
