import { AslState, DEFAULT_MAX_ATTEMPTS, retriersOf } from '../asl/definition';
import { TIMEOUT_ERRORS } from './states-timeout';


/** Where an attempt stands in its entry into the state. */
export interface Attempt {
  /** 0 on the first attempt, then the retries so far. */
  readonly retryCount: number;
  /** When the state was entered (ISO 8601): the same for every retry. */
  readonly enteredTime: string;
}

interface AttemptState {
  retryCount: number;
  readonly enteredTime: string;
  readonly retrierAttempts: number[];
  inFlight: boolean;
  retryExpected: boolean;
}

/**
 * Tracks `$$.State.RetryCount` for Task states, which aws-local-stepfunctions does not
 * provide: it mirrors the interpreter's retry decision (first retrier whose `ErrorEquals`
 * matches, `MaxAttempts` defaulting to 3, `States.TaskFailed` matching all but
 * `States.Timeout`) to tell a retry from a fresh entry into the state.
 *
 * Attempts are keyed by state name and input, so concurrent Map iterations with different
 * items are counted apart.
 */
export class RetryCounter {
  private readonly attempts = new Map<string, AttemptState>();

  /** Records the start of an attempt and returns its retry count (0 for a first attempt) and entry time. */
  public begin(key: string, state: AslState): Attempt {
    const previous = this.attempts.get(key);
    if (previous?.inFlight) this.fail(key, state, 'States.Timeout');
    const current = this.attempts.get(key);
    if (current?.retryExpected) {
      current.retryExpected = false;
      current.inFlight = true;
      return { retryCount: current.retryCount, enteredTime: current.enteredTime };
    }
    const retriers = retriersOf(state);
    const enteredTime = new Date().toISOString();
    this.attempts.set(key, { retryCount: 0, enteredTime, retrierAttempts: retriers.map(() => 0), inFlight: true, retryExpected: false });
    return { retryCount: 0, enteredTime };
  }

  /** Records a successful attempt. */
  public succeed(key: string): void {
    this.attempts.delete(key);
  }

  /** Records a failed attempt with the ASL error name it failed with. */
  public fail(key: string, state: AslState, errorName: string): void {
    const current = this.attempts.get(key);
    if (!current?.inFlight) return;
    current.inFlight = false;
    const retriers = retriersOf(state);
    const index = retriers.findIndex((retrier) => (retrier.ErrorEquals ?? []).some((name) => matches(name, errorName)));
    if (index >= 0 && current.retrierAttempts[index] < ((retriers[index].MaxAttempts as number | undefined) ?? DEFAULT_MAX_ATTEMPTS)) {
      current.retrierAttempts[index]++;
      current.retryCount++;
      current.retryExpected = true;
    } else {
      this.attempts.delete(key);
    }
  }
}

function matches(pattern: string, errorName: string): boolean {
  if (pattern === errorName || pattern === 'States.ALL') return true;
  return pattern === 'States.TaskFailed' && !TIMEOUT_ERRORS.includes(errorName);
}
