import { Stack } from 'aws-cdk-lib';
import { benchApp, handBuiltEquivalentSaga, librarySagaUnmonitored } from '../bin/bench-synth';
import { LocalRunner } from '../lib/testing';

/** The definition of the state machine a saga builder synthesizes. */
function definitionOf(build: typeof librarySagaUnmonitored, steps: number): unknown {
  const app = benchApp(build, steps);
  return LocalRunner.fromStack(app.node.findChild('Bench') as Stack).stateMachine().definition;
}

describe('the saga synth benchmark', () => {
  test.each([3, 8])('the hand-built baseline "with the same definition" emits exactly the library Saga\'s definition (%i steps)', (steps) => {
    // The benchmark's like-for-like ratio means something only while the two definitions are the same.
    expect(definitionOf(handBuiltEquivalentSaga, steps)).toEqual(definitionOf(librarySagaUnmonitored, steps));
  });
});
