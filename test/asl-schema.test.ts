import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AslDefinition, LINT_RULES, validateDefinition } from '../lib/asl';
import { aslSchemaErrors } from '../lib/validation/asl-schema';
import { validateDefinition as validateLikeStepFunctions } from '../lib/testing/engine/validate';
import { correctedSchemas, SCHEMA_CORRECTIONS } from '../lib/validation/asl-validator-schemas';

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown, options: { checkArn: boolean; checkPaths: boolean }) => { isValid: boolean } = require('asl-validator');

/** Whether asl-validator 4.0.0, as published, accepts a definition (it mutates its input: give it a copy). */
const upstreamAccepts = (definition: unknown) => aslValidator(JSON.parse(JSON.stringify(definition)), { checkArn: true, checkPaths: false }).isValid;

/** Our schema check's errors, without the path check. */
const schemaErrors = (definition: unknown) => aslSchemaErrors(definition, { checkPaths: false });

const single = (state: Record<string, unknown>, top: Record<string, unknown> = {}): AslDefinition =>
  ({ StartAt: 'S', States: { S: { End: true, ...state } }, ...top }) as unknown as AslDefinition;
const jsonataPass = (fields: Record<string, unknown>) => single({ Type: 'Pass', QueryLanguage: 'JSONata', ...fields });
const jsonataChoice = (condition: unknown): AslDefinition => ({
  StartAt: 'C',
  States: { C: { Type: 'Choice', QueryLanguage: 'JSONata', Choices: [{ Condition: condition, Next: 'Done' }], Default: 'Done' }, Done: { Type: 'Succeed' } },
}) as AslDefinition;
const distributedMap = (percentage: unknown) =>
  single({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, ToleratedFailurePercentage: percentage });
const task = (resource: string, fields: Record<string, unknown> = {}) => single({ Type: 'Task', Resource: resource, TimeoutSeconds: 10, ...fields });

interface CorrectionCase {
  /** The correction (or format) that makes the accepted definition pass. */
  readonly correction: string;
  /** A definition Step Functions accepts that asl-validator refuses. */
  readonly accepted: AslDefinition;
  /** A close variant that is really wrong, still refused. */
  readonly refused: AslDefinition;
}

const CASES: CorrectionCase[] = [
  { correction: 'jsonata-delimiters', accepted: jsonataPass({ Output: '{%$states.input%}' }), refused: jsonataPass({ Output: '{%$states.input +%}' }) },
  { correction: 'jsonata-delimiters', accepted: jsonataPass({ Output: '{%\n  $states.input\n%}' }), refused: jsonataPass({ Output: '{%\n  $states.input[\n%}' }) },
  { correction: 'jsonata-literal-strings', accepted: jsonataPass({ Output: { empty: '', lines: 'one\ntwo' } }), refused: jsonataPass({ Output: { bad: '{% ( %}' } }) },
  { correction: 'jsonata-template-arrays', accepted: jsonataPass({ Assign: { list: [null, 1, 'text', ['nested']] } }), refused: jsonataPass({ Assign: { list: [null, '{% $x + %}'] } }) },
  { correction: 'jsonata-output-any-value', accepted: jsonataPass({ Output: true }), refused: jsonataPass({ Output: '{% $ + %}' }) },
  { correction: 'jsonata-output-any-value', accepted: jsonataPass({ Output: 'a literal string' }), refused: jsonataPass({ Output: ['{% ] %}'] }) },
  { correction: 'jsonata-condition-boolean', accepted: jsonataChoice(true), refused: jsonataChoice(1) },
  { correction: 'payload-template-literals', accepted: single({ Type: 'Pass', Parameters: { list: [null, '', '{% not jsonata here %}'] } }), refused: single({ Type: 'Pass', Parameters: { 'list.$': 1 } }) },
  { correction: 'tolerated-failure-percentage-decimal', accepted: distributedMap(0.5), refused: distributedMap(100.5) },
  { correction: 'asl_arn format: any partition', accepted: task('arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f'), refused: task('arn:aws-iso-b:lambda') },
  { correction: 'asl_arn format: placeholders', accepted: task('arn:${partition}:states:::batch:submitJob.sync'), refused: task('batch:submitJob.sync') },
];

