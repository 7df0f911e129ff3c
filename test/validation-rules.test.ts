import { ALL_RULES, AslDefinition, LINT_RULES, RuleContext, validateDefinition } from '../lib/asl';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:work';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A one-state definition. */
function single(name: string, state: Record<string, unknown>, top: Record<string, unknown> = {}): AslDefinition {
  return { StartAt: name, States: { [name]: { End: true, ...state } as any }, ...top };
}

function task(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 30, ...extra };
}

interface RuleCase {
  /** The rule under test. */
  readonly ruleId: string;
  /** A context that triggers it, and the state the message must name (if any). */
  readonly triggers: RuleContext;
  readonly state?: string;
  /** A close variant that does not trigger it. */
  readonly passes: RuleContext;
}

const choice = (withDefault: boolean): AslDefinition => ({
  StartAt: 'Route',
  States: {
    Route: { Type: 'Choice', Choices: [{ Variable: '$.vip', BooleanEquals: true, Next: 'Vip' }], ...(withDefault ? { Default: 'Regular' } : {}) },
    Vip: { Type: 'Succeed' },
    Regular: { Type: 'Succeed' },
  } as any,
});

const loop = (withExit: boolean): AslDefinition => ({
  StartAt: 'Poll',
  States: {
    Poll: task({ End: undefined, Next: 'Check' }),
    Check: withExit
      ? { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Done' }], Default: 'Pause' }
      : { Type: 'Pass', Next: 'Pause' },
    Pause: { Type: 'Wait', Seconds: 60, Next: 'Poll' },
    ...(withExit ? { Done: { Type: 'Succeed' } } : {}),
  } as any,
});

const CASES: RuleCase[] = [
  {
    ruleId: 'Workflow-StateNameLength',
    triggers: { definition: single('S'.repeat(81), { Type: 'Pass' }) },
    state: 'S'.repeat(81),
    passes: { definition: single('S'.repeat(80), { Type: 'Pass' }) },
  },
  {
    ruleId: 'Workflow-StateNameUnique',
    triggers: {
      definition: single('Fan', { Type: 'Parallel', Branches: [single('Work', { Type: 'Pass' }), single('Work', { Type: 'Pass' })] }),
    },
    state: 'Work',
    passes: {
      definition: single('Fan', { Type: 'Parallel', Branches: [single('WorkA', { Type: 'Pass' }), single('WorkB', { Type: 'Pass' })] }),
    },
  },
  {
    ruleId: 'Workflow-StateMachineName',
    triggers: { definition: single('P', { Type: 'Pass' }), stateMachineName: 'order workflow' },
    passes: { definition: single('P', { Type: 'Pass' }), stateMachineName: 'order-workflow' },
  },
  {
    ruleId: 'Workflow-VariableName',
    triggers: { definition: single('Remember', { Type: 'Pass', Assign: { 'states': 1 } }) },
    state: 'Remember',
    passes: { definition: single('Remember', { Type: 'Pass', Assign: { 'orderState.$': '$.state' } }) },
  },
  {
    ruleId: 'Workflow-TransitionTarget',
    triggers: { definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } } },
    state: 'A',
    passes: { definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } } },
  },
  {
    ruleId: 'Workflow-UnreachableState',
    triggers: { definition: { StartAt: 'A', States: { A: { Type: 'Succeed' }, Orphan: { Type: 'Succeed' } } } },
    state: 'Orphan',
    passes: { definition: { StartAt: 'A', States: { A: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'B' }], Default: 'B' }, B: { Type: 'Succeed' } } } as any },
  },
  {
    ruleId: 'Workflow-ExpressIntegrationPattern',
    triggers: { definition: single('Approve', task({ Resource: CALLBACK })), stateMachineType: 'EXPRESS' },
    state: 'Approve',
    passes: { definition: single('Approve', task({ Resource: CALLBACK })), stateMachineType: 'STANDARD' },
  },
  {
    ruleId: 'Workflow-ExpressDuration',
    triggers: { definition: single('Pause', { Type: 'Wait', Seconds: 301 }), stateMachineType: 'EXPRESS' },
    state: 'Pause',
    passes: { definition: single('Pause', { Type: 'Wait', Seconds: 300 }), stateMachineType: 'EXPRESS' },
  },
  {
    ruleId: 'Workflow-CallbackTimeout',
    triggers: { definition: single('Approve', { Type: 'Task', Resource: CALLBACK }) },
    state: 'Approve',
    passes: { definition: single('Approve', { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 86400 }) },
  },
  {
    ruleId: 'Workflow-HeartbeatBelowTimeout',
    triggers: { definition: single('Approve', task({ Resource: CALLBACK, TimeoutSeconds: 60, HeartbeatSeconds: 60 })) },
    state: 'Approve',
    passes: { definition: single('Approve', task({ Resource: CALLBACK, TimeoutSeconds: 60, HeartbeatSeconds: 59 })) },
  },
  {
    ruleId: 'Workflow-RetryFields',
    triggers: { definition: single('Charge', task({ Retry: [{ ErrorEquals: ['Busy'], BackoffRate: 0.5, MaxDelaySeconds: 0 }] })) },
    state: 'Charge',
    passes: { definition: single('Charge', task({ Retry: [{ ErrorEquals: ['Busy'], BackoffRate: 1, MaxDelaySeconds: 1, MaxAttempts: 0 }] })) },
  },
  {
    ruleId: 'Workflow-ErrorsAllLast',
    triggers: { definition: single('Charge', task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['Busy'] }] })) },
    state: 'Charge',
    passes: { definition: single('Charge', task({ Retry: [{ ErrorEquals: ['Busy'] }, { ErrorEquals: ['States.ALL'] }] })) },
  },
  {
    ruleId: 'Workflow-DefinitionSize',
    triggers: { definition: single('P', { Type: 'Pass', Comment: 'x'.repeat(1024 * 1024) }) },
    passes: { definition: single('P', { Type: 'Pass', Comment: 'x'.repeat(1000 * 1000) }) },
  },
  {
    ruleId: 'Workflow-PayloadSize',
    triggers: { definition: single('Seed', { Type: 'Pass', Result: { blob: 'x'.repeat(256 * 1024) } }) },
    state: 'Seed',
    passes: { definition: single('Seed', { Type: 'Pass', Result: { blob: 'x'.repeat(255 * 1024) } }) },
  },
  {
    ruleId: 'Workflow-ExpressIdempotency',
    triggers: { definition: single('Charge', task()), stateMachineType: 'EXPRESS' },
    state: 'Charge',
    passes: { definition: single('Charge', task()), stateMachineType: 'EXPRESS', idempotentStates: ['Charge'] },
  },
  {
    ruleId: 'Workflow-TaskTimeout',
    triggers: { definition: single('Charge', { Type: 'Task', Resource: LAMBDA }) },
    state: 'Charge',
    passes: { definition: single('Charge', { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.timeout' }) },
  },
  {
    ruleId: 'Workflow-TaskTimeoutWithinExecution',
    triggers: { definition: single('Charge', task({ TimeoutSeconds: 900 }), { TimeoutSeconds: 600 }) },
    state: 'Charge',
    passes: { definition: single('Charge', task({ TimeoutSeconds: 600 }), { TimeoutSeconds: 600 }) },
  },
  {
    ruleId: 'Workflow-TaskTokenInLogs',
    triggers: { definition: single('Ask', task({ Resource: CALLBACK, Parameters: { 'token.$': '$$.Task.Token' } })), includeExecutionData: true },
    state: 'Ask',
    passes: { definition: single('Ask', task({ Resource: CALLBACK, Parameters: { 'token.$': '$$.Task.Token' } })), includeExecutionData: false },
  },
  {
    ruleId: 'Workflow-ChoiceDefault',
    triggers: { definition: choice(false) },
    state: 'Route',
    passes: { definition: choice(true) },
  },
  {
    ruleId: 'Workflow-LoopWithoutExit',
    triggers: { definition: loop(false), stateMachineType: 'STANDARD' },
    state: 'Poll',
    passes: { definition: loop(true), stateMachineType: 'STANDARD' },
  },
  {
    ruleId: 'Workflow-InlineMapConcurrency',
    triggers: { definition: single('Each', { Type: 'Map', MaxConcurrency: 41, ItemProcessor: single('Work', { Type: 'Pass' }) }) },
    state: 'Each',
    passes: { definition: single('Each', { Type: 'Map', MaxConcurrency: 40, ItemProcessor: single('Work', { Type: 'Pass' }) }) },
  },
  {
    ruleId: 'Workflow-AslSchema',
    triggers: { definition: single('Wait', { Type: 'Wait' }) },
    passes: { definition: single('Wait', { Type: 'Wait', Seconds: 1 }) },
  },
  {
    ruleId: 'Workflow-AslPath',
    triggers: { definition: single('Pick', { Type: 'Pass', Parameters: { 'first.$': '$..[' } }) },
    passes: { definition: single('Pick', { Type: 'Pass', Parameters: { 'first.$': '$.items[0]' } }) },
  },
  {
    ruleId: 'Workflow-QueryLanguageField',
    triggers: { definition: single('Charge', task({ Parameters: { 'orderId.$': '$.orderId' } }), { QueryLanguage: 'JSONata' }) },
    state: 'Charge',
    passes: { definition: single('Charge', task({ Arguments: { orderId: '{% $states.input.orderId %}' } }), { QueryLanguage: 'JSONata' }) },
  },
  {
    ruleId: 'Workflow-JsonataSyntax',
    triggers: { definition: single('Shape', { Type: 'Pass', Output: { total: '{% $states.input.price * %}' } }, { QueryLanguage: 'JSONata' }) },
    state: 'Shape',
    passes: { definition: single('Shape', { Type: 'Pass', Output: { total: '{% $states.input.price * 2 %}' } }, { QueryLanguage: 'JSONata' }) },
  },
  {
    ruleId: 'Workflow-JsonataStates',
    triggers: { definition: single('Shape', { Type: 'Pass', Output: '{% $states.result %}' }, { QueryLanguage: 'JSONata' }) },
    state: 'Shape',
    passes: { definition: single('Shape', { Type: 'Pass', Output: '{% $states.input %}' }, { QueryLanguage: 'JSONata' }) },
  },
  {
    ruleId: 'Workflow-UnknownVariable',
    triggers: { definition: single('Shape', { Type: 'Pass', Output: '{% $total %}' }, { QueryLanguage: 'JSONata' }) },
    state: 'Shape',
    passes: { definition: single('Shape', { Type: 'Pass', Output: '{% ($total := 1; $total) %}' }, { QueryLanguage: 'JSONata' }) },
  },
];

const findingsOf = (context: RuleContext, ruleId: string) => validateDefinition(context, LINT_RULES).filter((f) => f.ruleId === ruleId);

describe('validation rules', () => {
  test('every rule has a case here', () => {
    expect(CASES.map((c) => c.ruleId).sort()).toEqual(LINT_RULES.map((rule) => rule.id).sort());
  });

  test.each(CASES)('$ruleId: triggers on the failing definition and names the state', ({ ruleId, triggers, state }) => {
    const findings = findingsOf(triggers, ruleId);
    expect(findings.length).toBeGreaterThan(0);
    if (state) {
      expect(findings[0].stateName).toBe(state);
      expect(findings[0].message).toContain(`'${state}'`);
    }
    expect(findings[0].see).toMatch(/^https:\/\//);
  });

  test.each(CASES)('$ruleId: stays quiet on the close variant', ({ ruleId, passes }) => {
    expect(findingsOf(passes, ruleId)).toHaveLength(0);
  });

  test('rules of one type do not run without a known type', () => {
    const express = CASES.filter((c) => c.ruleId.startsWith('Workflow-Express'));
    for (const { ruleId, triggers } of express) {
      expect(findingsOf({ ...triggers, stateMachineType: undefined }, ruleId)).toHaveLength(0);
    }
  });

  test('a callback whose timeout is not shorter than the execution timeout is an error; another task a warning', () => {
    const callback = findingsOf({ definition: single('Ask', task({ Resource: CALLBACK, TimeoutSeconds: 600 }), { TimeoutSeconds: 600 }) }, 'Workflow-TaskTimeoutWithinExecution');
    expect(callback.map((f) => f.severity)).toEqual(['error']);
    expect(callback[0].message).toMatch(/timeout path .* never runs/);
    const plain = findingsOf({ definition: single('Charge', task({ TimeoutSeconds: 900 }), { TimeoutSeconds: 600 }) }, 'Workflow-TaskTimeoutWithinExecution');
    expect(plain.map((f) => f.severity)).toEqual(['warning']);
  });

  test('rules that Step Functions enforces at deploy are not acknowledgeable; the others are', () => {
    const acknowledgeable = Object.fromEntries(ALL_RULES.map((rule) => [rule.id, rule.acknowledgeable ?? true]));
    expect(acknowledgeable).toMatchObject({ 'Workflow-StateNameLength': false, 'Workflow-ExpressIntegrationPattern': false, 'Workflow-TaskTimeout': true, 'Workflow-ExpressDuration': true });
    const [tooLong] = findingsOf({ definition: single('x'.repeat(81), task()) }, 'Workflow-StateNameLength');
    const [noTimeout] = findingsOf({ definition: single('Charge', task({ TimeoutSeconds: undefined })) }, 'Workflow-TaskTimeout');
    expect([tooLong.acknowledgeable, noTimeout.acknowledgeable]).toEqual([false, true]);
  });

  test('errors come before warnings', () => {
    const findings = validateDefinition({ definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: CALLBACK, Next: 'Nowhere' } } } }, ALL_RULES);
    const severities = findings.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort());
    expect(severities).toContain('error');
    expect(severities).toContain('warning');
  });

  test('a malformed Retry or Catch is a schema error, not a crash of the other rules', () => {
    const definition = single('T', { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', TimeoutSeconds: 5, Retry: {}, Catch: 'x' });
    const findings = validateDefinition({ definition }, LINT_RULES);
    expect(findings.map((f) => [f.ruleId, f.stateName, f.location])).toEqual([
      ['Workflow-AslSchema', 'T', '/States/T/Retry'],
      ['Workflow-AslSchema', 'T', '/States/T/Catch'],
    ]);
    expect(findings[0].message).toMatch(/Retry must be an array/);
    expect(findings[1].message).toMatch(/Catch must be an array/);
  });

  test('each problem is reported once: asl-validator findings that another rule makes are left to that rule', () => {
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'Nope' },
        B: { Type: 'Parallel', Branches: [single('A', { Type: 'Pass' })], End: true },
      },
    };
    expect(validateDefinition({ definition }, LINT_RULES).map((f) => f.ruleId)).toEqual([
      'Workflow-StateNameUnique',
      'Workflow-TransitionTarget',
      'Workflow-UnreachableState',
    ]);
  });
});

