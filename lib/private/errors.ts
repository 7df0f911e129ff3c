import { IConstruct } from 'constructs';

/**
 * Thrown at construct time when a construct of this library is configured with a value
 * it cannot turn into a working state machine. The message names the construct path,
 * the bad value and the fix.
 */
export class WorkflowConfigurationError extends Error {
  /** The construct path of the misconfigured construct. */
  public readonly constructPath: string;

  /**
   * @param scope the misconfigured construct (its path goes into the message)
   * @param problem what is wrong, one sentence
   * @param fix what to do instead, one sentence
   */
  constructor(scope: IConstruct, problem: string, fix: string) {
    super(`[${scope.node.path}] ${problem} Fix: ${fix}`);
    this.name = 'WorkflowConfigurationError';
    this.constructPath = scope.node.path;
  }
}
