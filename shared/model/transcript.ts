import { type FormSet, formSet, maskForms, secretForms } from './secret-forms';

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
  private forms: FormSet = formSet([]);

  /** Registers a secret: every form of it (see secret-forms.ts) is masked from now on, in lines already kept too. */
  redact(secret: string): void {
    if (secret.length === 0) return;
    this.forms = formSet([...this.forms.forms, ...secretForms(secret)]);
  }

  /** Registers a login: the AUTH PLAIN blobs of user and password are masked whole, not only their core. */
  redactLogin(user: string, password: string): void {
    if (password.length === 0) return;
    const blobs = [`\0${user}\0${password}`, `${user}\0${user}\0${password}`];
    const blobForms = blobs.map((b) => Buffer.from(b).toString('base64'));
    this.forms = formSet([...this.forms.forms, ...secretForms(password), ...blobForms]);
  }

  add(line: string): void {
    if (this.lines.length >= TRANSCRIPT_MAX_LINES || this.bytes >= TRANSCRIPT_MAX_BYTES) {
      this.dropped++;
      return;
    }
    // Masked before it is cut: a secret straddling the cut must not leave its prefix behind.
    const masked = this.mask(line);
    let text =
      masked.length > TRANSCRIPT_MAX_LINE
        ? `${masked.slice(0, TRANSCRIPT_MAX_LINE)}…[+${masked.length - TRANSCRIPT_MAX_LINE} chars]`
        : masked;
    text = text.slice(0, TRANSCRIPT_MAX_BYTES - this.bytes);
    this.lines.push(text);
    this.bytes += Buffer.byteLength(text);
  }

  /** The redacted lines, with a final marker when lines were dropped. */
  toLines(): string[] {
    const masked = this.lines.map((l) => this.mask(l));
    return this.dropped > 0 ? [...masked, `[${this.dropped} more lines not kept]`] : masked;
  }

  /** Masks every form of the registered secrets in any text (checks, logs, lines). */
  mask(text: string): string {
    return maskForms(text, this.forms);
  }
}
