import { StatesError, States } from './errors';
import { NOT_FOUND } from './json-path';

/**
 * The variables one thread of an execution sees: its own and, read-only, those of the scopes
 * that enclose it. The top-level states form the outer scope; each Parallel branch and each
 * Map iteration has an inner scope that reads the outer variables; a distributed Map's
 * iterations read none.
 *
 * Scopes are objects chained by prototype, so JSONata bindings and lookups see every visible
 * variable without copying.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export class VariableScope {
  /** The top-level scope of an execution (or of a distributed Map's child execution). */
  public static root(): VariableScope {
    return new VariableScope(Object.create(null));
  }

  private constructor(
    /** Every visible variable, own ones shadowing outer ones. */
    public readonly values: Record<string, unknown>,
  ) {}

  /** An inner scope (a Parallel branch or a Map iteration) that reads this one. */
  public child(): VariableScope {
    return new VariableScope(Object.create(this.values));
  }

  /** A variable's value, or NOT_FOUND when no visible scope assigned it. */
  public get(name: string): unknown {
    return name in this.values ? this.values[name] : NOT_FOUND;
  }

  /**
   * Assigns the values of one `Assign` (all evaluated before any is set).
   *
   * @throws StatesError `States.Runtime` when an inner scope assigns a variable of an outer
   * one ("no other scope (inside a Map, Parallel) can assign to" it).
   */
  public assign(assigned: Record<string, unknown>): void {
    for (const name of Object.keys(assigned)) {
      if (name in this.values && !Object.prototype.hasOwnProperty.call(this.values, name)) {
        throw new StatesError(States.Runtime, `The variable '${name}' belongs to an outer scope: a Parallel branch or Map iteration cannot assign it. Return the value in the output instead.`);
      }
    }
    for (const name of Object.keys(assigned)) this.values[name] = assigned[name];
  }
}
