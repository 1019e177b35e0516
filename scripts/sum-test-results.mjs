// Prints one total across every suite's summary line (written by the mocha summary reporter):
// "N passed, N failed" plus ", N skipped" when any were skipped. Usage: sum-test-results.mjs FILE EXIT_CODE
import { existsSync, readFileSync } from 'node:fs';

const [file, exitCode = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const suites = [];
if (file && existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const s = JSON.parse(line);
    passed += s.passed;
    failed += s.failed;
    skipped += s.skipped;
    suites.push(`${s.suite}: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
  }
}
for (const s of suites) console.log(`  ${s}`);
// A run that failed outside any test (typecheck, lint, a suite that could not start) counts as one failure.
if (Number(exitCode) !== 0 && failed === 0) {
  console.log('  a step failed outside the test suites (see the log above)');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
