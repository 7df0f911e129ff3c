/** A timer on a {@link VirtualClock}. */
export interface ClockTimer {
  /** Stops the timer; it will not fire. */
  cancel(): void;
}

interface ScheduledTimer extends ClockTimer {
  readonly due: number;
  readonly sequence: number;
  readonly fire: () => void;
  readonly real: boolean;
  done: boolean;
}

/**
 * The time of a runner's executions: real time plus the jumps the clock makes while every
 * execution is idle, so a 3-day Wait, a retry backoff or a task timeout ends in
 * milliseconds without changing what the run records.
 *
 * The clock jumps to the next timer only when nothing is *running*: no task handler in
 * flight, no callback (`.waitForTaskToken`) waiting for its token, no real-time timer
 * pending. While a handler runs or a callback waits, time passes in real time (a test answers
 * a callback before its timeout; a handler that outlives its TimeoutSeconds times out), and
 * {@link advance} moves it on explicitly.
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly timers: ScheduledTimer[] = [];
  private sequence = 0;
  /** Handlers in flight and real-time timers pending. */
  private work = 0;
  /** Callbacks waiting for their task token. */
  private waits = 0;
  private realTimer?: NodeJS.Timeout;
  private realTimerDue = Infinity;
  private idleCheckPending = false;
  private settledWaiters: Array<() => void> = [];

  /** The current time, in milliseconds since the epoch. */
  public now(): number {
    return Date.now() + this.offsetMs;
  }

  /**
   * Calls `fire` once `delayMs` have passed on this clock.
   *
   * @param real count the timer as running work: the clock does not jump past it, so it takes
   * real time (the `realDelays` run option).
   */
  public setTimer(delayMs: number, fire: () => void, real = false): ClockTimer {
    const timer: ScheduledTimer = {
      due: this.now() + Math.max(0, delayMs),
      sequence: this.sequence++,
      fire,
      real,
      done: false,
      cancel: () => this.cancel(timer),
    };
    if (real) this.work++;
    this.push(timer);
    this.reschedule();
    return timer;
  }

  /** Resolves after `delayMs` on this clock (at once for 0 or less). */
  public sleep(delayMs: number, real = false): { promise: Promise<void>; timer?: ClockTimer } {
    if (delayMs <= 0) return { promise: Promise.resolve() };
    let timer: ClockTimer | undefined;
    const promise = new Promise<void>((resolve) => {
      timer = this.setTimer(delayMs, resolve, real);
    });
    return { promise, timer };
  }

  /**
   * Marks something that takes real time: `work` (a handler in flight) or a `wait` (a callback
   * waiting for its token). The clock does not jump while either exists. Returns the function
   * that ends it (idempotent).
   */
  public hold(kind: 'work' | 'wait'): () => void {
    if (kind === 'work') this.work++;
    else this.waits++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (kind === 'work') this.release();
      else {
        this.waits--;
        this.reschedule();
      }
    };
  }

  /**
   * Moves the clock forward by `ms`, firing every timer that falls due on the way in order;
   * after each, waits until the work it started has settled (nothing running but callbacks
   * waiting), so that what a fired timer schedules inside the window fires too.
   */
  public async advance(ms: number): Promise<void> {
    const target = this.now() + Math.max(0, ms);
    for (;;) {
      const next = this.peek();
      if (!next || next.due > target) break;
      this.offsetMs += Math.max(0, next.due - this.now());
      this.fireDue();
      await this.settle();
    }
    this.offsetMs += Math.max(0, target - this.now());
    this.fireDue();
    this.reschedule();
  }

  /** Cancels every timer (the runner is disposed of). */
  public dispose(): void {
    for (const timer of [...this.timers]) this.cancel(timer);
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  /** Resolves once no work is in flight after a turn of the event loop (callbacks may wait on). */
  private async settle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.work === 0) return;
      await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    }
  }

  private release(): void {
    this.work--;
    if (this.work === 0) {
      for (const waiter of this.settledWaiters.splice(0)) waiter();
      this.reschedule();
    }
  }

  private cancel(timer: ScheduledTimer): void {
    if (timer.done) return;
    timer.done = true;
    const index = this.timers.indexOf(timer);
    if (index >= 0) this.removeAt(index);
    if (timer.real) this.release();
    this.reschedule();
  }

  /** Fires the timers due now, earliest first. */
  private fireDue(): void {
    for (let next = this.peek(); next && next.due <= this.now(); next = this.peek()) {
      this.removeAt(0);
      next.done = true;
      next.fire();
      if (next.real) this.release();
    }
  }

  /** Arms one real timer for the earliest due timer, and an idle jump when nothing runs. */
  private reschedule(): void {
    const next = this.peek();
    if (!next) {
      if (this.realTimer) clearTimeout(this.realTimer);
      this.realTimer = undefined;
      this.realTimerDue = Infinity;
      return;
    }
    if (next.due < this.realTimerDue || !this.realTimer) {
      if (this.realTimer) clearTimeout(this.realTimer);
      this.realTimerDue = next.due;
      this.realTimer = setTimeout(() => {
        this.realTimer = undefined;
        this.realTimerDue = Infinity;
        this.fireDue();
        this.reschedule();
      }, Math.min(Math.max(0, next.due - this.now()), 2_147_483_647)).unref();
    }
    if (this.isIdle() && !this.idleCheckPending) {
      this.idleCheckPending = true;
      setImmediate(() => this.jumpIfIdle());
    }
  }

  private jumpIfIdle(): void {
    this.idleCheckPending = false;
    const next = this.peek();
    if (!this.isIdle() || !next) return;
    this.offsetMs += Math.max(0, next.due - this.now());
    this.fireDue();
    this.reschedule();
  }

  private isIdle(): boolean {
    return this.work === 0 && this.waits === 0;
  }

  // A binary min-heap ordered by due time, then by creation.
  private push(timer: ScheduledTimer): void {
    const heap = this.timers;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private peek(): ScheduledTimer | undefined {
    return this.timers[0];
  }

  private removeAt(index: number): void {
    const heap = this.timers;
    const last = heap.pop()!;
    if (index === heap.length) return;
    heap[index] = last;
    this.siftDown(index);
    for (let i = index; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.timers;
    for (let i = start; ; ) {
      const [left, right] = [2 * i + 1, 2 * i + 2];
      let smallest = i;
      if (left < heap.length && earlier(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && earlier(heap[right], heap[smallest])) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
      i = smallest;
    }
  }
}

function earlier(a: ScheduledTimer, b: ScheduledTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.sequence < b.sequence);
}
