/** Bounds for a stored transcript: enough to diagnose, never enough to bloat a DynamoDB item (400 KB). */
const TRANSCRIPT_MAX_LINES = 200;
const TRANSCRIPT_MAX_LINE = 500;
const TRANSCRIPT_MAX_BYTES = 16_384;

/**
 * Records protocol lines for the stored result. Every secret registered with `redact()` is masked in every
 * line, including lines recorded before the secret was registered.
 */
export class Transcript {
  private lines: string[] = [];
  private bytes = 0;
  private dropped = 0;
  private secrets = new Set<string>();

  redact(secret: string): void {
    if (secret.length > 0) this.secrets.add(secret);
  }

  add(line: string): void {
    if (this.lines.length >= TRANSCRIPT_MAX_LINES || this.bytes >= TRANSCRIPT_MAX_BYTES) {
      this.dropped++;
      return;
    }
    let text =
      line.length > TRANSCRIPT_MAX_LINE
        ? `${line.slice(0, TRANSCRIPT_MAX_LINE)}…[+${line.length - TRANSCRIPT_MAX_LINE} chars]`
        : line;
    text = text.slice(0, TRANSCRIPT_MAX_BYTES - this.bytes);
    this.lines.push(text);
    this.bytes += Buffer.byteLength(text);
  }

  /** The redacted lines, with a final marker when lines were dropped. */
  toLines(): string[] {
    const masked = this.lines.map((l) => this.mask(l));
    return this.dropped > 0 ? [...masked, `[${this.dropped} more lines not kept]`] : masked;
  }

  /** Masks registered secrets (and their base64 forms, as in AUTH PLAIN/LOGIN) in any text. */
  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      for (const form of [s, Buffer.from(s).toString('base64')]) out = out.split(form).join('***');
    }
    return out;
  }
}
