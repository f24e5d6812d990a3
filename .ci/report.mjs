// Prints what the test run did, per backend, from vitest's JSON report: one line for the
// embedded store, one for the real Neo4j, then the plain total line. A test belongs to a
// backend when one of its describe titles names it in parentheses, as the contract suite
// does ("curation ('neo4j')"). On CI a skipped test fails the run: every backend and
// every reader is installed there, so a skip means something did not run.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(new URL('../test-artifacts/vitest.json', import.meta.url), 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const backendOf = (t) => {
  const titles = t.ancestorTitles.join(' ');
  if (/\('?neo4j\b/.test(titles)) return 'neo4j';
  if (/\('?embedded\b/.test(titles)) return 'embedded';
  return null;
};
const count = (list, status) => list.filter((t) => t.status === status).length;
for (const backend of ['embedded', 'neo4j']) {
  const mine = tests.filter((t) => backendOf(t) === backend);
  console.log(`${backend}: ${count(mine, 'passed')} passed, ${count(mine, 'failed')} failed, ${mine.length - count(mine, 'passed') - count(mine, 'failed')} skipped`);
}
const skipped = report.numPendingTests + report.numTodoTests;
if (!report.success && report.numFailedTests === 0) console.log('vitest reported errors outside the tests (see "Unhandled Errors" above)');
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (process.env.CI && (skipped > 0 || tests.every((t) => backendOf(t) !== 'neo4j'))) {
  console.log('CI runs every test on both backends; skipped tests (or no Neo4j run) fail it');
  process.exit(1);
}
