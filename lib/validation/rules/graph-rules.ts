import { AslDefinition, listDefinitions, listStates } from '../../asl/definition';
import { StateGraphView } from '../../asl/graph';
import { hasPlaceholder, isJsonObject } from '../../asl/json-value';
import { Rule, RuleProblem, Severity } from '../rule';
import { describeEnclosing } from './values';

/**
 * The containers (top level, Parallel branches, Map item processors) whose `States` is an
 * object and `StartAt` a string: the graph rules judge those; the schema check reports the others.
 */
function wellFormedContainers(definition: AslDefinition) {
  return listDefinitions(definition).filter(({ definition: container }) => isJsonObject(container.States) && typeof container.StartAt === 'string');
}

/** A transition target that names no state but holds a placeholder: which state it names is only known after substitution. */
const unresolved = (graph: StateGraphView, target: string) => !graph.successors.has(target) && hasPlaceholder(target);

/** Every transition names a state of the same definition (top level, branch or item processor). */
export const transitionTargets: Rule = {
  id: 'Workflow-TransitionTarget',
  // Step Functions refuses such a definition: an acknowledgement cannot make it deploy.
  acknowledgeable: false,
  severity: Severity.ERROR,
  description: 'StartAt, Next, Default, Choice and Catch targets name a state in the same definition.',
  see: 'https://states-language.net/spec.html#transition',
  check: ({ definition }) =>
    wellFormedContainers(definition).flatMap((located) => {
      const container = located.definition;
      const graph = new StateGraphView(container);
      const where = () => (located.enclosingStates.length > 0 ? ` (inside ${describeEnclosing(located.enclosingStates)})` : '');
      const problems: RuleProblem[] = [];
      if (!graph.successors.has(container.StartAt) && !unresolved(graph, container.StartAt)) {
        problems.push({ message: `StartAt '${container.StartAt}'${where()} names no state. Point StartAt at the first state.` });
      }
      for (const [name, targets] of graph.successors) {
        for (const target of targets.filter((t) => !graph.successors.has(t) && !unresolved(graph, t))) {
          problems.push({ stateName: name, message: `State '${name}'${where()} transitions to '${target}', which is not a state of the same definition. A branch or item processor can only move between its own states.` });
        }
      }
      return problems;
    }),
};

/**
 * Step Functions rejects definitions with states that cannot be reached. A container where a
 * transition names a `${...}` placeholder is left alone: what it reaches is only known after
 * substitution.
 */
export const unreachableStates: Rule = {
  id: 'Workflow-UnreachableState',
  severity: Severity.ERROR,
  description: 'Every state is reachable from StartAt.',
  see: 'https://states-language.net/spec.html#state-machine-structure',
  check: ({ definition }) =>
    wellFormedContainers(definition).flatMap(({ definition: container }) => {
      const graph = new StateGraphView(container);
      const targets = [container.StartAt, ...[...graph.successors.values()].flat()];
      if (!graph.successors.has(container.StartAt) || targets.some((target) => unresolved(graph, target))) return [];
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
    listStates(definition)
      .filter(({ state }) => state.Type === 'Choice' && state.Default === undefined)
      .map(({ name }) => ({
        stateName: name,
        message: `Choice '${name}' has no Default: input that matches no rule fails the execution with States.NoChoiceMatched. Add .otherwise(...) with the state to go to.`,
      })),
};

/** A loop that can never be left runs until the execution times out or hits the history limit. */
export const loopWithoutExit: Rule = {
  id: 'Workflow-LoopWithoutExit',
  severity: Severity.WARNING,
  description: 'Every loop has a way out (a transition leaving it, or a state that ends the execution).',
  see: 'https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html',
  check: ({ definition, stateMachineType }) =>
    wellFormedContainers(definition).flatMap(({ definition: container }) => {
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
