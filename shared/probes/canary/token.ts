import { randomBytes } from 'node:crypto';

/** The header every canary carries: `<token>; sent=<ISO time>`. */
export const CANARY_HEADER = 'X-Mailprobe-Canary';

const TOKEN_PREFIX = 'mpc-';
/** `mpc-` and 26 characters of lowercase base32: 130 random bits, safe in a subject, a header and a key. */
const TOKEN_PATTERN = /mpc-[a-z2-7]{26}/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newToken(): string {
  const bytes = randomBytes(26);
  let out = TOKEN_PREFIX;
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

export function isToken(value: string): boolean {
  return new RegExp(`^${TOKEN_PATTERN.source}$`).test(value);
}

/** The first canary token in a subject or header value, if any (the text is untrusted: only the pattern is read). */
export function findToken(text: string | undefined): string | undefined {
  return text ? TOKEN_PATTERN.exec(text.slice(0, 2000))?.[0] : undefined;
}

/** Every canary subject starts with this (then the token); also what stale canaries are swept by. */
export const CANARY_SUBJECT_PREFIX = 'mailprobe canary mpc-';

export function canarySubject(token: string): string {
  return `mailprobe canary ${token}`;
}

export function canaryHeaderValue(token: string, sentAt: Date): string {
  return `${token}; sent=${sentAt.toISOString()}`;
}

export function canaryText(token: string, sentAt: Date): string {
  return (
    `This is a mailprobe canary message, sent at ${sentAt.toISOString()} to check that mail is delivered.\n` +
    `Token: ${token}\nIt is removed automatically by the probe; no action is needed.\n`
  );
}
