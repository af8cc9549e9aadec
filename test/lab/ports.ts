/**
 * Where the lab tier's daemons listen and how to reach them: the constants lab tests import.
 * up.sh starts the daemons with these ports (global-setup passes them through `labEnv()`); the
 * credentials are test-only and exist nowhere but this lab.
 */
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';

export const LAB_HOST = '127.0.0.1';
export const LAB_DOMAIN = 'lab.test';
/** The name in the server certificate (also localhost and 127.0.0.1) and in the SMTP banner. */
export const LAB_MAIL_HOSTNAME = 'mail.lab.test';

export const labPorts = {
  /** Postfix MX-style: mail for lab.test, opportunistic STARTTLS, no AUTH, relaying denied. */
  smtp: 2525,
  /** Postfix submission: STARTTLS required, SASL AUTH (PLAIN, LOGIN) via Dovecot. */
  submission: 2587,
  /** Postfix implicit TLS (smtps), SASL AUTH via Dovecot. */
  smtps: 2465,
  /** Postfix MX-style with message_size_limit 1000, advertised as SIZE 1000. */
  sized: 2526,
  /** Postfix MX-style with message_size_limit 1000 and SIZE not advertised: the limit shows only after DATA. */
  hiddenLimit: 2527,
  /**
   * Postfix MX-style with an RSA certificate, TLS 1.0/1.1 still accepted, AES128-SHA (no forward secrecy) allowed,
   * and AUTH offered before STARTTLS.
   */
  weakTls: 2528,
  /** Postfix MX-style that speaks TLS 1.0 and 1.1 only. */
  legacyTls: 2529,
  /**
   * Postfix MX-style whose certificate is issued by an intermediate of the test CA, served without it (leaf only):
   * the incomplete chain browsers repair through AIA and MTAs do not.
   */
  leafOnly: 2530,
  /** The same certificate served with its intermediate (smtpd_tls_chain_files = key, leaf, intermediate). */
  fullChain: 2531,
  /**
   * Postfix MX-style that ends sessions with 421: one connection per client at a time (a second gets
   * "421 4.7.0 ... too many connections"), and 421 4.3.2 at RCPT TO for shutdown@lab.test.
   */
  busy: 2532,
  /** Postfix MX-style with smtputf8_enable = no: SMTPUTF8 not advertised. */
  noSmtputf8: 2533,
  /** Dovecot IMAP with STARTTLS (no plaintext login). */
  imap: 2143,
  /** Dovecot IMAPS (implicit TLS). */
  imaps: 2993,
  /** NSD, authoritative for every test/lab/zones/<zone>.zone (UDP and TCP). */
  dns: 5300,
  /** rbldnsd, serving every test/lab/rbl/<zone>.<dataset type> (UDP only). */
  rbl: 5353,
  /**
   * Where Dovecot's oauth2 passdb introspects bearer tokens (HTTP POST /introspect): served by the OAuth2 lab
   * test itself while it runs, so Dovecot accepts exactly the access tokens that test's token endpoint issued.
   */
  oauthIntrospection: 2980,
  /**
   * unbound, validating DNSSEC in front of NSD: dane.test is signed and anchored (secure), bogus.test is signed with
   * expired signatures (SERVFAIL, extended error 7), every other lab zone is insecure.
   */
  validator: 5354,
} as const;

export type LabUser = { readonly address: string; readonly password: string };
/** Mailboxes of lab.test (test/lab/dovecot/users); mail for any other lab.test address gets 550 5.1.1. */
export const labUsers = {
  probe: { address: 'probe@lab.test', password: 'probe-lab-password' },
  bob: { address: 'bob@lab.test', password: 'bob-lab-password' },
} as const satisfies Record<string, LabUser>;

/** The lab's files: a run directory per network namespace, so labs in separate `unshare -n` never meet. */
const netNamespace = readlinkSync('/proc/self/ns/net').replace(/\D/g, '');
const labDir = __dirname;
export const labRunDir = join(labDir, '.run', `net-${netNamespace}`);
export const labPaths = {
  /** PEM of the test CA that signed the server certificate of Postfix and Dovecot. */
  caCert: join(labRunDir, 'tls', 'ca.crt'),
  serverCert: join(labRunDir, 'tls', 'server.crt'),
  /** The intermediate that issued the certificate of the leaf-only and full-chain ports. */
  intermediateCert: join(labRunDir, 'tls', 'intermediate.crt'),
  /** Root of the maildirs: <mailRoot>/<domain>/<local part>/Maildir. */
  mailRoot: join(labRunDir, 'mail'),
  maillog: join(labRunDir, 'postfix', 'maillog'),
  dovecotLog: join(labRunDir, 'dovecot', 'dovecot.log'),
  zonesDir: join(labDir, 'zones'),
  rblDir: join(labDir, 'rbl'),
} as const;

/** The maildir of a lab address, e.g. `maildirOf('bob@lab.test')`; a folder such as `Junk` is `.Junk` inside it. */
export function maildirOf(address: string): string {
  const at = address.lastIndexOf('@');
  return join(labPaths.mailRoot, address.slice(at + 1), address.slice(0, at), 'Maildir');
}

/** The environment that makes up.sh use these ports. */
export function labEnv(): Record<string, string> {
  return {
    LAB_SMTP_PORT: String(labPorts.smtp),
    LAB_SUBMISSION_PORT: String(labPorts.submission),
    LAB_SMTPS_PORT: String(labPorts.smtps),
    LAB_SIZED_PORT: String(labPorts.sized),
    LAB_HIDDEN_LIMIT_PORT: String(labPorts.hiddenLimit),
    LAB_IMAP_PORT: String(labPorts.imap),
    LAB_IMAPS_PORT: String(labPorts.imaps),
    LAB_DNS_PORT: String(labPorts.dns),
    LAB_RBL_PORT: String(labPorts.rbl),
    LAB_OAUTH_INTROSPECTION_PORT: String(labPorts.oauthIntrospection),
    LAB_VALIDATOR_PORT: String(labPorts.validator),
    LAB_WEAK_TLS_PORT: String(labPorts.weakTls),
    LAB_LEGACY_TLS_PORT: String(labPorts.legacyTls),
    LAB_LEAF_ONLY_PORT: String(labPorts.leafOnly),
    LAB_FULL_CHAIN_PORT: String(labPorts.fullChain),
    LAB_BUSY_PORT: String(labPorts.busy),
    LAB_NO_SMTPUTF8_PORT: String(labPorts.noSmtputf8),
  };
}
