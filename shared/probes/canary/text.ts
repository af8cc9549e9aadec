/** Bounded single-line printable text of anything a server or library said (replies, errors, header values). */
export function oneLine(s: unknown): string {
  return String(s ?? '')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 300);
}
