/** Thrown into a thread whose work was stopped: a sibling branch failed, the execution was aborted or timed out. */
export class ThreadCancelled extends Error {
  constructor() {
    super('The thread was cancelled.');
    this.name = 'ThreadCancelled';
  }
}

/**
 * Stops the threads of an execution: the execution's own (abort, timeout), and one per
 * Parallel or Map state, linked to its parent, that a failing branch or iteration cancels.
 */
export class Cancellation {
  private listeners = new Set<() => void>();
  private isCancelled = false;

  /** Whether the threads were told to stop. */
  public get cancelled(): boolean {
    return this.isCancelled;
  }

  /** A cancellation that stops when this one does, and can also stop on its own. */
  public child(): Cancellation {
    const child = new Cancellation();
    if (this.isCancelled) child.cancel();
    else {
      const forward = () => child.cancel();
      this.listeners.add(forward);
      child.listeners.add(() => this.listeners.delete(forward));
    }
    return child;
  }

  /** Tells every thread to stop. */
  public cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** Calls `listener` once when cancelled; returns the function that stops listening. */
  public onCancel(listener: () => void): () => void {
    if (this.isCancelled) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @throws ThreadCancelled if cancelled. */
  public throwIfCancelled(): void {
    if (this.isCancelled) throw new ThreadCancelled();
  }

  /** Settles like `promise`, or rejects with ThreadCancelled as soon as this is cancelled. */
  public race<T>(promise: Promise<T>): Promise<T> {
    if (this.isCancelled) return Promise.reject(new ThreadCancelled());
    return new Promise<T>((resolve, reject) => {
      const stop = this.onCancel(() => reject(new ThreadCancelled()));
      promise.then(
        (value) => {
          stop();
          resolve(value);
        },
        (error) => {
          stop();
          reject(error);
        },
      );
    });
  }
}
