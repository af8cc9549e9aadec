import type { SmtpReply } from './wire';

/** What the server announced in its EHLO reply. */
export interface Ehlo {
  keywords: string[];
  starttls: boolean;
  /** Undefined when AUTH is not advertised. */
  auth?: string[];
  sizeLimit?: number;
}

/** The extensions of a 250 EHLO reply (the first line is the greeting), bounded: the reply is untrusted input. */
export function parseEhlo(reply: SmtpReply): Ehlo {
  const lines = reply.lines.slice(1).map((l) => l.trim());
  const keywords = lines.map((l) => (l.split(/[\s=]/)[0] ?? '').toUpperCase()).filter(Boolean);
  const authLine = lines.find((l) => /^AUTH[\s=]/i.test(l));
  const size = lines.map((l) => /^SIZE\s+(\d+)/i.exec(l)?.[1]).find(Boolean);
  return {
    keywords: keywords.slice(0, 40),
    starttls: keywords.includes('STARTTLS'),
    ...(authLine
      ? {
          auth: authLine
            .slice(5)
            .split(/[\s=]+/)
            .filter(Boolean)
            .map((m) => m.toUpperCase())
            .slice(0, 20),
        }
      : {}),
    ...(size && Number(size) > 0 ? { sizeLimit: Number(size) } : {}),
  };
}
