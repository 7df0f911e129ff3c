/**
 * The environment variables the runner sets on `process.env` for Lambda handlers, which share
 * the process: each invocation gets its function's variables (those of the function invoked
 * before it that it does not have are put back first), and when the last execution of the
 * runner ends, every variable it touched gets its value from before the runner back. Variables
 * the handlers or the test set meanwhile are left alone.
 */
export class ProcessEnvironment {
  private readonly originals = new Map<string, string | undefined>();
  private current = new Set<string>();
  private activeExecutions = 0;

  /** An execution starts. */
  public enter(): void {
    this.activeExecutions++;
  }

  /** An execution ends; after the last one, every variable set by the runner is put back. */
  public leave(): void {
    this.activeExecutions = Math.max(0, this.activeExecutions - 1);
    if (this.activeExecutions === 0) this.restore();
  }

  /** Sets the variables of one invocation. */
  public apply(variables: Record<string, string>): void {
    for (const name of this.current) if (!(name in variables)) this.putBack(name);
    for (const [name, value] of Object.entries(variables)) {
      if (!this.originals.has(name)) this.originals.set(name, process.env[name]);
      process.env[name] = value;
    }
    this.current = new Set(Object.keys(variables));
  }

  /** Puts back every variable the runner set. */
  public restore(): void {
    for (const name of this.originals.keys()) this.putBack(name);
    this.originals.clear();
    this.current.clear();
  }

  private putBack(name: string): void {
    const original = this.originals.get(name);
    if (original === undefined) delete process.env[name];
    else process.env[name] = original;
  }
}
