import { evaluateIntrinsic } from '../lib/testing/intrinsics';

const scope = {
  input: { step: 'Charge', error: { Error: 'Declined', Cause: 'say "no"\\n' }, list: [1, 2, 3] },
  context: { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:Orders:run-1' } },
};

describe('evaluateIntrinsic (Fail state paths)', () => {
  test('paths into the input and the context object', () => {
    expect(evaluateIntrinsic('$.error.Error', scope)).toBe('Declined');
    expect(evaluateIntrinsic('$$.Execution.Id', scope)).toBe(scope.context.Execution.Id);
  });

  test('States.JsonToString keeps quotes and backslashes escaped (valid JSON)', () => {
    const json = evaluateIntrinsic('States.JsonToString($)', scope) as string;
    expect(JSON.parse(json)).toEqual(scope.input);
  });

  test('States.Format with paths, escaped literals and nested calls', () => {
    expect(evaluateIntrinsic("States.Format('Step {} failed: {} (\\'{}\\')', $.step, $.error.Error, States.ArrayGetItem($.list, 1))", scope)).toBe(
      "Step Charge failed: Declined ('2')",
    );
  });

  test('fails on a path that selects nothing or an unsupported function', () => {
    expect(() => evaluateIntrinsic('$.missing', scope)).toThrow(/The path \$\.missing selects nothing/);
    expect(() => evaluateIntrinsic('States.MathAdd(1, 2)', scope)).toThrow(/does not evaluate States.MathAdd/);
  });
});
