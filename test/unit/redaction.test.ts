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

  // Mixed case, a quote, a backslash, a tab and two non-ASCII letters in a row: every normalisation differs here.
  const ODD = 'Pa"ss\\Wö\tüÿ-Xy';
  it.each([
    ['as written', ODD],
    ['non-ASCII replaced by ?', ODD.replace(/[^\x20-\x7e]/g, '?')],
    ['each run of non-ASCII replaced by one space', ODD.replace(/[^\x20-\x7e]+/g, ' ')],
    [
      'escaped as \\xNN, two digits',
      ODD.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`),
    ],
    ['non-ASCII replaced by U+FFFD', ODD.replace(/[^\x20-\x7e]/g, '\uFFFD')],
    ['JSON-escaped', JSON.stringify(ODD).slice(1, -1)],
    ['upper-cased', ODD.toUpperCase()],
    ['lower-cased', ODD.toLowerCase()],
  ])('masks a secret with odd characters %s', (_name, form) => {
    expect(masked(`echo [${form}] end`, (t) => t.redact(ODD))).toBe('echo [***] end');
  });

  it.each([['+.*(a)[b]$^|?\\x'], ['a+b-secret-value']])(
    'masks a secret with regular-expression metacharacters among its first characters: %s',
    (secret) => {
      expect(masked(`535 bad ${secret} here`, (t) => t.redact(secret))).toBe('535 bad *** here');
    },
  );

  it('masks a secret of three characters, never one of fewer or of blanks around fewer', () => {
    expect(masked('x abc y', (t) => t.redact('abc'))).toBe('x *** y');
    expect(masked('about a cab', (t) => t.redact('ab'))).toBe('about a cab');
    expect(masked('a x b', (t) => t.redact(' x '))).toBe('a x b');
  });

  it('masks a cut-off prefix of a short secret only from four characters on', () => {
    expect(masked('grab', (t) => t.redact('abcdef'))).toBe('grab');
    expect(masked('grabc', (t) => t.redact('abcdef'))).toBe('grabc');
    expect(masked('grabcd', (t) => t.redact('abcdef'))).toBe('gr***');
  });

  it('masks a cut-off prefix of a third of the secret or more, and leaves a shorter one', () => {
    // 21 characters: prefixes of 7 and more are masked at the end of a text.
    expect(masked(`ends in ${PASSWORD.slice(0, 7)}`)).toBe('ends in ***');
    expect(masked(`ends in ${PASSWORD.slice(0, 6)}`)).toBe(`ends in ${PASSWORD.slice(0, 6)}`);
  });

  it('registers nothing for an empty password, even with a user name', () => {
    expect(masked('C: AUTH PLAIN AGJvYgA= and text', (t) => t.redactLogin('bob', ''))).toBe(
      'C: AUTH PLAIN AGJvYgA= and text',
    );
  });

  it.each([
    ['ÿÿÿ-key', '/'],
    ['¾¾¾-key', '+'],
  ])(
    'masks the base64 of a secret in the URL-safe alphabet too: %s (its base64 holds a %s)',
    (secret, char) => {
      const standard = b64(secret);
      expect(standard).toContain(char);
      const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
      expect(masked(`token=${urlSafe}`, (t) => t.redact(secret))).toBe('token=***');
    },
  );

  it('masks a three-character password inside an AUTH PLAIN blob', () => {
    // `\0a\0` is three bytes: the password starts a base64 group.
    const blob = b64('\0a\0abc');
    expect(masked(`C: AUTH PLAIN ${blob}`, (t) => t.redact('abc'))).toBe(
      `C: AUTH PLAIN ${blob.slice(0, 4)}***`,
    );
  });

  it.each([[PASSWORD], ['abcd']])(
    'leaves at most two bytes of %s visible around its masked AUTH PLAIN blob, at every alignment',
    (secret) => {
      const password = Buffer.from(secret);
      for (const user of ['a', 'bo', 'bob']) {
        const out = masked(`${b64(`\0${user}\0${secret}`)}`, (t) => t.redact(secret));
        const [before = '', after = ''] = out.split('***');
        for (const visible of [Buffer.from(before, 'base64'), Buffer.from(after, 'base64')]) {
          for (let i = 0; i + 3 <= password.length; i++)
            expect(visible.includes(password.subarray(i, i + 3))).toBe(false);
        }
      }
    },
  );

  it('leaves at most two bytes of a token visible inside an XOAUTH2 blob, where bytes follow it, at every alignment', () => {
    const token = 'ya29.a0-Token_Value';
    const bytes = Buffer.from(token);
    for (const user of ['a', 'bo', 'bob']) {
      const out = masked(b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`), (t) => t.redact(token));
      expect(out).toContain('***');
      const [before = '', after = ''] = out.split('***');
      for (const visible of [Buffer.from(before, 'base64'), Buffer.from(after, 'base64')]) {
        for (let i = 0; i + 3 <= bytes.length; i++)
          expect(visible.includes(bytes.subarray(i, i + 3))).toBe(false);
      }
    }
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