/** Error findings of the lint rules, as `ruleId [state]`. */
const lintErrors = (context: RuleContext) =>
  validateDefinition(context, LINT_RULES).filter((f) => f.severity === 'error').map((f) => `${f.ruleId} [${f.stateName ?? ''}]`);

describe('rules raise no error Step Functions would not', () => {
  const jsonata = (states: Record<string, unknown>): AslDefinition => ({ QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states as any });

  test('GIVEN a state name of 80 emoji (160 UTF-16 units) WHEN linted THEN its length is fine; 81 emoji are not', () => {
    expect(lintErrors({ definition: single('🚀'.repeat(80), { Type: 'Pass' }) })).toEqual([]);
    expect(lintErrors({ definition: single('🚀'.repeat(81), { Type: 'Pass' }) })).toEqual([`Workflow-StateNameLength [${'🚀'.repeat(81)}]`]);
  });

  test('GIVEN a state name holding a placeholder WHEN linted THEN its length is left to substitution', () => {
    expect(lintErrors({ definition: single(`\${${'Name'.repeat(30)}}`, { Type: 'Pass' }) })).toEqual([]);
  });

  test.each(['größe', '数量', '_count', 'x1'])('GIVEN the Unicode variable name %s WHEN linted THEN it is accepted', (name) => {
    expect(lintErrors({ definition: single('Remember', { Type: 'Pass', Assign: { [name]: 1 } }) })).toEqual([]);
  });

  test.each(['1x', 'a-b', 'states', 'a.b'])('GIVEN the variable name %s WHEN linted THEN it is an error', (name) => {
    expect(lintErrors({ definition: single('Remember', { Type: 'Pass', Assign: { [name]: 1 } }) })).toContain('Workflow-VariableName [Remember]');
  });

  test('GIVEN a JSONata Assign that is one expression WHEN linted THEN no variable name is invented from its characters', () => {
    expect(validateDefinition({ definition: jsonata({ Remember: { Type: 'Pass', Assign: '{% {"x": 1} %}', End: true } }) }, ALL_RULES)).toEqual([]);
  });

  test('GIVEN HeartbeatSeconds as a JSONata expression in a JSONata state WHEN linted THEN it passes; in a JSONPath state it is an error', () => {
    const heartbeat = { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: '{% $states.input.beat %}', End: true };
    expect(lintErrors({ definition: jsonata({ Wait: heartbeat }) })).toEqual([]);
    expect(lintErrors({ definition: single('Wait', heartbeat) })).toContain('Workflow-HeartbeatBelowTimeout [Wait]');
  });

  test('GIVEN retrier fields that are placeholders or JSONata expressions WHEN linted THEN they pass', () => {
    const retry = [{ ErrorEquals: ['States.ALL'], MaxAttempts: '${MaxAttempts}', BackoffRate: '{% $rate %}' }];
    expect(findingsOf({ definition: jsonata({ Charge: task({ Retry: retry, End: true }) }) }, 'Workflow-RetryFields')).toEqual([]);
    expect(findingsOf({ definition: single('Charge', task({ Retry: [{ ErrorEquals: ['States.ALL'], BackoffRate: '{% $rate %}' }] })) }, 'Workflow-RetryFields')).toHaveLength(1);
  });

  test('GIVEN ErrorEquals that is a string WHEN linted THEN States.ALL is not found inside it (the schema check reports the string)', () => {
    const definition = single('Charge', task({ Retry: [{ ErrorEquals: 'States.ALL' }, { ErrorEquals: ['Busy'] }] }));
    expect(findingsOf({ definition }, 'Workflow-ErrorsAllLast')).toEqual([]);
    expect(findingsOf({ definition }, 'Workflow-AslSchema').map((f) => f.location)).toEqual(['/States/Charge/Retry/0/ErrorEquals']);
  });

  test('GIVEN transitions to states named by placeholders WHEN linted THEN neither the target nor reachability is judged', () => {
    const definition = { StartAt: '${First}', States: { Route: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: '${Then}' }], Default: 'Done' }, Done: { Type: 'Succeed' } } } as any;
    expect(findingsOf({ definition }, 'Workflow-TransitionTarget')).toEqual([]);
    expect(findingsOf({ definition }, 'Workflow-UnreachableState')).toEqual([]);
    expect(findingsOf({ definition: { ...definition, StartAt: 'Nowhere' } }, 'Workflow-TransitionTarget')).toHaveLength(1);
  });

  test('GIVEN a literal payload over 256 KiB WHEN linted THEN it is a warning (it deploys, and fails when it runs); at synth it stays an error', () => {
    const definition = single('Seed', { Type: 'Pass', Result: { blob: 'x'.repeat(256 * 1024) } });
    expect(findingsOf({ definition }, 'Workflow-PayloadSize').map((f) => f.severity)).toEqual(['warning']);
    expect(validateDefinition({ definition }, ALL_RULES).filter((f) => f.ruleId === 'Workflow-PayloadSize').map((f) => f.severity)).toEqual(['error']);
  });

  test('GIVEN a definition that is not an object WHEN every rule runs THEN none throws', () => {
    for (const definition of [null, [], 'text', 7, { States: null }, { StartAt: 1, States: { A: null, B: [] } }]) {
      expect(() => validateDefinition({ definition: definition as any, stateMachineType: 'EXPRESS' }, LINT_RULES)).not.toThrow();
    }
  });
});
