import { listDefinitions } from '../../asl/definition';
import { StateGraphView } from '../../asl/graph';
import { Rule, Severity } from '../rule';

/** Every transition names a state of the same definition (top level, branch or item processor). */
export const transitionTargets: Rule = {
  id: 'Workflow-TransitionTarget',
  severity: Severity.ERROR,
  description: 'StartAt, Next, Default, Choice and Catch targets name a state in the same definition.',
  see: 'https://states-language.net/spec.html#transition',
  check: ({ definition }) =>
    listDefinitions(definition).flatMap(({ definition: container, enclosingStates }) => {
      const graph = new StateGraphView(container);
      const where = enclosingStates.length > 0 ? ` (inside '${enclosingStates.join("' > '")}')` : '';
      const problems: Array<{ stateName?: string; message: string }> = [];
      if (!graph.successors.has(container.StartAt)) {
        problems.push({ message: `StartAt '${container.StartAt}'${where} names no state. Point StartAt at the first state.` });
      }
      for (const [name, targets] of graph.successors) {
        for (const target of targets.filter((t) => !graph.successors.has(t))) {
          problems.push({ stateName: name, message: `State '${name}'${where} transitions to '${target}', which is not a state of the same definition. A branch or item processor can only move between its own states.` });
        }
      }
      return problems;
    }),
};

/** Step Functions rejects definitions with states that cannot be reached. */
export const unreachableStates: Rule = {
  id: 'Workflow-UnreachableState',
  severity: Severity.ERROR,
  description: 'Every state is reachable from StartAt.',
  see: 'https://states-language.net/spec.html#state-machine-structure',
  check: ({ definition }) =>
    listDefinitions(definition).flatMap(({ definition: container }) => {
      const graph = new StateGraphView(container);
      const reachable = graph.reachable();
      return [...graph.successors.keys()]
        .filter((name) => !reachable.has(name))
        .map((name) => ({ stateName: name, message: `State '${name}' cannot be reached from '${container.StartAt}'. Remove it or add a transition to it.` }));
    }),
};

/** A Choice with no Default fails with States.NoChoiceMatched when no rule matches. */
export const choiceDefault: Rule = {
  id: 'Workflow-ChoiceDefault',
  severity: Severity.WARNING,
  description: 'Every Choice state has a Default.',
  see: 'https://states-language.net/spec.html#choice-state',
  check: ({ definition }) =>
    listDefinitions(definition).flatMap(({ definition: container }) =>
      Object.entries(container.States)
        .filter(([, state]) => state.Type === 'Choice' && state.Default === undefined)
        .map(([name]) => ({
          stateName: name,
          message: `Choice '${name}' has no Default: input that matches no rule fails the execution with States.NoChoiceMatched. Add .otherwise(...) with the state to go to.`,
        })),
    ),
};

/** A loop that can never be left runs until the execution times out or hits the history limit. */
export const loopWithoutExit: Rule = {
  id: 'Workflow-LoopWithoutExit',
  severity: Severity.WARNING,
  description: 'Every loop has a way out (a transition leaving it, or a state that ends the execution).',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html',
  check: ({ definition, stateMachineType }) =>
    listDefinitions(definition).flatMap(({ definition: container }) => {
      const graph = new StateGraphView(container);
      return graph.loops()
        .filter((loop) => !graph.loopHasExit(loop))
        .map((loop) => ({
          stateName: loop[loop.length - 1],
          message: `States ${loop.map((n) => `'${n}'`).reverse().join(' → ')} form a loop with no way out: ` +
            (stateMachineType === 'EXPRESS'
              ? 'the execution runs until its timeout.'
              : 'a STANDARD execution grows toward the 25,000-event history limit and then fails.') +
            ' Add a Choice that leaves the loop, or continue as a new execution.',
        }));
    }),
};
