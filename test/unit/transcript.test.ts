import { Transcript } from '../../shared/model/transcript';

// The bounds of a stored transcript (200 lines, 500 characters a line, 16 KiB) and when redaction applies.

const total = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l), 0);

describe('transcript bounds', () => {
  it('keeps a line of exactly 500 characters whole and cuts a longer one, saying how much was cut', () => {
    const t = new Transcript();
    t.add('a'.repeat(500));
    t.add('b'.repeat(501));
    t.add('c'.repeat(612));
    expect(t.toLines()).toEqual([
      'a'.repeat(500),
      `${'b'.repeat(500)}…[+1 chars]`,
      `${'c'.repeat(500)}…[+112 chars]`,
    ]);
  });

  it('keeps 200 lines and counts the rest in a final marker', () => {
    const t = new Transcript();
    for (let i = 0; i < 203; i++) t.add(`line ${i}`);
    const lines = t.toLines();
    expect(lines).toHaveLength(201);
    expect(lines[199]).toBe('line 199');
    expect(lines[200]).toBe('[3 more lines not kept]');
  });

  it('keeps 200 lines without a marker when nothing was dropped', () => {
    const t = new Transcript();
    for (let i = 0; i < 200; i++) t.add(`line ${i}`);
    expect(t.toLines()).toHaveLength(200);
    expect(t.toLines()[199]).toBe('line 199');
  });

  it('stops at 16,384 bytes: the line that crosses it is cut to fit, later lines are counted', () => {
    const t = new Transcript();
    // 400-byte lines: 40 fill 16,000 bytes, the 41st keeps 384, the two after it are dropped.
    for (let i = 0; i < 43; i++) t.add(String(i % 10).repeat(400));
    const lines = t.toLines();
    expect(lines).toHaveLength(42);
    expect(lines[40]).toBe('0'.repeat(384));
    expect(total(lines.slice(0, 41))).toBe(16_384);
    expect(lines[41]).toBe('[2 more lines not kept]');
  });

  it('counts bytes, not characters, toward the 16,384-byte bound', () => {
    const t = new Transcript();
    // 'é' is two bytes: 41 lines of 200 of them are 16,400 bytes, so the 41st line is cut and one more dropped.
    for (let i = 0; i < 42; i++) t.add('é'.repeat(200));
    const lines = t.toLines();
    expect(lines.at(-1)).toBe('[1 more lines not kept]');
    expect(lines).toHaveLength(42);
  });
});

describe('transcript redaction', () => {
  it('masks lines recorded before the secret was registered', () => {
    const t = new Transcript();
    t.add('S: 535 bad password swordfish-42');
    t.redact('swordfish-42');
    expect(t.toLines()).toEqual(['S: 535 bad password ***']);
  });

  it('masks the longer of two overlapping secrets whole, whichever was registered first', () => {
    const t = new Transcript();
    t.redact('swordfish');
    t.redact('swordfish-and-chips');
    expect(t.mask('x swordfish-and-chips y')).toBe('x *** y');
    const u = new Transcript();
    u.redact('swordfish-and-chips');
    u.redact('swordfish');
    expect(u.mask('x swordfish-and-chips y swordfish')).toBe('x *** y ***');
  });

  it('ignores an empty secret: nothing is masked', () => {
    const t = new Transcript();
    t.redact('');
    t.add('250 OK');
    expect(t.toLines()).toEqual(['250 OK']);
    expect(t.mask('250 OK')).toBe('250 OK');
  });

  it('keeps every form when the same secret is registered twice', () => {
    const t = new Transcript();
    t.redact('swordfish-42');
    t.redact('swordfish-42');
    expect(t.mask('a swordfish-42 b')).toBe('a *** b');
  });
});
