// Mutation testing of the pure modules whose bugs tests must catch (`npm run mutation`, outside CI's budget).
// One file at a time: `npm run mutation -- --mutate shared/alert/evaluate.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 10000,
  // A static mutant (a module-level constant) forces a fresh module registry and every test per mutant: minutes
  // each here. They are left out of the score (reported as ignored); the per-call code is what the tests judge.
  ignoreStatic: true,
  mutate: [
    'shared/alert/evaluate.ts',
    'shared/probes/smtp/classify.ts',
    'shared/probes/dnsbl/answers.ts',
    'shared/probes/dnsbl/self-test.ts',
    'shared/util/sanitize.ts',
    'shared/probes/dns/spf-analyze.ts',
    'shared/model/transcript.ts',
    'shared/model/secret-forms.ts',
  ],
  ignorePatterns: ['.mailprobe', 'cdk.out', 'coverage', 'test/lab/.run', 'reports', '.scratch'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
};
