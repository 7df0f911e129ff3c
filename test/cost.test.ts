import { analyzeTransitions, AslDefinition, costReport, estimateExpressCost, estimateStandardCost, priceRuns } from '../lib/asl';
import { formatCostText } from '../lib/cli/cost-command';

const task = (next?: string) => ({ Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', TimeoutSeconds: 5, ...(next ? { Next: next } : { End: true }) });

/** A → B → (Choice) → C → D, or → Done; B's errors are caught to Failed. */
const DEFINITION: AslDefinition = {
  StartAt: 'A',
  States: {
    A: task('B'),
    B: { ...task('Route'), Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.more', BooleanEquals: true, Next: 'C' }], Default: 'Done' },
    C: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: task() } }, { StartAt: 'Y', States: { Y: task('Z'), Z: task() } }], Next: 'D' },
    D: task(),
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'Failed' },
  } as any,
};

describe('transition analysis', () => {
  test('counts states entered on the shortest and longest paths, Parallel branches included', () => {
    expect(analyzeTransitions(DEFINITION)).toEqual({
      shortest: 3, // A, B, Failed
      longest: 8, // A, B, Route, C + X + Y + Z, D
      longestWithRetries: 10, // + B's 2 retries
      dependsOnMapItems: false,
    });
  });

  test('a loop makes the longest path unbounded; a Map multiplies its processor by the assumed items', () => {
    const looping: AslDefinition = { StartAt: 'Poll', States: { Poll: task('Check'), Check: { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'End' }], Default: 'Poll' }, End: { Type: 'Succeed' } } as any };
    expect(analyzeTransitions(looping)).toMatchObject({ shortest: 3, longest: undefined });
    const map: AslDefinition = { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: task() } }, End: true } } as any };
    expect(analyzeTransitions(map, { mapItems: 10 })).toMatchObject({ shortest: 11, longest: 11, dependsOnMapItems: true });
  });

  test('only a Map state makes the count depend on map items, not data that looks like one', () => {
    const pass: AslDefinition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { Type: 'Map' }, End: true } } };
    expect(analyzeTransitions(pass).dependsOnMapItems).toBe(false);
  });

  test('a malformed Retry adds no retries instead of failing the analysis', () => {
    const odd: AslDefinition = { StartAt: 'T', States: { T: { ...task(), Retry: {} } } as any };
    expect(analyzeTransitions(odd).longestWithRetries).toBe(1);
  });
});

