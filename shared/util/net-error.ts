/**
 * Network and TLS library errors reduced to what they mean. Node's messages (`connect ECONNREFUSED 10.0.0.1:25`)
 * and OpenSSL's (`80CC1A7B:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/
 * ssl3_record.c:354:`) are for a library's developers; a result leads with the meaning and keeps the raw text in
 * its details.
 */

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port, or a firewall rejects it)',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'the server closed the connection while we were sending',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  EADDRNOTAVAIL: 'address not available from this network',
  ENOTFOUND: 'host name does not resolve',
  EAI_AGAIN: 'host name lookup failed temporarily',
};

/** OpenSSL reason strings (the fifth field of its error string, or an alert name) and what they mean. */
const TLS_REASONS: Array<[RegExp, string]> = [
  [
    /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i,
    'the server does not answer in TLS',
  ],
  [
    /unsupported protocol|alert protocol version|no protocols available|version too low/i,
    'no TLS version in common (the server offers only versions the client refuses, or the reverse)',
  ],
  [
    /no shared cipher|alert handshake failure|no cipher match|no suitable signature algorithm/i,
    'no cipher suite or key exchange in common',
  ],
  [
    /dh key too small|ee key too small|ca md too weak/i,
    'the server uses a key or signature too weak to accept',
  ],
  [
    /unexpected eof|closed during the TLS handshake/i,
    'the server closed the connection during the TLS handshake',
  ],
  [/alert certificate required/i, 'the server demands a client certificate'],
  [/alert internal error/i, 'the server reported an internal TLS error'],
  [/certificate verify failed/i, 'the certificate could not be verified'],
];

/** The reason field of an OpenSSL error string, when `text` is one. */
function opensslReason(text: string): string | undefined {
  const m = /error:[0-9A-Fa-f]{8}:[^:]*:[^:]*:([^:]+)/.exec(text);
  return m?.[1]?.trim();
}

export interface ErrorMeaning {
  /** What happened, in words, for the message. */
  meaning: string;
  /** The library's own text, for details. */
  raw: string;
}

/** The meaning of a Node network error or an OpenSSL error string; unknown texts are kept as they are. */
export function errorMeaning(message: string, code?: string): ErrorMeaning {
  const raw = message;
  const reason = opensslReason(message);
  const subject = reason ?? message;
  for (const [pattern, meaning] of TLS_REASONS) {
    if (pattern.test(subject)) return { meaning: reason ? `${meaning} (${reason})` : meaning, raw };
  }
  if (reason) return { meaning: reason, raw };
  // Only a message that is a syscall report (`connect ECONNREFUSED 10.0.0.1:25`) is replaced: our own texts
  // ("no answer within 10 s") already say more than the code.
  const codeInText = /\b(E[A-Z]{4,}|EAI_[A-Z]+)\b/.exec(message)?.[1];
  const known = codeInText ? (BY_CODE[codeInText] ?? (code ? BY_CODE[code] : undefined)) : undefined;
  return { meaning: known ?? message, raw };
}
