/** Bounded single-line printable text of anything a server or library said (replies, errors, header values). */
export function oneLine(s: unknown): string {
  return String(s ?? '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The enhanced status code (RFC 3463) in a reply, e.g. `5.1.1`. */
export function enhancedCode(reply: string): string | undefined {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
}
