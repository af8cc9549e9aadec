import type { Check } from '../../model/result';
import type { Ehlo } from './ehlo';
import { bounded } from './wire';

/**
 * The addresses that may only be sent with SMTPUTF8 (RFC 6531 3.2): those with a UTF-8 local part. An international
 * domain needs no extension: the config keeps it as its A-label (punycode), which every server accepts.
 */
export function utf8Addresses(addresses: string[]): string[] {
  return addresses.filter((a) => /\P{ASCII}/u.test(a));
}

/**
 * The one finding for internationalised addresses and a server without SMTPUTF8: a client must not send them at all
 * (RFC 6531 3.4), so the envelope is not tried.
 */
export function smtputf8Missing(addresses: string[], ehlo: Ehlo): Check {
  const shown = addresses.slice(0, 5).map((a) => bounded(a, 100));
  return {
    id: 'smtputf8',
    status: 'fail',
    cause: 'smtp.smtputf8.not-offered',
    message:
      `${shown.join(', ')} ${shown.length > 1 ? 'have' : 'has'} a UTF-8 local part, and the server does not ` +
      'advertise SMTPUTF8 (RFC 6531): mail to or from such addresses cannot be delivered here, so the envelope was ' +
      'not sent',
    details: { addresses: shown, extensions: ehlo.keywords },
  };
}
