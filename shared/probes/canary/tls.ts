import { readFile } from 'node:fs/promises';
import type { TlsSettings } from './config';

/** The PEM of a private CA, from the file or inline; undefined for the system trust store. */
export async function caOf(tls: TlsSettings | undefined): Promise<string | undefined> {
  if (tls?.caPem) return tls.caPem;
  if (tls?.caFile) return readFile(tls.caFile, 'utf8');
  return undefined;
}
