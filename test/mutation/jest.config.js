// Jest as StrykerJS runs it: the unit tier only (pure modules, no servers), so a mutant run takes seconds.
// MUTATION_TESTS narrows it to the test files that cover the module under mutation (comma-separated paths from
// the repository root), e.g. MUTATION_TESTS=test/unit/smtp-classify.test.ts: see docs/testing.md.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const only = (process.env.MUTATION_TESTS ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);

module.exports = {
  rootDir: '../..',
  testMatch: only.length > 0 ? only.map((p) => `<rootDir>/${p}`) : ['<rootDir>/test/unit/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, isolatedModules: true }] },
  testEnvironment: 'node',
};
