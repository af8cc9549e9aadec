import { secretForms } from '../../shared/model/secret-forms';
import { Transcript } from '../../shared/model/transcript';

const PASSWORD = 'hünter2-correct-horse';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function masked(text: string, register = (t: Transcript) => t.redact(PASSWORD)): string {
  const t = new Transcript();
  register(t);
  return t.mask(text);
}

/** No run of 6 characters of the secret (or of its plain base64) survives. */
function leaksNothing(text: string): void {
  for (const form of [PASSWORD, b64(PASSWORD), PASSWORD.replace(/[^\x20-\x7e]/g, '?')]) {
    for (let i = 0; i + 6 <= form.length; i++) expect(text).not.toContain(form.slice(i, i + 6));
  }
}

describe('secret redaction', () => {
  it.each([
    ['as written', PASSWORD],
    ['NFD-normalised', PASSWORD.normalize('NFD')],
    ['non-ASCII replaced by ?', PASSWORD.replace(/[^\x20-\x7e]/g, '?')],
    ['non-ASCII replaced by a space', PASSWORD.replace(/[^\x20-\x7e]+/g, ' ')],
    ['escaped as \\xNN', PASSWORD.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)],
    ['UTF-8 bytes read as Latin-1', Buffer.from(PASSWORD).toString('latin1')],
    ['percent-encoded', encodeURIComponent(PASSWORD)],
    ['JSON-escaped', JSON.stringify(PASSWORD).slice(1, -1)],
    ['base64 (AUTH LOGIN)', b64(PASSWORD)],
    ['upper-cased (as EHLO keywords are reported)', PASSWORD.toUpperCase()],
    ['lower-cased (as DNS names are compared)', PASSWORD.toLowerCase()],
    ['upper-cased after non-ASCII became ?', PASSWORD.replace(/[^\x20-\x7e]/g, '?').toUpperCase()],
  ])('masks the secret %s in an echoed reply', (_name, form) => {
    const out = masked(`535 5.7.8 authentication failed for ${form} (try again)`);
    expect(out).toBe('535 5.7.8 authentication failed for *** (try again)');
  });

  it('masks an AUTH PLAIN blob for any user name, at every base64 alignment, without knowing the user', () => {
    for (const user of ['a', 'bo', 'bob', 'monitor@example.com']) {
      const blob = b64(`\0${user}\0${PASSWORD}`);
      const out = masked(`C: AUTH PLAIN ${blob}`);
      expect(out).toContain('***');
      // What stays visible are the 1-2 groups shared with the user name: never enough to decode the password.
      const visible = Buffer.from(out.replace('C: AUTH PLAIN ', '').replace('***', ''), 'base64').toString(
        'latin1',
      );
      expect(visible).not.toContain(PASSWORD.slice(0, 4));
      leaksNothing(Buffer.from(out.replace('C: AUTH PLAIN ', ''), 'base64').toString('latin1'));
    }
  });

  it('masks the whole AUTH PLAIN blob when the runner knows the login', () => {
    const blob = b64(`\0bob\0${PASSWORD}`);
    expect(masked(`C: AUTH PLAIN ${blob}`, (t) => t.redactLogin('bob', PASSWORD))).toBe('C: AUTH PLAIN ***');
  });

  it('masks a secret that straddles the transcript line cut, leaving no prefix', () => {
    const t = new Transcript();
    t.redact(PASSWORD);
    t.add(`S: 535 ${'x'.repeat(490)}${PASSWORD} and more`);
    const [line] = t.toLines();
    expect(line).toContain('***');
    leaksNothing(line ?? '');
  });

  it('masks the part of a secret cut off by a probe before it reached the runner', () => {
    const cut = `reply: bad password ${PASSWORD.slice(0, 12)}…`;
    const out = masked(cut);
    expect(out).toBe('reply: bad password ***…');
    expect(masked(`reply ends in ${PASSWORD.slice(0, 10)}`)).toBe('reply ends in ***');
  });

  it('on texts made of random pieces of its forms: no form survives, and a text without a form head is left as is', () => {
    const forms = secretForms(PASSWORD);
    const heads = forms.map((f) => f.slice(0, 3));
    // A fixed-seed generator: the same 3,000 texts every run.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n); // the high bits: an LCG's low bits repeat
    };
    const piece = () => {
      const form = forms[next(forms.length)] as string;
      const from = next(3) === 0 ? 0 : next(form.length);
      return form.slice(from, from + 1 + next(form.length));
    };
    const filler = () => ' -=./+:ABCxyz0123äü…'.charAt(next(20)).repeat(1 + next(3));
    const wrong: string[] = [];
    let untouched = 0;
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + next(6) }, () => (next(2) ? piece() : filler())).join('');
      const out = masked(text);
      if (forms.some((form) => out.includes(form))) wrong.push(`form left in ${JSON.stringify(out)}`);
      if (!heads.some((h) => text.includes(h))) {
        untouched++;
        if (out !== text) wrong.push(`changed without a head: ${JSON.stringify(text)}`);
      }
    }
    expect(wrong).toEqual([]);
    // Both kinds of text were drawn.
    expect(untouched).toBeGreaterThan(100);
    expect(untouched).toBeLessThan(2900);
  });

  it('leaves text without the secret alone, even when it shares short pieces with it', () => {
    expect(masked('250 hun ter 2 correct')).toBe('250 hun ter 2 correct');
    // The first three characters of a form are what makes the masking look closer: alone they mask nothing.
    expect(masked('250 hün and HÜN and hu')).toBe('250 hün and HÜN and hu');
  });
});
