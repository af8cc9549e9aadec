import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';

/** A DNS host name in ASCII: labels of 1-63 letters, digits and inner hyphens, 253 characters in all. */
const ASCII_HOST =
  /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/;

/**
 * A host as written in the config -> the form the probes connect to and check certificates against: an IP
 * literal as it is (IPv6 without brackets), a name lowercased with its internationalised labels in punycode
 * (UTS #46, as browsers and mail clients do). A string is the reason it is neither.
 */
function normalizeHost(input: string): string | { problem: string } {
  const text = input.trim();
  const bracketed = /^\[(.*)\]$/.exec(text)?.[1];
  if (bracketed !== undefined)
    return isIP(bracketed) === 6 ? bracketed : { problem: 'must be an IPv6 address inside [ ]' };
  if (isIP(text)) return text;
  if (/^[\d.]+$/.test(text))
    return { problem: 'must be a valid IPv4 address (each part 0-255) or a host name' };
  if (/[:/@\s]/.test(text))
    return {
      problem:
        'must be a host name or IP address alone: no scheme, port, user or spaces (port has its own field)',
    };
  const ascii = domainToASCII(text);
  if (!ascii || !ASCII_HOST.test(ascii))
    return {
      problem: 'must be a host name (labels of letters, digits and hyphens, no empty label) or an IP address',
    };
  return ascii;
}

/** The config field: validated and normalised to ASCII, so the deployed functions get the punycode form. */
export const hostField = z.string().transform((input, ctx) => {
  const host = normalizeHost(input);
  if (typeof host === 'string') return host;
  ctx.addIssue({ code: 'custom', message: host.problem });
  return z.NEVER;
});

const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]/u;

/**
 * Why a (normalised) host looks like a spoof, or undefined: a label mixing Latin letters with Cyrillic, Greek or
 * Armenian ones, the classic homoglyph (`exаmple` with a Cyrillic а).
 */
export function mixedScriptProblem(host: string): string | undefined {
  const unicode = domainToUnicode(host);
  const label = unicode.split('.').find((l) => LATIN.test(l) && LOOKALIKE.test(l));
  return label
    ? `"${label}" mixes Latin with Cyrillic, Greek or Armenian letters (${host}): a look-alike of another name?`
    : undefined;
}
