import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';

/** A CA bundle is a few certificates; anything larger is not one. */
const MAX_CA_BYTES = 1024 * 1024;
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

interface CaSettings {
  caFile?: string | undefined;
  caPem?: string | undefined;
}

/**
 * `tls.caFile` is read when the config is loaded (relative to the working directory) and replaced by its PEM in
 * `caPem`: `validate` reports an unreadable file with its path, and `cdk synth` bundles the certificates, never a
 * laptop path a Lambda cannot read; an inline `caPem` must hold a PEM certificate too. Used as the `.transform` of
 * every TLS settings object.
 */
export function readCaFile<T extends CaSettings>(tls: T, ctx: z.RefinementCtx): Omit<T, 'caFile'> {
  const { caFile, ...rest } = tls;
  if (caFile === undefined) {
    // An inline bundle is held to the same test as a file's contents: a typo must not wait for the first run.
    if (tls.caPem !== undefined && !tls.caPem.includes(PEM_CERTIFICATE))
      ctx.addIssue({
        code: 'custom',
        path: ['caPem'],
        message: `holds no PEM certificate (${PEM_CERTIFICATE})`,
      });
    return rest;
  }
  if (tls.caPem !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['caPem'], message: 'give caFile or caPem, not both' });
    return rest;
  }
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', path: ['caFile'], message });
    return rest;
  };
  let pem: string;
  try {
    const bytes = readFileSync(resolve(caFile));
    if (bytes.length > MAX_CA_BYTES)
      return fail(`${caFile} is larger than ${MAX_CA_BYTES} bytes: not a CA bundle`);
    pem = bytes.toString('utf8');
  } catch (err) {
    return fail(`cannot read ${caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!pem.includes(PEM_CERTIFICATE)) return fail(`${caFile} holds no PEM certificate (${PEM_CERTIFICATE})`);
  return { ...rest, caPem: pem };
}
