import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS } from '../../shared/suite/manifests';

/** The kind table of docs/probes.md, as the manifests describe the kinds. */
function kindTable(): string {
  const rows = [...MANIFESTS]
    .sort((a, b) => a.kind.localeCompare(b.kind))
    .map((m) => {
      const targets = m.reads.map((f) => `\`targets.${f}\``).join(', ');
      const prefix = `\`${m.kind}.\` (${Object.keys(m.causes).length})`;
      return `| \`${m.kind}\` | ${m.summary} | ${targets} | ${prefix} |`;
    });
  return ['| kind | what it probes | targets from | causes |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

describe('docs/probes.md', () => {
  it('lists every probe kind of the manifests (regenerate the table between the markers when this fails)', () => {
    const doc = readFileSync(join(__dirname, '../../docs/probes.md'), 'utf8');
    const block = /<!-- kinds:start -->\n([\s\S]*?)\n<!-- kinds:end -->/.exec(doc)?.[1];
    expect(block).toBe(kindTable());
  });

  it('has a section for every kind', () => {
    const doc = readFileSync(join(__dirname, '../../docs/probes.md'), 'utf8');
    for (const m of MANIFESTS) expect(doc).toMatch(new RegExp(`^## \`${m.kind}\``, 'm'));
  });
});
