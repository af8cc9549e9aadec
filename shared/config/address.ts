import { domainToASCII } from 'node:url';
import { z } from 'zod';

const LABELS = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
/** A local part as mail systems accept it (RFC 5321 dot-atom, plus UTF-8 for SMTPUTF8), without space or control. */
const LOCAL = /^[^\s@"(),:;<>[\\\]\p{Cc}]{1,64}$/u;

/** `bücher.example` -> `xn--bcher-kva.example`; undefined when it is no valid domain either way. */
function toAsciiDomain(domain: string): string | undefined {
  const ascii = /^[\x21-\x7e]*$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain);
  return ascii !== '' && LABELS.test(ascii) ? ascii : undefined;
}

/**
 * A domain name as written by the operator: international names are accepted and kept in their ASCII (punycode)
 * form, which is what DNS, SMTP and TLS certificates use.
 */
export const domainName = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const ascii = toAsciiDomain(s);
    if (ascii) return ascii;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a domain name such as example.com (international names such as bücher.example are accepted)',
    });
    return z.NEVER;
  });

/**
 * An email address; an international domain part is converted to punycode (`info@bücher.example` ->
 * `info@xn--bcher-kva.example`), and punycode TLDs (`.xn--p1ai`) are accepted as they are.
 */
export const emailAddress = z
  .string()
  .trim()
  .max(254)
  .transform((s, ctx) => {
    const at = s.lastIndexOf('@');
    const local = s.slice(0, at);
    const domain = at > 0 ? toAsciiDomain(s.slice(at + 1)) : undefined;
    if (domain?.includes('.') && !domain.endsWith('.') && LOCAL.test(local) && !/^\.|\.$|\.\./.test(local))
      return `${local}@${domain}`;
    ctx.addIssue({
      code: 'custom',
      message: 'must be an email address such as user@example.com (international domains are accepted)',
    });
    return z.NEVER;
  })
  .meta({ format: 'email' });
