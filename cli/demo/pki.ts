import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  /** The CA certificate (PEM) a client must trust. */
  ca: string;
  key: string;
  cert: string;
}

/**
 * A throwaway CA and a server certificate for `hosts`, made with the `openssl` command (Node has no API to issue
 * certificates). For tests and the demo only: the keys live in a temporary directory removed before returning.
 */
export async function makeTestPki(hosts: string[]): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-pki-'));
  const path = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        path('ca.key'),
        '-out',
        path('ca.pem'),
        '-days',
        '3650',
        '-subj',
        '/CN=mailprobe test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { timeout: 10_000 },
    );
    await run(
      'openssl',
      ['req', ...ec, '-keyout', path('leaf.key'), '-out', path('leaf.csr'), '-subj', `/CN=${hosts[0]}`],
      {
        timeout: 10_000,
      },
    );
    await writeFile(
      path('ext.cnf'),
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
    );
    await run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        path('leaf.csr'),
        '-CA',
        path('ca.pem'),
        '-CAkey',
        path('ca.key'),
        '-CAcreateserial',
        '-out',
        path('leaf.pem'),
        '-days',
        '825',
        '-extfile',
        path('ext.cnf'),
      ],
      { timeout: 10_000 },
    );
    const [ca, key, cert] = await Promise.all(
      ['ca.pem', 'leaf.key', 'leaf.pem'].map((f) => readFile(path(f), 'utf8')),
    );
    return { ca: ca as string, key: key as string, cert: cert as string };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
