import { generateKeyPairSync } from 'node:crypto';

/** A DKIM `p=` value: base64 SubjectPublicKeyInfo for RSA, the raw 32-byte key for Ed25519 (RFC 8463). */
export function dkimPublicKey(kind: 'rsa' | 'ed25519', bits = 2048): string {
  if (kind === 'ed25519') {
    const { publicKey } = generateKeyPairSync('ed25519');
    return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  }
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}
