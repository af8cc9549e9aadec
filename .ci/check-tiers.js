// Fails CI unless each jest tier (unit, integ, lab) ran tests and none were skipped or left pending.
const { readFileSync } = require('node:fs');
const { sep } = require('node:path');

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tiers = {
  unit: { passed: 0, failed: 0, skipped: 0 },
  integ: { passed: 0, failed: 0, skipped: 0 },
  lab: { passed: 0, failed: 0, skipped: 0 },
};
for (const file of report.testResults) {
  const tier = Object.keys(tiers).find((t) => file.name.includes(`${sep}test${sep}${t}${sep}`));
  if (!tier) continue;
  for (const t of file.assertionResults) {
    if (t.status === 'passed') tiers[tier].passed++;
    else if (t.status === 'failed') tiers[tier].failed++;
    else tiers[tier].skipped++;
  }
}
let ok = report.success;
for (const [name, c] of Object.entries(tiers)) {
  console.log(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  if (c.passed === 0 || c.failed > 0 || c.skipped > 0) ok = false;
}
const total = Object.values(tiers).reduce(
  (a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed }),
  { passed: 0, failed: 0 },
);
console.log(`${total.passed} passed, ${total.failed} failed`);
if (!ok) {
  console.error('CI: a tier did not run, failed, or skipped tests');
  process.exit(1);
}
