#!/usr/bin/env node
// Compiles the CLI's TypeScript (cli/ and shared/) to CommonJS under dist/, one output file per source file so
// that each command's modules still load only when that command runs. Type checking is `npm run typecheck`
// (tsc); this only strips types, which `isolatedModules` in tsconfig.json guarantees is safe per file.
// Runs from `prepare`, so `npm ci` leaves a runnable CLI behind.
const { copyFileSync, readdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { buildSync } = require('esbuild');

const root = join(__dirname, '..');
const outdir = join(root, 'dist');
const sourceDirs = ['cli', 'shared'];

const sources = sourceDirs.flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true }).map((file) => join(dir, String(file))),
);
const entryPoints = sources
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(root, file));
// Plain JavaScript beside the sources is an asset read at run time (the report's browser script): copied as is.
const assets = sources.filter((file) => file.endsWith('.js'));

rmSync(outdir, { recursive: true, force: true });
buildSync({
  entryPoints,
  outdir,
  outbase: root,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // CommonJS output: a dynamic import() of a sibling module becomes a lazy require().
  supported: { 'dynamic-import': false },
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of assets) copyFileSync(join(root, file), join(outdir, file));
