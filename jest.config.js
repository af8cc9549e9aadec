// AWS SDK v3 warns once per process under Node 20 (supported here); keep test output readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Three tiers, each its own jest project so a run names which tier every test belongs to. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const tier = (name, extra = {}) => ({
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  transform,
  testEnvironment: 'node',
  ...extra,
});

module.exports = {
  projects: [
    tier('unit'),
    tier('integ', { globalSetup: '<rootDir>/test/support/build-cli.ts' }),
    tier('lab', {
      globalSetup: '<rootDir>/test/lab/global-setup.ts',
      globalTeardown: '<rootDir>/test/lab/global-teardown.ts',
    }),
  ],
};
