import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lintTargets } from '../lib/cli/lint-command';
import { Severity } from '../lib/validation/rule';

/**
 * `lint` over every definition of the aws-truth recordings: 1,052 definitions that ran in real
 * AWS Step Functions (LocalStack's AWS-validated tests), so Step Functions accepted each one.
 * The linter must raise no error on any of them (warnings are advice and allowed). The linter
 * runs in-process: one process for all of them.
 */

/** Where the recordings are: `$AWS_TRUTH_DIR`, else `/work/shared/aws-truth`, else `<repo>/../shared/aws-truth`. */
function awsTruthCasesFile(): { file?: string; looked: string[] } {
  const explicit = process.env.AWS_TRUTH_DIR;
  const looked = explicit ? [path.resolve(explicit)] : ['/work/shared/aws-truth', path.resolve(__dirname, '..', '..', 'shared', 'aws-truth')];
  const dir = looked.find((candidate) => existsSync(path.join(candidate, 'cases.json')));
  return { file: dir && path.join(dir, 'cases.json'), looked };
}

interface AwsTruthCase {
  readonly id: string;
  readonly definition: unknown;
}

const { file, looked } = awsTruthCasesFile();

if (file === undefined) {
  test.skip(`lint over the aws-truth definitions: skipped, no aws-truth recordings (looked in ${looked.join(', ')}; set AWS_TRUTH_DIR)`, () => undefined);
} else {
  describe('lint over the 1,052 definitions that ran in AWS (aws-truth)', () => {
    const cases: AwsTruthCase[] = JSON.parse(readFileSync(file, 'utf8')).cases;

    test('GIVEN every recorded definition WHEN linted as STANDARD THEN no finding is an error', () => {
      // GIVEN
      const targets = cases.map((c) => ({ source: c.id, context: { definition: c.definition as never, stateMachineType: 'STANDARD' }, acknowledged: new Set<string>() }));

      // WHEN
      const results = lintTargets(targets);

      // THEN
      const errors = results.flatMap((result) =>
        result.findings.filter((finding) => finding.severity === Severity.ERROR).map((finding) => `${result.source}: ${finding.ruleId} ${finding.location ?? ''} ${finding.message}`),
      );
      expect(cases.length).toBeGreaterThanOrEqual(1052);
      expect(results).toHaveLength(cases.length);
      expect(errors).toEqual([]);
    });
  });
}
