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
    tier('integ'),
    tier('lab', {
      globalSetup: '<rootDir>/test/lab/global-setup.ts',
      globalTeardown: '<rootDir>/test/lab/global-teardown.ts',
    }),
  ],
};