describe('asl-validator schema corrections', () => {
  test('every correction has a case here', () => {
    const covered = new Set(CASES.map((c) => c.correction));
    expect(SCHEMA_CORRECTIONS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test.each(CASES)('$correction: GIVEN a definition Step Functions accepts WHEN asl-validator checks it THEN it refuses it (the correction is needed)', ({ accepted }) => {
    expect(upstreamAccepts(accepted)).toBe(false);
  });

  test.each(CASES)('$correction: GIVEN the same definition WHEN our schema check runs THEN it has no error', ({ accepted }) => {
    expect(schemaErrors(accepted)).toEqual([]);
  });

  test.each(CASES)('$correction: GIVEN a close variant that is wrong WHEN our schema check runs THEN it is still an error', ({ refused }) => {
    expect(schemaErrors(refused).length).toBeGreaterThan(0);
  });

  test('fails when asl-validator moved a corrected value: the correction names itself', () => {
    const moved = { ...SCHEMA_CORRECTIONS[0], expected: 'what another version has' };
    expect(() => correctedSchemas([moved])).toThrow(/jsonata.json\/definitions\/jsonata\/pattern is not what correction 'jsonata-delimiters' expects; review the correction/);
  });

  test('each correction cites the AWS documentation and says what Step Functions accepts', () => {
    for (const correction of SCHEMA_CORRECTIONS) {
      expect(correction.see).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(correction.why.length).toBeGreaterThan(40);
    }
  });
});

describe('schema check: placeholders, state names, locations', () => {
  test.each([
    ['inside an ARN', task('arn:${AWS::Partition}:states:::batch:submitJob.sync')],
    ['as a whole Resource', task('${WorkerFunction.Arn}')],
    ['in place of a number', task('arn:aws:states:::lambda:invoke', { TimeoutSeconds: '${TimeoutSeconds}' })],
    ['as a field name', task('arn:aws:states:::lambda:invoke', { '${ExtraField}': 'x' })],
    ['in a timestamp', single({ Type: 'Wait', Timestamp: '${StartTime}' })],
    ['in a JSONata expression', jsonataPass({ Output: '{% $x + ${Offset} %}' })],
  ])('GIVEN a ${...} placeholder %s WHEN checked THEN it is not an error', (_where, definition) => {
    expect(schemaErrors(definition)).toEqual([]);
  });

  test('GIVEN a placeholder and a real mistake in one state WHEN checked THEN the mistake is still reported, where it is', () => {
    const definition = task('arn:${AWS::Partition}:states:::lambda:invoke', { TimeoutSeconds: 0 });
    expect(schemaErrors(definition)).toEqual([{ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/S/TimeoutSeconds', message: expect.stringMatching(/^Must be >= 1/) }]);
  });

  test('GIVEN states named Iterator, Branches, States and __proto__ WHEN checked THEN there is no error and no crash', () => {
    const definition = JSON.parse(
      '{"StartAt":"Iterator","States":{"Iterator":{"Type":"Pass","Next":"Branches"},"Branches":{"Type":"Pass","Next":"States"},"States":{"Type":"Pass","Next":"__proto__"},"__proto__":{"Type":"Succeed"}}}',
    );
    expect(upstreamAccepts.bind(null, definition)).toThrow();
    expect(schemaErrors(definition)).toEqual([]);
  });

  test('GIVEN a mistake inside a Map inside a Parallel WHEN checked THEN its location names every level', () => {
    const definition = single({
      Type: 'Parallel',
      Branches: [{ StartAt: 'Each', States: { Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Work/Step', States: { 'Work/Step': { Type: 'Pass', End: true, Comment: 5 } } } } } }],
    });
    expect(schemaErrors(definition)).toEqual([{ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/S/Branches/0/States/Each/ItemProcessor/States/Work/Step/Comment', message: 'Must be string (asl-validator).' }]);
  });

  // asl-validator's schema check is exponential in the nesting depth: at 40 levels it would not
  // finish before the end of the universe, let alone this test's timeout.
  test('GIVEN 40 nested Parallel states WHEN checked THEN the check finishes and finds nothing', () => {
    let definition: AslDefinition = single({ Type: 'Pass' });
    for (let level = 0; level < 40; level++) definition = single({ Type: 'Parallel', Branches: [definition] });
    expect(aslSchemaErrors(definition, { checkPaths: true })).toEqual([]);
  }, 60_000);
});

describe('Workflow-AslSchema: the definition check and the schema, each problem once', () => {
  const findings = (definition: unknown) => validateDefinition({ definition: definition as AslDefinition }, LINT_RULES).filter((f) => f.ruleId === 'Workflow-AslSchema');

  test('GIVEN a problem both checks find at one place WHEN linted THEN it is reported once, by the definition check', () => {
    const result = findings(task('arn:aws:states:::lambda:invoke', { TimeoutSeconds: 'soon' }));
    expect(result).toEqual([
      expect.objectContaining({ stateName: 'S', location: '/States/S/TimeoutSeconds', message: "SCHEMA_VALIDATION_FAILED: TimeoutSeconds must be a positive integer, not 'soon'." }),
    ]);
  });

  test('GIVEN a problem only asl-validator\'s schema finds WHEN linted THEN it is reported with its location', () => {
    const result = findings(single({ Type: 'Pass', Comment: 5 }));
    expect(result).toEqual([expect.objectContaining({ stateName: 'S', location: '/States/S/Comment', message: 'Must be string (asl-validator).' })]);
  });

  test('GIVEN the schema reports at a state what the definition check reports at its field WHEN linted THEN only one finding is kept (a field of the other query language: Workflow-QueryLanguageField\'s)', () => {
    const definition = jsonataPass({ Parameters: { a: 1 } });
    expect(findings(definition)).toEqual([]);
    const all = validateDefinition({ definition: definition as AslDefinition }, LINT_RULES);
    expect(all).toEqual([expect.objectContaining({ ruleId: 'Workflow-QueryLanguageField', location: '/States/S/Parameters' })]);
  });

  test('GIVEN unrelated problems in two states, one for each check WHEN linted THEN both are reported', () => {
    const definition = {
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 'soon', Next: 'B' }, B: { Type: 'Pass', Comment: 5, End: true } },
    };
    expect(findings(definition).map((f) => f.location)).toEqual(['/States/A/TimeoutSeconds', '/States/B/Comment']);
  });

  test('GIVEN a problem only the definition check finds WHEN linted THEN it is reported', () => {
    const result = findings({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } });
    expect(result).toEqual([expect.objectContaining({ location: '/', message: expect.stringMatching(/^MISSING_END_STATE: /) })]);
  });

  test('GIVEN data holding a States field WHEN a finding is located in it THEN the state named is the real one', () => {
    const result = findings(single({ Type: 'Pass', Parameters: { States: { 'x.$': 5 } } }));
    expect(result.map((f) => f.stateName)).toEqual(['S']);
  });
});

describe('the false-error fixtures (test/fixtures/asl/lint-false-errors)', () => {
  const directory = path.join(__dirname, 'fixtures', 'asl', 'lint-false-errors');
  const files = readdirSync(directory).filter((file) => file.endsWith('.asl.json'));
  const read = (file: string) => JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
  const upstreamRefuses = (definition: unknown) => {
    try {
      return !upstreamAccepts(definition);
    } catch {
      return true;
    }
  };

  test('there are fixtures, each listed in SOURCES.md', () => {
    const sources = readFileSync(path.join(__dirname, 'fixtures', 'asl', 'SOURCES.md'), 'utf8');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) expect(sources).toContain(`lint-false-errors/${file}`);
  });

  test.each(files)('%s: asl-validator 4.0.0 refuses it or crashes on it', (file) => {
    expect(upstreamRefuses(read(file))).toBe(true);
  });

  test.each(files)("%s: the runner's model of Step Functions' definition check finds no error in it", (file) => {
    expect(validateLikeStepFunctions(read(file)).filter((d) => d.severity === 'ERROR')).toEqual([]);
  });

  test.each(files)('%s: our schema check finds no error in it', (file) => {
    expect(schemaErrors(read(file))).toEqual([]);
  });
});
