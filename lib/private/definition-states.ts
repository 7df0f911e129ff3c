import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Every state of a definition: the states reachable from its start (error handlers included)
 * and, recursively, those of its Parallel branches and Map item processors.
 */
export function definitionStates(definition: sfn.IChainable): sfn.State[] {
  return statesFrom(definition.startState);
}

function statesFrom(start: sfn.State): sfn.State[] {
  return sfn.State.findReachableStates(start, { includeErrorHandlers: true }).flatMap((state) => [
    state,
    ...nestedGraphs(state).flatMap((graph) => statesFrom(graph.startState)),
  ]);
}

/**
 * The graphs a Parallel (`branches`) or Map (`iteration`, `processor`) state holds. CDK keeps
 * them in protected fields of `State`; there is no public accessor.
 */
function nestedGraphs(state: sfn.State): sfn.StateGraph[] {
  const holder = state as unknown as { branches?: sfn.StateGraph[]; iteration?: sfn.StateGraph; processor?: sfn.StateGraph };
  return [...(holder.branches ?? []), holder.iteration, holder.processor].filter((graph): graph is sfn.StateGraph => graph !== undefined);
}
