import type { Hop, Verdicts } from './ledger';

/** Only this much of a message's header block is read: enough for any real chain of Received headers. */
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_HOPS = 30;
const MAX_VALUE = 300;

export interface Header {
  /** Lowercased name. */
  name: string;
  /** Unfolded value. */
  value: string;
}

/** The header fields of a raw message, top to bottom, unfolded; bounded to the first 64 KiB. */
export function parseHeaders(raw: Buffer | string): Header[] {
  const text = (typeof raw === 'string' ? raw : raw.subarray(0, MAX_HEADER_BYTES).toString('latin1')).slice(
    0,
    MAX_HEADER_BYTES,
  );
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers: Header[] = [];
  for (const line of block.split(/\r?\n/)) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export function headerValues(headers: Header[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value);
}

/** Removes RFC 5322 comments (nested parentheses), leaving quoted strings alone. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && i + 1 < value.length) {
      if (depth === 0) out += c + value[i + 1];
      i++;
    } else if (c === '"' && depth === 0) {
      quoted = !quoted;
      out += c;
    } else if (c === '(' && !quoted) depth++;
    else if (c === ')' && !quoted && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

export interface AuthResults {
  authservId: string;
  verdicts: Verdicts;
}

/**
 * Parses one Authentication-Results value (RFC 8601): `authserv-id; spf=pass smtp.mailfrom=...; dkim=fail ...`.
 * Keeps the first result per method; values are lowercased words only, so nothing of the header is echoed raw.
 */
export function parseAuthResults(value: string): AuthResults {
  const parts = stripComments(value.slice(0, 8192)).split(';');
  const authservId = (parts[0] ?? '').trim().split(/\s+/)[0]?.toLowerCase().slice(0, 100) ?? '';
  const verdicts: Verdicts = {};
  for (const part of parts.slice(1)) {
    const m = /^\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)/i.exec(part);
    if (!m) continue;
    const method = (m[1] as string).toLowerCase() as 'spf' | 'dkim' | 'dmarc';
    const result = (m[2] as string).toLowerCase();
    // With several DKIM signatures, one pass is enough for DMARC: keep a pass over a fail.
    if (verdicts[method] === undefined || (method === 'dkim' && result === 'pass')) verdicts[method] = result;
  }
  return { authservId, verdicts };
}

/**
 * The receiver's verdicts: the topmost Authentication-Results (added by the final receiver), or the topmost
 * with `authservId` when given (headers further down may come from the sender and prove nothing).
 */
export function receiverVerdicts(headers: Header[], authservId?: string): AuthResults | undefined {
  for (const value of headerValues(headers, 'authentication-results')) {
    const parsed = parseAuthResults(value);
    if (!authservId || parsed.authservId === authservId.toLowerCase()) return parsed;
  }
  return undefined;
}

function bounded(s: string | undefined): string | undefined {
  return s === undefined ? undefined : s.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_VALUE);
}

/** The Received chain, oldest hop first, with each hop's timestamp (the date after the last `;`). */
export function receivedHops(headers: Header[]): Hop[] {
  const hops = headerValues(headers, 'received')
    .slice(0, MAX_HOPS)
    .map((value): Hop => {
      const clean = stripComments(value);
      const semi = value.lastIndexOf(';');
      const at = semi === -1 ? Number.NaN : Date.parse(value.slice(semi + 1).trim());
      const hop: Hop = {};
      const by = bounded(/\bby\s+([^\s;]+)/i.exec(clean)?.[1]);
      const from = bounded(/\bfrom\s+([^\s;]+)/i.exec(clean)?.[1]);
      if (by) hop.by = by;
      if (from) hop.from = from;
      if (!Number.isNaN(at)) hop.at = new Date(at).toISOString();
      return hop;
    });
  return hops.reverse();
}

const PRIVATE = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^::1$/,
  /^f[cd]/i,
  /^fe80:/i,
];

/**
 * The address the receiving MX saw the message come from: the topmost Received header naming a public address
 * in brackets, else the topmost naming any address (a lab or private network). Used to re-run SPF.
 */
export function connectingAddress(headers: Header[]): { ip: string; helo?: string } | undefined {
  let fallback: { ip: string; helo?: string } | undefined;
  for (const value of headerValues(headers, 'received').slice(0, MAX_HOPS)) {
    const ip = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i.exec(value)?.[1];
    if (!ip) continue;
    const helo = bounded(/\bfrom\s+([^\s;()]+)/i.exec(value)?.[1]);
    const found = helo ? { ip, helo } : { ip };
    if (!PRIVATE.some((p) => p.test(ip))) return found;
    fallback ??= found;
  }
  return fallback;
}
