/**
 * The forms a secret can take on its way back from a server: as written, after the normalisations our own
 * sanitisers apply to untrusted text, upper- and lower-cased (the smtp probe reports EHLO keywords and AUTH
 * mechanisms upper-cased, DNS names are compared lower-cased), as its UTF-8 bytes read as Latin-1, percent- and
 * JSON-escaped, and inside base64 at any alignment (AUTH PLAIN `\0user\0password`, AUTH LOGIN, XOAUTH2). Pure.
 */

/** The normalisations untrusted text goes through before it is stored (see shared/util/sanitize.ts and the probes). */
const NORMALISATIONS: ((s: string) => string)[] = [
  (s) => s,
  (s) => s.normalize('NFC'),
  (s) => s.normalize('NFD'),
  (s) => s.replace(/[^\x20-\x7e]/g, '?'),
  (s) => s.replace(/[^\x20-\x7e]+/g, ' '),
  (s) => s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`),
  (s) => s.replace(/[^\x20-\x7e]/g, '\uFFFD'),
];

/** Shortest form worth masking: below this a form would mask ordinary text. */
const MIN_FORM = 3;

/** Every textual form of `secret`. */
function textForms(secret: string): string[] {
  const readings = [secret, Buffer.from(secret, 'utf8').toString('latin1')];
  const forms = new Set<string>();
  for (const reading of readings) for (const normalise of NORMALISATIONS) forms.add(normalise(reading));
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  for (const form of [...forms]) forms.add(form.toUpperCase()).add(form.toLowerCase());
  return [...forms].filter((f) => f.trim().length >= MIN_FORM);
}

/**
 * The base64 characters that encode only bytes of `secret`, for each of the three alignments it can have inside a
 * longer base64 blob (standard and URL alphabets): the full groups, and the same run to the end with the padding,
 * for a secret that ends the blob (AUTH PLAIN's password does). The 1-2 bytes shared with neighbours stay visible:
 * they encode at most two bytes of the secret mixed with bytes that are not.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const firstGroup = offset === 0 ? 0 : 1;
    const fullGroups = Math.floor((offset + bytes.length) / 3);
    for (const core of [encoded.slice(firstGroup * 4, fullGroups * 4), encoded.slice(firstGroup * 4)]) {
      if (core.length < 4) continue;
      cores.add(core);
      cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  // The secret alone (AUTH LOGIN answers it on its own line), padding included.
  cores.add(bytes.toString('base64'));
  return [...cores];
}

/** Every form of `secret`, textual and base64. */
export function secretForms(secret: string): string[] {
  return [...textForms(secret), ...base64Cores(secret)];
}

/** The forms to mask, and a test that a text holds a piece of one at all (the cheap common case: it holds none). */
export interface FormSet {
  /** Longest first, so a longer form is masked before a form inside it. */
  readonly forms: readonly string[];
  /** Matches the first MIN_FORM characters of any form: a text it does not match holds no form and no prefix. */
  readonly heads: RegExp;
}

export function formSet(forms: Iterable<string>): FormSet {
  const sorted = [...new Set(forms)].sort((a, b) => b.length - a.length);
  const heads = new Set(sorted.map((f) => f.slice(0, MIN_FORM).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return { forms: sorted, heads: heads.size > 0 ? new RegExp([...heads].join('|')) : /$^/ };
}

/**
 * Masks every form of every secret in `text`, and the leading part of a form cut off at the end of the text or
 * at a truncation marker (`…`, `[+N chars]`), so a secret straddling a cut keeps no prefix.
 */
export function maskForms(text: string, { forms, heads }: FormSet, mask = '***'): string {
  // Every form and every prefix looked for below starts with a head.
  if (!heads.test(text)) return text;
  let out = text;
  // includes() first: nearly every text holds no secret, and split() would copy it for each form.
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(mask);
  for (const form of forms) {
    const shortest = Math.max(MIN_FORM + 1, Math.ceil(form.length / 3));
    if (!out.includes(form.slice(0, shortest))) continue; // the common case: no piece of this form at all
    for (let k = form.length - 1; k >= shortest; k--) {
      const prefix = form.slice(0, k);
      if (out.endsWith(prefix)) out = `${out.slice(0, -k)}${mask}`;
      for (const marker of ['…', '[+', '...']) out = out.split(`${prefix}${marker}`).join(`${mask}${marker}`);
    }
  }
  return out;
}
