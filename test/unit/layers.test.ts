import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers, lowest first: a module may import its own layer and those below it, never one above. (The kind
 * folders under shared/probes import each other's building blocks only through the same layer.)
 */
const LAYERS: string[][] = [
  ['shared/util', 'shared/model'],
  ['shared/config'],
  ['shared/dns', 'shared/secrets'],
  ['shared/probes'],
  ['shared/suite'],
  ['shared/store', 'shared/alert'],
  ['shared/run', 'shared/report'],
  ['shared/aws'],
  ['functions', 'cli', 'infra', 'bench', 'examples'],
];
const ROOT = resolve(__dirname, '../..');

function layerOf(file: string): number {
  const rel = relative(ROOT, file);
  return LAYERS.findIndex((dirs) => dirs.some((d) => rel === d || rel.startsWith(`${d}/`)));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('layers', () => {
  it('only import downward: model/util <- config <- probes <- suite <- store/alert <- run <- functions/cli/infra', () => {
    const upward: string[] = [];
    const files = ['shared', 'functions', 'cli', 'infra'].flatMap((d) => sources(join(ROOT, d)));
    for (const file of files) {
      const from = layerOf(file);
      expect(from).toBeGreaterThanOrEqual(0);
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
        const to = layerOf(resolve(dirname(file), spec as string));
        if (to > from) upward.push(`${relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
