// Preloaded with `node --require` by tests: when the process exits, writes the files of every CommonJS module it
// loaded, one per line, to the file named by MAILPROBE_TEST_MODULES_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.MAILPROBE_TEST_MODULES_FILE, Object.keys(require.cache).join('\n'));
});
