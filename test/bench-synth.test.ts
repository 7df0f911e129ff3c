import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { handBuiltEquivalentSaga, librarySagaUnmonitored } from '../bin/bench-synth';

/** The state machine definition a saga builder synthesizes, its Lambda ARNs replaced by a marker. */
function definitionOf(build: typeof librarySagaUnmonitored, steps: number): unknown {
  const app = new App();
  const stack = new Stack(app, 'Bench');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async (e) => e;') });
  build(stack, fn, steps);
  const template = app.synth().getStackByName('Bench').template;
  const machine = Object.values(template.Resources as Record<string, any>).find((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'FUNCTION_ARN')).join(''));
}

describe('the saga synth benchmark', () => {
  test.each([3, 8])('the hand-built baseline "with the same definition" emits exactly the library Saga\'s definition (%i steps)', (steps) => {
    // The benchmark's like-for-like ratio means something only while the two definitions are the same.
    expect(definitionOf(handBuiltEquivalentSaga, steps)).toEqual(definitionOf(librarySagaUnmonitored, steps));
  });
});
