#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's CommonJS hook: no build step to forget.
// AWS SDK v3 warns on every start under Node 20; the CLI supports Node >= 20.18, so keep the terminal clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
