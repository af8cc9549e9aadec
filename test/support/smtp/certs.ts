import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Test certificates minted with the openssl CLI (node has no X.509 builder). `openssl ca` is used for leaves
 * because OpenSSL 3.0's `x509 -req` cannot set arbitrary start/end dates (expired and not-yet-valid certs).
 */
const run = promisify(execFile);

export interface KeyPair {
  key: string;
  cert: string;
}

interface LeafOptions {
  /** DNS names (and IPs) in subjectAltName; the first is also the CN. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCa extends KeyPair {
  /** A leaf signed by this CA. */
  issue(options: LeafOptions): Promise<KeyPair>;
  /** Removes the CA's working directory. */
  dispose(): Promise<void>;
}

const DAY = 86_400_000;

/** `YYYYMMDDHHMMSSZ`, the date form `openssl ca -startdate/-enddate` takes. */
function asn1Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function san(names: string[]): string {
  return names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createTestCa(commonName = 'mailprobe test CA'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-ca-'));
  const p = (f: string) => join(dir, f);
  await run('openssl', [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-subj',
    `/CN=${commonName}`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await writeFile(p('index.txt'), '');
  await writeFile(p('serial'), '1000\n');
  await writeFile(
    p('ca.cnf'),
    [
      '[ca]',
      'default_ca = dflt',
      '[dflt]',
      `database = ${p('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${p('serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      'email_in_dn = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const ca = { key: await readFile(p('ca.key'), 'utf8'), cert: await readFile(p('ca.crt'), 'utf8') };
  let n = 0;
  return {
    ...ca,
    async issue({
      names,
      notBefore = new Date(Date.now() - DAY),
      notAfter = new Date(Date.now() + 365 * DAY),
    }) {
      const id = `leaf${++n}`;
      await run('openssl', [
        'req',
        '-new',
        ...EC,
        '-keyout',
        p(`${id}.key`),
        '-out',
        p(`${id}.csr`),
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        `subjectAltName=${san(names)}`,
      ]);
      await run('openssl', [
        'ca',
        '-batch',
        '-notext',
        '-config',
        p('ca.cnf'),
        '-cert',
        p('ca.crt'),
        '-keyfile',
        p('ca.key'),
        '-in',
        p(`${id}.csr`),
        '-out',
        p(`${id}.crt`),
        '-startdate',
        asn1Time(notBefore),
        '-enddate',
        asn1Time(notAfter),
      ]);
      return { key: await readFile(p(`${id}.key`), 'utf8'), cert: await readFile(p(`${id}.crt`), 'utf8') };
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A self-signed leaf (no CA anyone trusts), valid now. */
export async function selfSigned(name: string): Promise<KeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-self-'));
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      join(dir, 'k'),
      '-out',
      join(dir, 'c'),
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
      '-addext',
      `subjectAltName=${san([name])}`,
    ]);
    return { key: await readFile(join(dir, 'k'), 'utf8'), cert: await readFile(join(dir, 'c'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
