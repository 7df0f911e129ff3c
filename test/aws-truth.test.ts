import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CaseResult,
  createSourceCheckout,
  KNOWN_DIFFERENCES_FILE,
  locateAwsTruth,
  OracleReport,
  OracleRun,
  parseOracleReport,
  readKnownDifferences,
  runOracle,
} from './support/aws-truth';

/**
 * The AWS-truth oracle: 1,000+ executions recorded against real AWS Step Functions (from
 * LocalStack's AWS-validated snapshot tests), replayed with LocalRunner by the shared
 * `aws-truth/run-oracle.js`, run here unchanged on this checkout's sources (see
 * test/support/aws-truth.ts). A case's status, error, output and states entered must match AWS's,
 * except for the cases listed in test/fixtures/aws-truth-known-differences.json, each with why.
 */
const location = locateAwsTruth();

if (location.dir === undefined && location.problem === undefined) {
  test.skip(`aws-truth oracle: skipped, no recorded AWS executions on this machine (looked in ${location.candidates.join(', ')}; set AWS_TRUTH_DIR)`, () => undefined);
} else {
  describe('AWS-truth oracle (executions recorded against AWS, replayed with LocalRunner)', () => {
    let run: OracleRun;
    let report: OracleReport;
    let checkout: { dir: string; dispose(): void } | undefined;
    const known = readKnownDifferences();

    beforeAll(async () => {
      if (location.problem) throw new Error(location.problem);
      checkout = createSourceCheckout();
      // ~3 s here; killed after 150 s, before jest gives up on this hook
      run = await runOracle(location.dir!, checkout.dir, [], 150_000);
      try {
        report = parseOracleReport(run.stdout);
      } catch (error) {
        throw new Error(`${(error as Error).message}\nThe oracle exited with ${run.exitCode}; its stderr ends with:\n${run.stderr.slice(-3000)}`);
      }
      const { match, cases } = report.summary;
      console.log(`aws-truth: ${match}/${cases} match (${location.dir}, ${(run.millis / 1000).toFixed(1)} s)`);
    }, 180_000);

    afterAll(() => checkout?.dispose());

    const withVerdict = (verdict: CaseResult['verdict']) => report.results.filter((r) => r.verdict === verdict).map((r) => `${r.id}  ${r.detail}`);

    test('the oracle runs to its end and reports every recorded case once', () => {
      // stderr only matters (and is shown) when the oracle fails
      expect({ exitCode: run.exitCode, otherLines: report.otherLines, stderr: run.exitCode === 0 ? '' : run.stderr }).toEqual({ exitCode: 0, otherLines: [], stderr: '' });
      const recorded = readdirSync(location.dir!)
        .filter((file) => /^cases.*\.json$/.test(file))
        .flatMap((file) => {
          const data = JSON.parse(readFileSync(path.join(location.dir!, file), 'utf8'));
          return (Array.isArray(data) ? data : data.cases).map((c: { id: string }) => c.id);
        });
      expect(recorded.length).toBeGreaterThan(0);
      expect(report.results.map((r) => r.id).sort()).toEqual([...recorded].sort());
      const counted = (verdict: CaseResult['verdict']) => report.results.filter((r) => r.verdict === verdict).length;
      expect(report.summary).toEqual({
        cases: recorded.length,
        match: counted('MATCH'),
        mismatch: counted('MISMATCH'),
        refused: counted('REFUSED'),
        crashed: counted('CRASH'),
      });
    });

    test('no case crashes (an exception, or no end within the oracle timeout)', () => {
      expect(withVerdict('CRASH')).toEqual([]);
    });

    test('no case is refused (LocalRunner runs every recorded definition)', () => {
      expect(withVerdict('REFUSED')).toEqual([]);
    });

    test(`every mismatch is a known difference listed in ${path.basename(KNOWN_DIFFERENCES_FILE)}`, () => {
      const unexplained = report.results.filter((r) => r.verdict === 'MISMATCH' && !(r.id in known)).map((r) => `${r.id}  ${r.detail}`);
      expect(unexplained).toEqual([]);
    });

    test('every listed known difference still mismatches (the list cannot go stale)', () => {
      const verdicts = new Map(report.results.map((r) => [r.id, r.verdict]));
      const stale = Object.keys(known)
        .filter((id) => verdicts.get(id) !== 'MISMATCH')
        .map((id) => `${id}: ${verdicts.get(id) ?? 'no such case'}`);
      expect(stale).toEqual([]);
    });
  });
}

describe(`${path.basename(KNOWN_DIFFERENCES_FILE)}`, () => {
  test('says for each case why it differs, citing the AWS documentation page or the oracle limitation', () => {
    const unexplained = Object.entries(readKnownDifferences()).filter(
      ([, why]) => typeof why !== 'string' || why.length < 60 || !/https:\/\/docs\.aws\.amazon\.com\/|oracle limitation/i.test(why),
    );
    expect(unexplained).toEqual([]);
  });
});
