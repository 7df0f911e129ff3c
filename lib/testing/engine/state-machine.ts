import { AslDefinition, nestedDefinitions } from '../../asl/definition';
import { ExecutionRequest, ExecutionRun, EngineServices } from './execution';
import { compileGraph, CompiledGraph, StateCompileError } from './graph';
import { assertValidDefinition, InvalidDefinitionError } from './validate';

/** The deepest nesting of Parallel and Map states the engine compiles and runs (it recurses once per level). */
export const MAX_LOCAL_NESTING_DEPTH = 1000;

/** How deeply Parallel and Map states nest in a definition (0 for none), counted without recursion. */
function nestingDepth(definition: AslDefinition): number {
  let deepest = 0;
  const pending: Array<[AslDefinition, number]> = [[definition, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    for (const state of Object.values(current.States ?? {})) {
      for (const nested of nestedDefinitions(state)) pending.push([nested, depth + 1]);
    }
  }
  return deepest;
}

/** A definition checked and compiled once, ready to run any number of executions. */
export class CompiledStateMachine {
  /**
   * Checks a definition as `ValidateStateMachineDefinition` would and compiles every path,
   * template, intrinsic function, JSONata expression and Choice rule into functions.
   *
   * @throws InvalidDefinitionError listing each problem (code, location, message) before anything runs.
   */
  public static compile(definition: unknown, stateMachineType: 'STANDARD' | 'EXPRESS' = 'STANDARD'): CompiledStateMachine {
    assertValidDefinition(definition, { stateMachineType });
    const asl = definition as AslDefinition;
    const depth = nestingDepth(asl);
    if (depth > MAX_LOCAL_NESTING_DEPTH) {
      throw new InvalidDefinitionError([{
        severity: 'ERROR',
        code: 'TOO_DEEPLY_NESTED',
        message: `Parallel and Map states are nested ${depth} levels deep; the local runner runs at most ${MAX_LOCAL_NESTING_DEPTH} (Step Functions limits nesting too; its limit is not documented).`,
      }]);
    }
    try {
      return new CompiledStateMachine(asl, compileGraph(asl, '', asl.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath'), stateMachineType);
    } catch (error) {
      if (!(error instanceof StateCompileError)) throw error;
      throw new InvalidDefinitionError([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', location: error.location, message: error.reason.message }]);
    }
  }

  private constructor(
    /** The definition as given. */
    public readonly definition: AslDefinition,
    private readonly graph: CompiledGraph,
    /** STANDARD or EXPRESS. */
    public readonly stateMachineType: 'STANDARD' | 'EXPRESS',
  ) {}

  /** The state machine's TimeoutSeconds, if set. */
  public get timeoutSeconds(): number | undefined {
    return typeof this.definition.TimeoutSeconds === 'number' ? this.definition.TimeoutSeconds : undefined;
  }

  /** Starts an execution; it runs until its `done` settles. */
  public start(request: Omit<ExecutionRequest, 'stateMachineType' | 'timeoutSeconds'>, services: EngineServices): ExecutionRun {
    return new ExecutionRun(this.graph, { ...request, stateMachineType: this.stateMachineType, timeoutSeconds: this.timeoutSeconds }, services);
  }
}
