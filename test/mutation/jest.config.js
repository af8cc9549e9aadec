// Jest as StrykerJS runs it: the unit tier only (pure modules, no servers), so a mutant run takes seconds.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  rootDir: '../..',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, isolatedModules: true }] },
  testEnvironment: 'node',
};
