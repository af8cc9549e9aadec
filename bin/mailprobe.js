#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through `prepare`).
// Node >= 22.1 keeps the compiled code of the modules it loads on disk (the OS temporary directory, or
// NODE_COMPILE_CACHE), so later commands skip most of compiling them; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// Node 20 has no such cache and goes on without it.
require('node:module').enableCompileCache?.();
// AWS SDK v3 warns on every start under Node 20; the CLI supports Node >= 20.18, so keep the terminal clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { version } = require('../package.json');
require('../dist/cli/main.js')
  .main(process.argv, version)
  .then((code) => {
    process.exitCode = code;
  });
