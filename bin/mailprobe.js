#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's CommonJS hook: no build step to forget.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