describe('cost estimates (hand calculations, us-east-1 list prices)', () => {
  test('Standard: transitions × $0.000025', () => {
    // 8 transitions × 1,000,000 executions × $0.000025 = $200
    expect(estimateStandardCost(8, 1_000_000).totalUsd).toBeCloseTo(200, 10);
  });

  test('Express: $0.000001 per request + duration rounded up to 100 ms × memory in 64 MB steps × the GB-second price', () => {
    // 1,000,000 × $0.000001 = $1; 0.25 s → 0.3 s; 100 MB → 128 MB = 0.125 GB;
    // 1,000,000 × 0.3 × 0.125 = 37,500 GB-s, all in the first tier: × $0.00001667 = $0.625125
    expect(estimateExpressCost({ executions: 1_000_000, durationSeconds: 0.25, memoryMb: 100 }).totalUsd).toBeCloseTo(1 + 0.625125, 10);
  });

  test('Express GB-seconds past the first 3,600,000 are charged at the next tiers', () => {
    // 10,000,000 × 2 s × 0.5 GB = 10,000,000 GB-s: 3,600,000 × 0.00001667 + 6,400,000 × 0.00000833 + requests $10
    const expected = 10 + 3_600_000 * 0.00001667 + 6_400_000 * 0.00000833;
    expect(estimateExpressCost({ executions: 10_000_000, durationSeconds: 2, memoryMb: 512 }).totalUsd).toBeCloseTo(expected, 6);
    // 40,000,000 GB-s reaches the third tier
    const third = 20 + 3_600_000 * 0.00001667 + 14_400_000 * 0.00000833 + 22_000_000 * 0.00000456;
    expect(estimateExpressCost({ executions: 20_000_000, durationSeconds: 2, memoryMb: 1024 }).totalUsd).toBeCloseTo(third, 6);
  });

  test('a cost report prices both types and says why a definition cannot be EXPRESS', () => {
    const callback = { ...DEFINITION, States: { ...DEFINITION.States, D: { ...task(), Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' } } } as AslDefinition;
    const report = costReport(callback, { executions: 1000, durationSeconds: 0.5 });
    expect(report.standardShortest.totalUsd).toBeCloseTo(3 * 1000 * 0.000025, 10);
    expect(report.standardLongest!.totalUsd).toBeCloseTo(8 * 1000 * 0.000025, 10);
    expect(report.express.totalUsd).toBeCloseTo(1000 * 0.000001 + 1000 * 0.5 * (64 / 1024) * 0.00001667, 10);
    expect(report.expressBlockers).toEqual([expect.stringMatching(/Task 'D' waits for a task token/)]);
    expect(costReport(DEFINITION).expressBlockers).toEqual([]);
  });

  test('runs are priced from their measured transitions', () => {
    const cost = priceRuns([{ transitions: 8 }, { transitions: 12 }], { durationSeconds: 1 });
    expect(cost).toMatchObject({ executions: 2, transitions: 20 });
    expect(cost.standard.totalUsd).toBeCloseTo(20 * 0.000025, 12);
    expect(cost.express.totalUsd).toBeCloseTo(2 * 0.000001 + 2 * 1 * (64 / 1024) * 0.00001667, 12);
  });
});

describe('cost on definitions of any shape and size', () => {
  /** `depth` Parallel states, each the only state of its parent's only branch, around one Succeed. */
  function nestedParallels(depth: number): AslDefinition {
    let definition: AslDefinition = { StartAt: 'Inner', States: { Inner: { Type: 'Succeed' } } };
    for (let level = depth; level >= 1; level--) {
      definition = { StartAt: `P${level}`, States: { [`P${level}`]: { Type: 'Parallel', Branches: [definition], End: true } } };
    }
    return definition;
  }

  /** A chain of `length` Pass states ending in a Succeed; with `loop`, the last Pass may also go back to the first. */
  function chain(length: number, loop = false): AslDefinition {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < length; i++) states[`S${i}`] = { Type: 'Pass', Next: `S${i + 1}` };
    states[`S${length}`] = loop
      ? { Type: 'Choice', Choices: [{ Variable: '$.again', BooleanEquals: true, Next: 'S0' }], Default: 'Done' }
      : { Type: 'Succeed' };
    if (loop) states.Done = { Type: 'Succeed' };
    return { StartAt: 'S0', States: states as any };
  }

  test('GIVEN Parallel states nested 10,000 deep WHEN analyzed THEN each level counts once, with no stack overflow', () => {
    expect(analyzeTransitions(nestedParallels(10_000))).toEqual({ shortest: 10_001, longest: 10_001, longestWithRetries: 10_001, dependsOnMapItems: false });
  });

  test('GIVEN a chain of 50,000 states WHEN analyzed THEN both paths count every state, in time linear in its length', () => {
    const started = Date.now();
    expect(analyzeTransitions(chain(50_000))).toMatchObject({ shortest: 50_001, longest: 50_001 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('GIVEN a loop through 50,000 states WHEN analyzed THEN the longest path is unbounded and the shortest goes once round', () => {
    expect(analyzeTransitions(chain(50_000, true))).toMatchObject({ shortest: 50_002, longest: undefined });
  });

  test('GIVEN states named __proto__ and constructor WHEN analyzed THEN they count like any state', () => {
    const definition = JSON.parse('{"StartAt":"__proto__","States":{"__proto__":{"Type":"Pass","Next":"constructor"},"constructor":{"Type":"Succeed"}}}');
    expect(analyzeTransitions(definition)).toMatchObject({ shortest: 2, longest: 2 });
  });

  test.each([
    ['not an object', null, 'the definition is not a JSON object'],
    ['without States', { StartAt: 'A' }, 'the definition has no States object'],
    ['with StartAt naming no state', { StartAt: 'Nowhere', States: { A: { Type: 'Succeed' } } }, 'StartAt names no state'],
    ['with no way to an end', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } }, 'no path from StartAt reaches an end state (at the top level or inside a Parallel or Map)'],
  ])('GIVEN a definition %s WHEN priced THEN the report says it was not priced, and why', (_what, definition, why) => {
    expect(costReport(definition as never).notPriced).toBe(why);
  });

  test('GIVEN a definition that was priced WHEN reported THEN it has no notPriced field', () => {
    expect(costReport(DEFINITION)).not.toHaveProperty('notPriced');
  });

  test('GIVEN a report that was not priced WHEN printed THEN its STANDARD columns are dashes and a line says why', () => {
    const text = formatCostText([{ source: 'Shop/Broken', stateMachineType: 'STANDARD', report: costReport({ StartAt: 'A', States: null } as never) }]);
    expect(text).toMatch(/^Shop\/Broken\s+STANDARD\s+—\s+—\s+\$\d/m);
    expect(text).toContain("  Shop/Broken cannot be priced: the definition has no States object. Run 'cdk-sfn-workflows lint' on it.");
  });
});
